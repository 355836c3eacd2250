"""Dates with their precision, absolute ("12 March 2013", "in 2012") or relative to the publication
date ("on Thursday", "last month", "two years ago"). With no publication date a relative date is left
out rather than guessed."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc

from armtrace.reports.pipeline.analysis import analysis
from armtrace.reports.pipeline.cues import load_cues
from armtrace.reports.pipeline.mentions import DateMention

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS.pop("may", None)  # "may" is a verb far more often; "May" is handled by case below
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
UNITS = {
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
}

if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)


@Language.factory("armtrace_dates")
def make_dates(nlp: Language, name: str) -> DateFinder:
    return DateFinder()


class DateFinder:
    def __init__(self) -> None:
        self.numbers = load_cues().number_words

    def __call__(self, doc: Doc) -> Doc:
        found = analysis(doc)
        published: date | None = doc._.published
        lower, text = found.lower, found.text
        mentions: list[DateMention] = []
        i, n = 0, len(lower)
        while i < n:
            hit, relative = self._absolute(lower, text, i, published), False
            if hit is None and published:
                hit, relative = self._relative(lower, i, published), True
            if hit is None:
                i += 1
                continue
            end, value, precision, day = hit
            end_char = found.end_char(end)
            mentions.append(
                DateMention(i, end, found.idx[i], end_char, value, precision, day, relative)
            )
            i = end
        found.dates = mentions
        return doc

    def _month(self, lower: list[str], text: list[str], i: int) -> int | None:
        if i >= len(lower):
            return None
        if text[i] == "May":
            return 5
        return MONTHS.get(lower[i]) if text[i][:1].isupper() else None

    def _absolute(
        self, lower: list[str], text: list[str], i: int, published: date | None
    ) -> tuple[int, str, str, date] | None:
        n = len(lower)
        # 12 March 2013 / 12 March
        if _day(lower[i]) and (month := self._month(lower, text, i + 1)):
            year, end = _year_at(lower, i + 2)
            year = year or _infer_year(published, month)
            if year:
                return _day_result(end, year, month, _day(lower[i]))
        # March 12, 2013 / March 2013 / March
        if month := self._month(lower, text, i):
            if i + 1 < n and _day(lower[i + 1]):
                end = i + 2 + (i + 2 < n and lower[i + 2] == ",")
                year, end2 = _year_at(lower, end)
                year = year or _infer_year(published, month)
                if year:
                    return _day_result(
                        end2 if end2 > end else i + 2, year, month, _day(lower[i + 1])
                    )
            year, end = _year_at(lower, i + 1)
            if year:
                return end, f"{year:04d}-{month:02d}", "month", date(year, month, 1)
            if i > 0 and lower[i - 1] in {"in", "since", "during", "early", "late", "mid", "by"}:
                year = _infer_year(published, month)
                if year:
                    return i + 1, f"{year:04d}-{month:02d}", "month", date(year, month, 1)
            return None
        # in 2012
        year, end = _year_at(lower, i)
        if (
            year
            and i > 0
            and lower[i - 1]
            in {
                "in",
                "since",
                "during",
                "of",
                "early",
                "late",
                "by",
                "until",
                "mid",
                "from",
                "between",
            }
        ):
            return end, f"{year:04d}", "year", date(year, 1, 1)
        return None

    def _relative(
        self, lower: list[str], i: int, published: date
    ) -> tuple[int, str, str, date] | None:
        tok = lower[i]
        nxt = lower[i + 1] if i + 1 < len(lower) else ""
        if tok == "yesterday":
            return _day_result(i + 1, *_ymd(published - timedelta(days=1)))
        if tok == "today":
            return _day_result(i + 1, *_ymd(published))
        if tok in WEEKDAYS and i > 0 and lower[i - 1] in {"on", "last", "this", "late", "early"}:
            back = (published.weekday() - WEEKDAYS[tok]) % 7
            if lower[i - 1] == "last" and back == 0:
                back = 7
            return _day_result(i + 1, *_ymd(published - timedelta(days=back)))
        if tok in {"last", "past", "previous"} and nxt in {"week", "month", "year"}:
            return _unit_back(i + 2, published, 1, nxt)
        if tok == "this" and nxt in {"week", "month", "year"}:
            return _unit_back(i + 2, published, 0, nxt)
        if (
            tok == "earlier"
            and nxt == "this"
            and i + 2 < len(lower)
            and lower[i + 2] in {"month", "year"}
        ):
            return _unit_back(i + 3, published, 0, lower[i + 2])
        count = self.numbers.get(tok) or (int(tok) if tok.isdigit() and len(tok) < 3 else None)
        if count and nxt in UNITS and i + 2 < len(lower) and lower[i + 2] == "ago":
            return _unit_back(i + 3, published, count, UNITS[nxt])
        return None


def _day(token: str) -> int | None:
    token = token.rstrip("stndrh") if token[:1].isdigit() else token
    return int(token) if token.isdigit() and 1 <= int(token) <= 31 and len(token) <= 2 else None


def _year_at(lower: list[str], i: int) -> tuple[int | None, int]:
    if (
        i < len(lower)
        and len(lower[i]) == 4
        and lower[i].isdigit()
        and lower[i][:2] in {"19", "20"}
    ):
        if i + 1 < len(lower) and lower[i + 1] in {"s", "'s"}:  # "the 1970s" is a decade
            return None, i
        return int(lower[i]), i + 1
    return None, i


def _infer_year(published: date | None, month: int) -> int | None:
    """'in March' in a report of June 2013 is March 2013; in one of February 2013, March 2012."""
    if published is None:
        return None
    return published.year if month <= published.month else published.year - 1


def _ymd(day: date) -> tuple[int, int, int]:
    return day.year, day.month, day.day


def _day_result(
    end: int, year: int, month: int, day: int | None
) -> tuple[int, str, str, date] | None:
    try:
        value = date(year, month, day or 1)
    except ValueError:
        return None
    return end, value.isoformat(), "day", value


def _unit_back(end: int, published: date, count: int, unit: str) -> tuple[int, str, str, date]:
    if unit == "day":
        day = published - timedelta(days=count)
        return end, day.isoformat(), "day", day
    if unit == "week":
        day = published - timedelta(weeks=count)
        monday = day - timedelta(days=day.weekday())
        return end, monday.isoformat(), "week", monday
    if unit == "month":
        months = published.year * 12 + published.month - 1 - count
        year, month = divmod(months, 12)
        return end, f"{year:04d}-{month + 1:02d}", "month", date(year, month + 1, 1)
    year = published.year - count
    return end, f"{year:04d}", "year", date(year, 1, 1)

"""National reporting from records: the tables of an ATT annual report and of a national report on the
UN Programme of Action on small arms (PoA) and the International Tracing Instrument (ITI).

ATT annual report (Article 13(3); the ATT Secretariat's reporting template): exports and imports of the
year by the Article 2(1) categories I–VIII, small arms and light weapons broken down by the template's
sub-categories, each row with the partner state, the number of items, the records and their references
(licence, contract). armtrace's categories are mapped onto the template's below; ammunition, explosives
and munitions are not Article 2(1) items and are listed apart (voluntary reporting, Articles 3 and 4).
Records carry no authorised/actual distinction: figures are "as recorded" in the imported registers.

PoA/ITI national report: marking (items documented in the country that year, and what their marks
show), record-keeping (the country's registers by kind and how complete their identifying fields are)
and tracing cooperation (trace requests received by the state and those about items documented in it,
by status, with the days to an answer).
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from armtrace.records.models import Item, Record, TraceRequest

# armtrace category -> (ATT category, SALW sub-category or "")
ATT_CATEGORIES: dict[str, tuple[str, str]] = {
    "armoured_vehicle": ("II. Armoured combat vehicles", ""),
    "artillery": ("III. Large-calibre artillery systems", ""),
    "artillery_rocket": ("III. Large-calibre artillery systems", ""),
    "aircraft": ("IV. Combat aircraft", ""),
    "manpads": ("VII. Missiles and missile launchers", "MANPADS"),
    "pistol": ("VIII. Small arms", "Revolvers and self-loading pistols"),
    "rifle": ("VIII. Small arms", "Rifles and carbines"),
    "sniper_rifle": ("VIII. Small arms", "Rifles and carbines"),
    "shotgun": ("VIII. Small arms", "Rifles and carbines"),
    "submachine_gun": ("VIII. Small arms", "Sub-machine guns"),
    "assault_rifle": ("VIII. Small arms", "Assault rifles"),
    "machine_gun": ("VIII. Small arms", "Light machine guns"),
    "heavy_machine_gun": ("VIII. Light weapons", "Heavy machine guns"),
    "grenade_launcher": ("VIII. Light weapons", "Grenade launchers"),
    "anti_aircraft_gun": ("VIII. Light weapons", "Portable anti-aircraft guns"),
    "recoilless_rifle": ("VIII. Light weapons", "Recoilless rifles"),
    "atgm": ("VIII. Light weapons", "Portable anti-tank missile launchers and rocket systems"),
    "rocket_launcher": (
        "VIII. Light weapons",
        "Portable anti-tank missile launchers and rocket systems",
    ),
    "mortar": ("VIII. Light weapons", "Mortars (of calibres less than 75 mm)"),
}
NOT_ARTICLE_2 = "Ammunition, munitions, parts (Art. 3/4; voluntary)"
UNMAPPED = "Other / category not stated"
NON_ARTICLE_2_CATEGORIES = {"ammunition", "artillery_shell", "grenade", "landmine", "explosive"}


def att_category(category: str | None) -> tuple[str, str]:
    if category in ATT_CATEGORIES:
        return ATT_CATEGORIES[category]
    if category in NON_ARTICLE_2_CATEGORIES:
        return NOT_ARTICLE_2, category or ""
    return UNMAPPED, category or ""


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    note: str = ""


@dataclass
class NationalReport:
    country: str
    year: int
    att: list[Table]
    poa: list[Table]

    def tables(self) -> list[Table]:
        return [*self.att, *self.poa]


def _in_year(value: str | None, year: int) -> bool:
    return bool(value) and str(value)[:4] == str(year)


def _items_of(record: Record) -> int:
    """A record's number of items: its quantity, else one per serial (a serial range counts as stated)."""
    if record.quantity is not None:
        return record.quantity
    return 1


def _att_tables(session: Session, country: str, year: int) -> list[Table]:
    rows = session.scalars(
        select(Record)
        .where(
            Record.kind == "transfer",
            or_(Record.exporter == country, Record.importer == country),
        )
        .order_by(Record.date, Record.id)
    ).all()
    out = []
    for direction, own, partner, label in (
        ("exports", "exporter", "importer", "Importing state"),
        ("imports", "importer", "exporter", "Exporting state"),
    ):
        groups: dict[tuple[str, str, str], dict] = defaultdict(
            lambda: {"items": 0, "records": 0, "refs": set(), "models": set()}
        )
        for r in rows:
            if getattr(r, own) != country or not _in_year(r.date, year):
                continue
            cat, sub = att_category(r.category)
            g = groups[(cat, sub, getattr(r, partner) or "?")]
            g["items"] += _items_of(r)
            g["records"] += 1
            if r.reference:
                g["refs"].add(r.reference)
            if r.model:
                g["models"].add(r.model)
        table = Table(
            f"ATT annual report {year}: {direction} of {country}",
            [
                "ATT category",
                "SALW sub-category",
                label,
                "items",
                "records",
                "description",
                "references",
            ],
            note="As recorded in the imported transfer registers (authorised/actual not told apart).",
        )
        for (cat, sub, partner_state), g in sorted(groups.items()):
            table.rows.append(
                [
                    cat,
                    sub,
                    partner_state,
                    g["items"],
                    g["records"],
                    ", ".join(sorted(g["models"])),
                    "; ".join(sorted(g["refs"])),
                ]
            )
        totals: dict[str, int] = defaultdict(int)
        for row in table.rows:
            totals[str(row[0])] += int(row[3])  # type: ignore[call-overload]
        for cat, n in sorted(totals.items()):
            table.rows.append([f"Total {cat}", "", "", n, "", "", ""])
        out.append(table)
    return out


def _marking(session: Session, country: str, year: int) -> Table:
    items = [
        i
        for i in session.scalars(select(Item).where(Item.country == country)).all()
        if _in_year(i.date, year)
    ]
    serial = [i for i in items if i.serial]
    legible = [i for i in serial if "?" not in (i.serial or "")]
    table = Table(
        f"PoA/ITI {year}: marking — items documented in {country}",
        ["indicator", "items", "share"],
        note="ITI §§7-10: unique marking at manufacture (serial, maker, country, year) and on import.",
    )
    total = len(items)
    for label, n in (
        ("items documented", total),
        ("serial number read", len(serial)),
        ("serial fully legible", len(legible)),
        ("manufacturer identified", sum(1 for i in items if i.manufacturer)),
        ("country-of-manufacture mark", sum(1 for i in items if i.country_mark)),
        ("year-of-manufacture mark", sum(1 for i in items if i.year_mark)),
        ("import marking", sum(1 for i in items if i.import_marks)),
    ):
        table.rows.append([label, n, f"{n / total:.0%}" if total else "–"])
    return table


def _record_keeping(session: Session, country: str, year: int) -> Table:
    records = session.scalars(
        select(Record).where(
            or_(Record.country == country, Record.exporter == country, Record.importer == country)
        )
    ).all()
    table = Table(
        f"PoA/ITI {year}: record-keeping — registers held for {country}",
        [
            "register",
            "records",
            "of the year",
            "with serial",
            "with maker",
            "with model",
            "with reference",
        ],
        note="ITI §§11-13: records of marked weapons kept and retrievable ('of the year': by date).",
    )
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_kind[r.kind].append(r)
    for kind, group in sorted(by_kind.items()):
        table.rows.append(
            [
                kind,
                len(group),
                sum(1 for r in group if _in_year(r.date, year)),
                sum(1 for r in group if r.serial or r.serial_from),
                sum(1 for r in group if r.manufacturer),
                sum(1 for r in group if r.model),
                sum(1 for r in group if r.reference),
            ]
        )
    return table


def _tracing(session: Session, country: str, year: int) -> Table:
    def of_year(t: TraceRequest) -> bool:
        when = t.sent_on or t.created_at
        return when is not None and when.year == year

    received = [
        t
        for t in session.scalars(select(TraceRequest).where(TraceRequest.state == country)).all()
        if of_year(t)
    ]
    documented_here = select(Item.id).where(Item.country == country)
    sent = [
        t
        for t in session.scalars(
            select(TraceRequest).where(
                TraceRequest.item_id.in_(documented_here), TraceRequest.state != country
            )
        ).all()
        if of_year(t)
    ]
    table = Table(
        f"PoA/ITI {year}: tracing cooperation — {country}",
        [
            "requests",
            "state",
            "total",
            "draft",
            "sent",
            "acknowledged",
            "answered",
            "median days to answer",
        ],
        note="ITI §§14-23: requests received by the state, and requests about items documented in it.",
    )
    for label, group, by in (
        ("received", received, None),
        ("made about items found here", sent, "state"),
    ):
        buckets: dict[str, list[TraceRequest]] = defaultdict(list)
        for t in group:
            buckets[t.state if by else country].append(t)
        if not buckets:
            table.rows.append([label, "–", 0, 0, 0, 0, 0, "–"])
        for state, ts in sorted(buckets.items()):
            days = [(t.answered_on - t.sent_on).days for t in ts if t.answered_on and t.sent_on]
            counts = {
                s: sum(1 for t in ts if t.status == s)
                for s in ("draft", "sent", "acknowledged", "answered")
            }
            table.rows.append(
                [
                    label,
                    state,
                    len(ts),
                    *counts.values(),
                    f"{statistics.median(days):g}" if days else "–",
                ]
            )
    return table


def national_report(session: Session, country: str, year: int) -> NationalReport:
    c = country.upper()
    return NationalReport(
        c,
        year,
        _att_tables(session, c, year),
        [_marking(session, c, year), _record_keeping(session, c, year), _tracing(session, c, year)],
    )


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|")


def to_markdown(report: NationalReport) -> str:
    lines = [f"# National report: {report.country}, {report.year}", ""]
    for heading, tables in (("ATT annual report", report.att), ("UN PoA / ITI", report.poa)):
        lines += [f"## {heading}", ""]
        for t in tables:
            lines += [f"### {t.title}", ""]
            lines.append("| " + " | ".join(t.columns) + " |")
            lines.append("|" + "|".join("---" for _ in t.columns) + "|")
            for row in t.rows:
                lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
            if not t.rows:
                lines.append(
                    "| " + " | ".join(["nothing recorded"] + [""] * (len(t.columns) - 1)) + " |"
                )
            if t.note:
                lines += ["", f"_{t.note}_"]
            lines.append("")
    return "\n".join(lines)


def to_csv(report: NationalReport) -> str:
    """One CSV: each row prefixed by its table's title; a header row per table."""
    buf = io.StringIO()
    w = csv.writer(buf)
    for t in report.tables():
        w.writerow(["table", *t.columns])
        for row in t.rows:
            w.writerow([t.title, *row])
    return buf.getvalue()

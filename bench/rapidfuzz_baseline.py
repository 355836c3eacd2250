"""The issue's reference matcher: a careful rapidfuzz matcher, as an analyst would write it in an
afternoon without the engine (about 110 lines). `bench/tracing.py` runs it beside the engine.

* Serials normalised the simple way: NFKC, capitals, any script's digits as ASCII, a dozen Cyrillic
  look-alike letters, separators dropped, photo misreadings folded onto the digit (O/I/L/S/B/Z).
* Records of a range spelled out into one serial each (as for Splink).
* Blocking on the serial's last four characters and on its first six (a `?` spoils the key it falls
  in, so one of the two usually survives one illegible character; a cut-off start keeps the last four).
* Scoring with rapidfuzz: Levenshtein distance on the serial (Hamming with `?` positions forgiven for
  partial readings, on the read end for cut-off ones); model by partial ratio, maker by token-set
  ratio, country, calibre and year by equality.
* Decision: "match" when exactly one registered serial fits every character read and no mark
  contradicts its record; "possible" when some candidate is at most one character off; else "none".
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import defaultdict

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Hamming, Levenshtein

CYRILLIC = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")  # capitals that look Latin
MISREADINGS = str.maketrans("OILSBZ", "011582")  # folded onto the digit, after CYRILLIC
HOLE = "#"  # stands for `?` in a reading: no serial holds it, so it always counts one difference


def simple_serial(text: str | None) -> str:
    chars = []
    for ch in unicodedata.normalize("NFKC", text or "").upper():
        if ch in "?*":
            chars.append(ch)
        elif ch.isdigit():
            chars.append(str(unicodedata.digit(ch)))
        elif ch.isalnum():
            chars.append(ch)
    return "".join(chars).translate(CYRILLIC).translate(MISREADINGS)


def squash(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


class RapidfuzzMatcher:
    def __init__(self, records: list) -> None:
        self.rows: list[tuple[str, object]] = []  # (serial, record)
        self.by_tail: dict[str, list[int]] = defaultdict(list)
        self.by_head: dict[str, list[int]] = defaultdict(list)
        for r in records:
            if r.range is None:
                self._add(simple_serial(r.serial), r)
                continue
            for n in range(r.range.low, r.range.high + 1):
                self._add(simple_serial(f"{r.range.prefix}{n:0{r.range.width}d}"), r)

    def _add(self, serial: str, record: object) -> None:
        self.by_tail[serial[-4:]].append(len(self.rows))
        self.by_head[serial[:6]].append(len(self.rows))
        self.rows.append((serial, record))

    def trace(self, item: dict) -> tuple[str, str | None, frozenset[str]]:
        reading = simple_serial(item["serial"])
        if sum(c not in "?*" for c in reading) < 4:
            return "none", None, frozenset()
        cut = reading.startswith("*")
        reading = reading.lstrip("*").replace("?", HOLE)
        holes = reading.count(HOLE)
        pool = set()
        if HOLE not in reading[-4:]:
            pool.update(self.by_tail.get(reading[-4:], ()))
        if not cut and HOLE not in reading[:6]:
            pool.update(self.by_head.get(reading[:6], ()))
        pool = sorted(pool)
        serials = [self.rows[i][0][-len(reading) :] if cut else self.rows[i][0] for i in pool]
        scorer = Hamming.distance if cut or holes else Levenshtein.distance
        near = process.extract(reading, serials, scorer=scorer, score_cutoff=holes + 1, limit=None)
        scored = []
        for _, distance, k in near:
            serial, record = self.rows[pool[k]]
            off = distance - holes  # characters read that differ
            marks, clash = self._marks(item, record)
            scored.append(
                (off == 0 and not clash, (1.0 if off == 0 else 0.6) + marks, serial, record)
            )
        if not scored:
            return "none", None, frozenset()
        scored.sort(key=lambda s: (-s[1], s[2]))
        fitting = {serial for fits, _, serial, _ in scored if fits}
        candidates = frozenset(s[3].id for s in scored[:10])
        decision = "match" if len(fitting) == 1 and scored[0][0] else "possible"
        return decision, scored[0][3].id, candidates

    @staticmethod
    def _marks(item: dict, record: object) -> tuple[float, bool]:
        """Agreement of the other marks (a small bonus each) and whether one clearly contradicts."""
        score, clash = 0.0, False
        if item["model"] and record.model:
            ratio = fuzz.partial_ratio(squash(item["model"]), squash(record.model))
            score, clash = (score + 0.1, clash) if ratio >= 90 else (score - 0.3, True)
        if item["manufacturer"] and record.manufacturer:
            if fuzz.token_set_ratio(item["manufacturer"].lower(), record.manufacturer) >= 85:
                score += 0.1
            else:
                score, clash = score - 0.3, True
        for field in ("country", "calibre"):
            if item[field] and getattr(record, field):
                same = squash(item[field]) == squash(getattr(record, field))
                score, clash = (score + 0.05, clash) if same else (score - 0.3, True)
        if item["year"] and record.year:
            gap = abs(int(item["year"]) - record.year)
            score, clash = (score + 0.1 * (gap == 0), clash) if gap <= 1 else (score - 0.3, True)
        return score, clash


def run_rapidfuzz(records: list, written: list[dict]) -> tuple[list, dict[str, float]]:
    """(decision, best record, candidate records) per item, and the seconds per stage."""
    t0 = time.perf_counter()
    matcher = RapidfuzzMatcher(records)
    t1 = time.perf_counter()
    results = [matcher.trace(item) for item in written]
    return results, {"index": t1 - t0, "trace": time.perf_counter() - t1}

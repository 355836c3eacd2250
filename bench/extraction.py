"""Extraction throughput on one core: reports/s and words/s on ~500-word reports.

Reports are built from the bundled development set (each padded to about 500 words by joining
reports), so the text is the kind armtrace reads. Run with `make bench`.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date
from pathlib import Path

from armtrace.reports.document import Report
from armtrace.reports.pipeline import build_pipeline, extract
from armtrace.reports.readers import read_paths

DEVSET = Path(__file__).resolve().parents[1] / "src/armtrace/reports/devset"


def corpus(n: int, words: int) -> list[Report]:
    bodies = [r.text for r in read_paths([DEVSET]) if isinstance(r, Report)]
    reports, i = [], 0
    while len(reports) < n:
        parts: list[str] = []
        while sum(len(p.split()) for p in parts) < words:
            parts.append(bodies[i % len(bodies)])
            i += 1
        text = " ".join("\n\n".join(parts).split(" ")[:words])  # about `words` words
        reports.append(Report(key=f"bench-{len(reports)}", text=text, published=date(2013, 6, 1)))
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--words", type=int, default=500)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    reports = corpus(args.reports, args.words)
    nlp = build_pipeline()
    for r in reports[:20]:  # warm up caches (gazetteer, lexicons)
        extract(r, nlp)
    n_words = sum(len(r.text.split()) for r in reports)
    n_incidents = 0
    start = time.perf_counter()
    for r in reports:
        n_incidents += len(extract(r, nlp))
    elapsed = time.perf_counter() - start
    print(
        f"extraction, 1 core: {len(reports)} reports, {n_words} words "
        f"({n_words / len(reports):.0f} words/report), {n_incidents} incidents"
    )
    print(
        f"  {len(reports) / elapsed:.1f} reports/s   {n_words / elapsed:,.0f} words/s   "
        f"({elapsed:.2f} s)"
    )


if __name__ == "__main__":
    main()

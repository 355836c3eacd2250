"""What runs on a worker: extraction and everything else that needs no database (rows, content ids,
blocking keys, shingles), which is pure (Report → Prepared), so a batch can be retried on another
worker, or lost with a killed one, without touching the database; the client only writes."""

from __future__ import annotations

import threading

from spacy.language import Language

from armtrace.reports.document import Report
from armtrace.reports.ingest import Prepared, prepare
from armtrace.reports.pipeline import build_pipeline, extract

_local = threading.local()


def _pipeline() -> Language:
    # one pipeline per worker thread: spaCy components are not documented as thread-safe, and a
    # second build costs ~0.15 s once the data files are loaded
    nlp = getattr(_local, "nlp", None)
    if nlp is None:
        nlp = _local.nlp = build_pipeline()
    return nlp


def extract_batch(reports: list[Report]) -> list[Prepared | str]:
    """Each report prepared for writing, or the error its extraction raised (so one report fails
    alone)."""
    nlp = _pipeline()
    outcomes: list[Prepared | str] = []
    for report in reports:
        try:
            outcomes.append(prepare(report, extract(report, nlp)))
        except Exception as exc:  # a component that raises on one report must not lose the batch
            outcomes.append(f"extraction failed: {type(exc).__name__}: {exc}")
    return outcomes

"""The extraction pipeline: a blank English spaCy pipeline with armtrace's components, one job each.

    sentencizer → armtrace_cues → armtrace_weapons → armtrace_actors → armtrace_places
                → armtrace_quantities → armtrace_dates → armtrace_events

No statistical model is loaded (spaCy's trained pipelines are not on PyPI, and nothing may be
downloaded at run time); every component reads its words from the package's data files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

import spacy
from spacy.language import Language

from armtrace.reports.document import Report
from armtrace.reports.extraction import ExtractedIncident

# importing the modules registers their factories with spaCy
from armtrace.reports.pipeline import (  # noqa: F401
    actors,
    cues,
    dates,
    events,
    places,
    quantities,
    weapons,
)

COMPONENTS = (
    "armtrace_cues",
    "armtrace_weapons",
    "armtrace_actors",
    "armtrace_places",
    "armtrace_quantities",
    "armtrace_dates",
    "armtrace_events",
)
EXTRACTOR_NAME = "armtrace-extract/1"


def build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@cache
def default_pipeline() -> Language:
    return build_pipeline()


def extract(report: Report, nlp: Language | None = None) -> list[ExtractedIncident]:
    """All incidents one report states, asserted or not (see ExtractedIncident.modality)."""
    nlp = nlp or default_pipeline()
    doc = nlp.make_doc(report.text)
    doc._.published = report.published
    return nlp(doc)._.incidents


def extract_many(
    reports: Iterable[Report], nlp: Language | None = None
) -> Iterator[tuple[Report, list[ExtractedIncident]]]:
    nlp = nlp or default_pipeline()
    for report in reports:
        yield report, extract(report, nlp)

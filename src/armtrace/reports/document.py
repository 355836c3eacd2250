"""A report as read from a file or a JSONL line, before extraction."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

# Pages of a PDF are joined with a form feed, as pdftotext does: the stored text keeps its page
# breaks, so any span of it can be mapped to a page later (page_at) without a table of offsets.
PAGE_BREAK = "\f"


@dataclass(slots=True)
class Report:
    key: str  # the file stem or the input's own id
    text: str
    published: date | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    format: str = "txt"
    path: str | None = None
    # (start, end) character offsets of each page in text, page 1 first; None for unpaged formats
    pages: list[tuple[int, int]] | None = None

    @property
    def source_id(self) -> str:
        return source_id(self.text)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page that holds character `offset`, or None for an unpaged report."""
        if not self.pages:
            return None
        starts = [start for start, _ in self.pages]
        return max(1, bisect_right(starts, offset))


def page_at(text: str, offset: int) -> int:
    """The 1-based page of `offset` in a stored text whose pages are joined by PAGE_BREAK."""
    return text.count(PAGE_BREAK, 0, offset) + 1


def join_pages(pages: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """One text from page texts, with the (start, end) offsets of each page in it."""
    spans: list[tuple[int, int]] = []
    position = 0
    for text in pages:
        spans.append((position, position + len(text)))
        position += len(text) + len(PAGE_BREAK)
    return PAGE_BREAK.join(pages), spans


def source_id(text: str) -> str:
    """Derived from the content alone, so a report re-ingested from anywhere is recognised."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]

"""A report as read from a file or a JSONL line, before extraction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date


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

    @property
    def source_id(self) -> str:
        return source_id(self.text)


def source_id(text: str) -> str:
    """Derived from the content alone, so a report re-ingested from anywhere is recognised."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]

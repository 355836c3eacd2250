"""Evidence grades computed from an incident's sources, each explained in one line.

alleged       hedged or anonymous claims from a single source
reported      one attributable source
corroborated  two or more independent sources; syndicated copies and one publisher's several
              articles count as one
confirmed     set later by a completed trace or an analyst, never computed here
"""

from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from armtrace.store.models import Incident, Source

SYNDICATED = 0.5  # share of word 5-grams two texts must have in common to be copies of one story
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Grade:
    grade: str
    reason: str


def independent_groups(sources: Sequence[Source]) -> list[list[Source]]:
    """Sources grouped so that each group is one independent voice (same publisher, or copies)."""
    parent = list(range(len(sources)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    shingles = [_shingles(s.text) for s in sources]
    for i in range(len(sources)):
        for j in range(i + 1, len(sources)):
            if _same_voice(sources[i], sources[j], shingles[i], shingles[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[Source]] = {}
    for i, source in enumerate(sources):
        groups.setdefault(root(i), []).append(source)
    return sorted(groups.values(), key=lambda g: (g[0].published is None, g[0].published, g[0].id))


def grade_incident(incident: Incident, sources: Sequence[Source]) -> Grade:
    if incident.grade == "confirmed":
        return CONFIRMED
    groups = independent_groups(sources)
    hedged = all(s.grade == "alleged" for s in incident.statements if s.field == "evidence")
    return _grade([_label(g[0]) for g in groups], len(sources), hedged)


CONFIRMED = Grade("confirmed", "confirmed by a trace or an analyst")


def _grade(names: list[str], sources: int, hedged: bool) -> Grade:
    """The grade of an incident whose independent voices are named `names` (first source of each)."""
    joined = ", ".join(names)
    if len(names) >= 2:
        return Grade("corroborated", f"{len(names)} independent sources: {joined}")
    if hedged:
        return Grade("alleged", f"hedged claim, {sources} source(s) of one voice: {joined}")
    return Grade("reported", f"1 attributable source: {joined}")


@dataclass(frozen=True, slots=True)
class Voice:
    """What grading needs of a source besides its shingles: computed once, where it is read."""

    source_id: str
    publisher: str | None  # casefolded
    published: date | None
    label: str

    def __reduce__(self) -> tuple:
        # a worker sends one with each report: its constructor's arguments unpickle faster than a
        # frozen dataclass's state
        return Voice, (self.source_id, self.publisher, self.published, self.label)


def voice_of(source: Source | object, source_id: str) -> Voice:
    """The voice of a stored Source or of a Report (same attributes)."""
    publisher = getattr(source, "publisher", None)
    return Voice(
        source_id,
        publisher.casefold() if publisher else None,
        getattr(source, "published", None),
        _label(source),  # type: ignore[arg-type]
    )


@dataclass(slots=True)
class Voices:
    """An incident's sources in independent voices, updated one source at a time, so a join never
    reads the other sources' texts again. Each group keeps its sources in id order, as
    `independent_groups` does, so the grade and its explanation are the same."""

    groups: list[list[Voice]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # a list: most incidents have one or two

    def add(self, voice: Voice, shingles: Callable[[str], Sequence[int]]) -> None:
        """Add a source; `shingles(source_id)` gives any source's shingles."""
        if voice.source_id in self.sources:
            return
        self.sources.append(voice.source_id)
        mine: list[set[int]] = []  # the new source's shingles, made a set the first time needed
        same = [g for g in self.groups if any(_same(voice, m, mine, shingles) for m in g)]
        merged = sorted([voice, *(m for g in same for m in g)], key=lambda v: v.source_id)
        self.groups = [g for g in self.groups if not any(g is s for s in same)] + [merged]
        self.groups.sort(key=lambda g: (g[0].published is None, g[0].published, g[0].source_id))

    def grade(self, hedged: bool) -> Grade:
        return _grade([g[0].label for g in self.groups], len(self.sources), hedged)


def _same(
    a: Voice, b: Voice, mine: list[set[int]], shingles: Callable[[str], Sequence[int]]
) -> bool:
    if a.publisher and b.publisher and a.publisher == b.publisher:
        return True
    if not mine:
        mine.append(set(shingles(a.source_id)))
    return _copies(mine[0], shingles(b.source_id))


def _same_voice(a: Source, b: Source, sa: set[int], sb: set[int]) -> bool:
    if a.publisher and b.publisher and a.publisher.casefold() == b.publisher.casefold():
        return True
    return _copies(sa, sb)


def _copies(sa: set[int], sb: Sequence[int] | set[int]) -> bool:
    """Two texts sharing most of the shorter one's 5-grams: one syndicated story."""
    if not sa or not sb:
        return False
    return len(sa.intersection(sb)) / min(len(sa), len(sb)) >= SYNDICATED


def shingles(text: str) -> array:
    """The text's distinct word 5-grams, as 32-bit CRCs: stable across processes (the built-in
    hash of a str is not), so a worker can compute them, and compact (4 bytes each) to keep."""
    words = _WORD.findall(text.lower())
    found = {zlib.crc32(" ".join(words[i : i + 5]).encode()) for i in range(len(words) - 4)}
    return array("I", sorted(found))


def _shingles(text: str) -> set[int]:
    return set(shingles(text))


def _label(source: Source) -> str:
    return source.publisher or source.title or source.key

"""Evidence grades computed from an incident's sources, each explained in one line.

alleged       hedged or anonymous claims from a single source
reported      one attributable source
corroborated  two or more independent sources; syndicated copies and one publisher's several
              articles count as one
confirmed     set later by a completed trace or an analyst, never computed here
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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
        return Grade("confirmed", "confirmed by a trace or an analyst")
    groups = independent_groups(sources)
    names = ", ".join(_label(g[0]) for g in groups)
    if len(groups) >= 2:
        return Grade("corroborated", f"{len(groups)} independent sources: {names}")
    hedged = all(s.grade == "alleged" for s in incident.statements if s.field == "evidence")
    if hedged:
        return Grade("alleged", f"hedged claim, {len(sources)} source(s) of one voice: {names}")
    return Grade("reported", f"1 attributable source: {names}")


def _same_voice(a: Source, b: Source, sa: set[int], sb: set[int]) -> bool:
    if a.publisher and b.publisher and a.publisher.casefold() == b.publisher.casefold():
        return True
    if not sa or not sb:
        return False
    return len(sa & sb) / min(len(sa), len(sb)) >= SYNDICATED


def _shingles(text: str) -> set[int]:
    words = _WORD.findall(text.lower())
    return {hash(tuple(words[i : i + 5])) for i in range(max(len(words) - 4, 0))}


def _label(source: Source) -> str:
    return source.publisher or source.title or source.key

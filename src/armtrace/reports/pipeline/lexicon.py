"""Longest-match lookup of multi-token phrases over a token list.

Every component that looks words up (weapons, cues, places, actors) uses this one matcher, so that
phrases are tokenised exactly as the text is and matching stays a dictionary probe per token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

V = TypeVar("V")


class Lexicon(Generic[V]):
    def __init__(self, tokenize: Callable[[str], list[str]]) -> None:
        self._tokenize = tokenize
        self._by_first: dict[str, list[tuple[tuple[str, ...], V]]] = {}
        self.max_len = 0

    def add(self, phrase: str, value: V) -> None:
        tokens = tuple(self._tokenize(phrase))
        if not tokens:
            return
        entries = self._by_first.setdefault(tokens[0], [])
        entries.append((tokens, value))
        entries.sort(key=lambda e: -len(e[0]))  # longest first, so the first hit is the longest
        self.max_len = max(self.max_len, len(tokens))

    def update(self, items: Iterable[tuple[str, V]]) -> None:
        for phrase, value in items:
            self.add(phrase, value)

    def match_at(self, tokens: list[str], i: int) -> tuple[int, V] | None:
        """The longest phrase starting at token i, as (end, value)."""
        entries = self._by_first.get(tokens[i])
        if not entries:
            return None
        for phrase, value in entries:
            end = i + len(phrase)
            if end <= len(tokens) and (len(phrase) == 1 or tuple(tokens[i:end]) == phrase):
                return end, value
        return None

    def find(
        self, tokens: list[str], start: int = 0, stop: int | None = None
    ) -> list[tuple[int, int, V]]:
        """Non-overlapping longest matches in tokens[start:stop], left to right."""
        stop = len(tokens) if stop is None else stop
        found: list[tuple[int, int, V]] = []
        i = start
        while i < stop:
            hit = self.match_at(tokens, i)
            if hit is not None and hit[0] <= stop:
                found.append((i, hit[0], hit[1]))
                i = hit[0]
            else:
                i += 1
        return found

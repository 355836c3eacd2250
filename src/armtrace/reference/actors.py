"""Named actors (armed groups, state forces, companies, organisations) from data/actors.yaml.

Look-up is exact on the alias list, with tolerances chosen for news copy: a leading "the" is
optional ("the Houthis"); aliases that are not all-caps acronyms also match ignoring diacritics,
apostrophe style, hyphen-vs-space and the case of Arabic article particles ("al Qaeda",
"Al-Qaeda"), and an all-caps headline surface matches ignoring case ("AL-QAEDA"). Case is otherwise
kept, so "an Islamic state" is not ISIL. Acronyms match only as written: "IS" (Islamic State) never
matches "is" or "Is", and "RSF" only "RSF".
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from armtrace.reference.places import DATA_DIR, fold, normalize

KINDS = ("armed_group", "state_force", "state", "company", "person", "organisation")


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    aliases: tuple[str, ...]  # other surface forms (the name is matched as well)
    kind: str  # one of KINDS
    country: str | None  # ISO2 of home base where meaningful
    cite: str


def _is_acronym(alias: str) -> bool:
    """ "AQIM", "SLA/M", "SLA-MM", "U.S." count; "Hamas" and "NATO-led" do not."""
    letters = [ch for ch in alias if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters) and " " not in alias


# Transliterated Arabic articles and particles, written "al-", "Al ", "el-"... in reports.
_PARTICLES = frozenset("al el ad ed as ash ar an az ud ul wal wa fi li lil bin ibn".split())


def _loose(alias: str) -> str:
    """Diacritic-, apostrophe- and hyphen-insensitive key; only particles lose their case."""
    words = fold(alias).replace("-", " ").split()
    return " ".join(w.lower() if w.lower() in _PARTICLES else w for w in words)


def _strip_the(surface: str) -> str | None:
    return surface[4:] if surface[:4] in ("the ", "The ", "THE ") else None


class ActorIndex:
    def __init__(self, actors: list[Actor]) -> None:
        self._by_id: dict[str, Actor] = {}
        self._exact: dict[str, Actor] = {}
        self._loose: dict[str, Actor] = {}
        self._caseless: dict[str, Actor] = {}  # for all-caps headline surfaces
        for actor in actors:
            if actor.id in self._by_id:
                raise ValueError(f"actors.yaml: duplicate id {actor.id!r}")
            self._by_id[actor.id] = actor
            for alias in (actor.name, *actor.aliases):
                self._claim(self._exact, normalize(alias), actor)
                if not _is_acronym(alias):
                    self._claim(self._loose, _loose(alias), actor)
                    self._claim(self._caseless, _loose(alias).casefold(), actor)

    @staticmethod
    def _claim(index: dict[str, Actor], key: str, actor: Actor) -> None:
        other = index.setdefault(key, actor)
        if other is not actor:  # one alias, one actor: ambiguity must be resolved in the data
            raise ValueError(f"actors.yaml: {key!r} names both {other.id} and {actor.id}")

    def lookup(self, surface: str) -> Actor | None:
        surface = normalize(surface)
        for candidate in (surface, _strip_the(surface)):
            if candidate is None:
                continue
            actor = self._exact.get(candidate) or self._loose.get(_loose(candidate))
            if actor is None and candidate.isupper():
                actor = self._caseless.get(_loose(candidate).casefold())
            if actor is not None:
                return actor
        return None

    def names(self) -> Iterator[str]:
        """Every alias as written, canonical names included, sorted."""
        return iter(sorted(self._exact))

    def get(self, actor_id: str) -> Actor:
        return self._by_id[actor_id]

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._by_id.values())

    @property
    def max_words(self) -> int:
        """Longest alias in whitespace tokens, for n-gram look-up."""
        return max(len(alias.split()) for alias in self._exact)


@functools.cache
def load_actors() -> ActorIndex:
    """Load data/actors.yaml (cached)."""
    raw = yaml.safe_load((DATA_DIR / "actors.yaml").read_text(encoding="utf-8"))["actors"]
    actors = []
    for entry in raw:
        for key in ("id", "name", "kind", "cite"):
            if not entry.get(key):
                raise ValueError(f"actors.yaml: {entry.get('id')!r} lacks {key}")
        if entry["kind"] not in KINDS:
            raise ValueError(f"actors.yaml: {entry['id']!r} has unknown kind {entry['kind']!r}")
        aliases = tuple(a for a in dict.fromkeys(entry.get("aliases") or ()) if a != entry["name"])
        actors.append(
            Actor(
                entry["id"],
                entry["name"],
                aliases,
                entry["kind"],
                entry.get("country"),
                entry["cite"],
            )
        )
    return ActorIndex(actors)

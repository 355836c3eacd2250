"""What the components find, kept on the Doc (doc._.armtrace) for the components after them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from armtrace.reference.places import Place


@dataclass(slots=True)
class Mention:
    start: int  # token offsets, end exclusive
    end: int
    start_char: int
    end_char: int


@dataclass(slots=True)
class WeaponMention(Mention):
    category: str
    model: str | None
    quantity: int | None = None
    quantity_text: str | None = None
    q_start_char: int | None = None  # where the quantity phrase starts, for the evidence span
    anaphoric: bool = False  # "these weapons": names weapons already told of, no new ones


@dataclass(slots=True)
class PlaceMention(Mention):
    text: str
    candidates: list[Place]  # best first; disambiguated by the places component
    demonym: bool = False  # "Libyan" rather than "Libya"
    possessive: bool = False  # "Libya's"

    @property
    def place(self) -> Place:
        return self.candidates[0]


@dataclass(slots=True)
class ActorMention(Mention):
    name: str
    actor_id: str | None
    kind: str  # armed_group, state_force, …
    country: str | None
    role_hint: str | None = None


@dataclass(slots=True)
class DateMention(Mention):
    value: str  # YYYY, YYYY-MM or YYYY-MM-DD
    precision: str  # day, week, month, year
    day: date  # a representative day, for comparisons
    relative: bool = False  # resolved against the publication date ("last week")


@dataclass(slots=True)
class Analysis:
    """Everything found in one document, by kind."""

    source: str  # the document's text (doc.text rebuilds it on every access)
    lower: list[str]  # token texts, lower-cased
    text: list[str]  # token texts as written
    idx: list[int]  # character offset of each token
    sent_starts: list[int]  # token index where each sentence starts
    weapons: list[WeaponMention] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    cues: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)

    def end_char(self, end: int) -> int:
        """Character offset just past token `end - 1`: where a span of tokens [start, end) ends."""
        return self.idx[end - 1] + len(self.text[end - 1])

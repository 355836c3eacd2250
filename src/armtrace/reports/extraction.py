"""What extraction yields for one report: incidents whose every field points at the span stating it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Evidence:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Claim:
    """One field's value and the span that states it: becomes a Statement in the store."""

    field: str
    value: str | None
    start: int
    end: int


@dataclass(slots=True)
class ExtractedWeapon:
    category: str
    model: str | None
    quantity: int | None
    quantity_text: str | None


@dataclass(slots=True)
class ExtractedActor:
    name: str
    role: str
    actor_id: str | None = None


@dataclass(slots=True)
class ExtractedIncident:
    type: str
    weapons: list[ExtractedWeapon] = field(default_factory=list)
    origin: str | None = None
    via: list[str] = field(default_factory=list)
    destination: str | None = None
    location: str | None = None
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: str | None = None
    actors: list[ExtractedActor] = field(default_factory=list)
    date: str | None = None
    date_precision: str | None = None
    grade: str = "reported"
    modality: str = "asserted"
    evidence: list[Evidence] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The `armtrace extract` shape (see the README); the vocabulary is domain.md's."""
        return {
            "type": self.type,
            "weapons": [
                {"category": w.category, "model": w.model, "quantity": w.quantity}
                for w in self.weapons
            ],
            "origin": self.origin,
            "via": list(self.via),
            "destination": self.destination,
            "location": self.location,
            "place": self.place,
            "actors": [{"name": a.name, "role": a.role} for a in self.actors],
            "date": self.date,
            "grade": self.grade,
            "evidence": [{"start": e.start, "end": e.end, "text": e.text} for e in self.evidence],
        }

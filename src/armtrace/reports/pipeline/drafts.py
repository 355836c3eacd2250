"""An incident being assembled, sentence by sentence, before it becomes an ExtractedIncident."""

from __future__ import annotations

from dataclasses import dataclass, field

from armtrace.reports.pipeline.mentions import (
    ActorMention,
    DateMention,
    PlaceMention,
    WeaponMention,
)

# Kinds that only add to an incident under way when one is ("the cache held 40 rockets").
WEAK_TYPES = {"stockpile", "sighting"}
NEAR = 2  # sentences after an incident's last one that may still tell more of it
# Kinds that may be told across several sentences as one event ("seized … had been smuggled …").
_FAMILIES = {"seizure": "movement", "trafficking": "movement", "transfer": "movement"}


def family(event_type: str) -> str:
    return _FAMILIES.get(event_type, event_type)


@dataclass
class Draft:
    """An incident being assembled from one or more sentences of a report."""

    type: str
    sentences: list[tuple[int, int]]
    modality: str
    weapons: list[WeaponMention] = field(default_factory=list)
    roles: dict[str, list[PlaceMention]] = field(default_factory=dict)
    actors: list[tuple[ActorMention, str]] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    hedges: list[tuple[int, int]] = field(default_factory=list)
    triggers: list[tuple[int, int]] = field(default_factory=list)
    suppliers: list[PlaceMention] = field(default_factory=list)
    buyers: list[PlaceMention] = field(default_factory=list)  # before "bought", "took delivery"
    last: int = 0  # index of the last sentence added
    illicit: bool = False  # a sentence of it says smuggled, illicit, black market…

    def near(self, index: int) -> bool:
        """Within one sentence of the incident's last one: later mentions belong to it. An incident
        still without weapons ("Police stopped a lorry.") takes them from the next sentence only."""
        return index - self.last <= (NEAR if self.weapons else 1)

    def location_country(self) -> str | None:
        places = self.roles.get("location", []) or self.roles.get("unmarked", [])
        return places[0].place.country if places else None

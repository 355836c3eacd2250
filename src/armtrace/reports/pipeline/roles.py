"""Place roles: the cue before a place tells whether weapons came from it (origin), went to it
(destination), passed through it (via) or were there (location). Lists inherit the role of their
first member; "to" and "from" count only near a movement (a trigger or a weapon)."""

from __future__ import annotations

from armtrace.reports.pipeline.cues import load_cues
from armtrace.reports.pipeline.mentions import Analysis, PlaceMention, WeaponMention

ROLE_KINDS = (
    "origin",
    "destination",
    "via",
    "location",
    "border",
    "reference",
    "vicinity",
    "agent",
    "attribute",
    "unmarked",
)
FLOW_ROLES = ("origin", "via", "destination")
LICENCE_REACH = 12  # tokens before "to"/"from" where a trigger or weapon makes it a direction
UNLOAD_REACH = 15  # tokens after a port a ship docked at where "unloaded" makes it the end
DEMONYM_REACH = 5  # tokens before "Libyan" where "from", "left" or "arsenals of" may stand
FIGHTERS_REACH = 12  # tokens before a place where "for <fighters> … in" may start
PHRASE_REACH = 9  # tokens a flow phrase reaches over a noun phrase ("heading for rebel-held areas of…")
_LIST_GLUE = {",", "and", "or", "as", "well", "then", "and then", "both", "either", "the"}
_MAKE = {
    "made", "designed", "manufactured", "built", "produced", "origin", "supplied", "flagged",
    "registered", "based",
}


class PlaceRoles:
    def __init__(self, window: int) -> None:
        self.window = window  # how far before a place its cue may stand
        self.phrases: set[int] = set()

    def assign(
        self, found: Analysis, places: list[PlaceMention], weapons: list[WeaponMention], cues: dict
    ) -> list[tuple[PlaceMention, str]]:
        # where a movement is told: a trigger or a weapon. "to"/"from" far from one of these is an
        # ordinary preposition ("according to", "officials from Egypt"), not a direction.
        movement = {w.start for w in weapons} | {
            c[1] - 1
            for label in cues
            if label.startswith("trigger:") or label == "weak_triggers"  # "the convoy … from Libya"
            for c in cues[label]
        }
        cue_at: dict[int, str] = {}  # token index where a cue ends -> its kind
        self.phrases = {  # where flow phrases of several words end ("heading for", "set out from")
            end - 1 for kind in FLOW_ROLES for start, end, _ in cues.get(kind, []) if end - start > 1
        }
        for kind in ROLE_KINDS:
            for start, end, _ in cues.get(kind, []):
                # a phrase ("loaded in", "bound for", "by way of") names the movement itself
                licensed = (
                    kind not in FLOW_ROLES
                    or end - start > 1
                    or any(start - LICENCE_REACH <= m < end for m in movement)
                )
                cue_at.setdefault(end - 1, kind if licensed else "reference")
        for _start, end, _ in cues.get("trigger:looting", []) + cues.get("participle", []):
            cue_at.setdefault(end - 1, "looted")  # "looted in Libya": where the weapons came from
        for start, _end, _ in cues.get("origin_nouns", []):
            cue_at.setdefault(start, "origin")  # "from depots in Libya"
        weapon_at = {w.start for w in weapons}
        model_at = {w.start for w in weapons if w.model}
        attributive_at = {c[0] for c in cues.get("attributive_nouns", [])}
        roles: list[tuple[PlaceMention, str]] = []
        previous: tuple[PlaceMention, str] | None = None
        for place in places:
            role = self._role(found, place, previous, cue_at, weapon_at, model_at, attributive_at)
            if role is not None:
                roles.append((place, role))
                if not (place.demonym or place.possessive):
                    previous = (place, role)
        return roles

    def _role(
        self,
        found: Analysis,
        place: PlaceMention,
        previous: tuple[PlaceMention, str] | None,
        cue_at: dict[int, str],
        weapon_at: set[int],
        model_at: set[int],
        attributive_at: set[int],
    ) -> str | None:
        lower = found.lower
        after = range(place.end, min(place.end + 3, len(lower)))
        if made_or_flagged(found, place):
            return None
        if place.end < len(lower) and lower[place.end] == "custody":
            return "attribute"  # "transferred into US custody": who holds them, not a destination
        town_of = place.possessive and place.place.kind == "town"  # "at Tripoli's port": the town
        if (place.demonym or place.possessive) and not town_of:
            if any(cue_at.get(i) == "origin" for i in after):
                return "origin"  # "Libya's stockpiles", "Libyan army stores"
            if any(i in weapon_at for i in after):
                # "Libyan weapons" came from Libya; "Belgian FN FAL rifles" were made in Belgium
                return None if any(i in model_at for i in after) else "origin"
            kind, at = nearest_cue(cue_at, place.start, max(0, place.start - DEMONYM_REACH))
            if any(lower[i] in {"border", "frontier"} for i in after):
                # "headed for the Tunisian frontier": going there; "near the Libyan border": a bound
                return "destination" if kind == "destination" and at in self.phrases else "border"
            near = at is not None and (place.start - at <= 3 or "of" in lower[at : place.start])
            if kind == "destination" and near:
                return "destination"  # "supplied arms to the Libyan revolutionary forces"
            if kind == "origin" and near:
                return "origin"  # "had left Libyan waters", "the arsenals of the late Libyan leader"
            return "attribute"  # "Libya's former government": whose, used where nothing else says
        if place.place.kind == "country" and place.end in attributive_at:
            return "attribute"  # "US officials said…": whose officials, not where it happened
        if (
            previous is not None
            and place.start > previous[0].end
            and all(lower[i] in _LIST_GLUE for i in range(previous[0].end, place.start))
        ):
            return previous[1]  # "to Mali, Niger and Chad"
        if previous is not None and previous[1] in FLOW_ROLES and _apposition(found, previous[0], place):
            return previous[1]  # "from Sebha, in southern Libya": where Sebha is, not another place
        stop = previous[0].end if previous is not None else 0
        kind, at = nearest_cue(cue_at, place.start, max(stop, place.start - self.window))
        if kind == "via" and at is not None and at > 0 and lower[at - 1] == "docked":
            unloading = load_cues().words("unloading")
            if not unloading.isdisjoint(lower[place.end : place.end + UNLOAD_REACH]):
                return "destination"  # "docked at Tripoli's port … and unloaded armoured vehicles"
        if kind == "origin" and at is not None and lower[at - 1] in load_cues().words("buyers"):
            return "destination"  # "sold thirty rifles to buyers from Niger": where they took them
        if kind in ("location", "vicinity") and _meant_for_fighters(found, place):
            return "destination"  # "for jihadist groups fighting in the north of Mali"
        if kind == "location" and at is not None:
            # "from depots in Libya", "meant for rebels fighting in Syria": the phrase's head decides
            outer, outer_at = nearest_cue(cue_at, at, max(stop, at - self.window))
            if outer_at is not None and _across_the_border(found, outer_at):
                # "meant for fighters across the border in Nigeria": the border is no transit
                outer, outer_at = nearest_cue(cue_at, outer_at, max(stop, outer_at - self.window))
            if outer == "destination":
                return outer
            if outer == "looted":
                return "origin"
            # "from depots in Libya" is an origin; "recovered from fighters in Iraq" is not
            if outer == "origin" and outer_at is not None and _stores_between(found, outer_at, at):
                return outer
        if kind == "looted":
            return "origin"
        if kind is None:
            kind = self._phrase_before(found, cue_at, place, max(stop, place.start - PHRASE_REACH))
        return kind or "unmarked"  # named with no cue: where it happened, if nothing says better

    def _phrase_before(
        self, found: Analysis, cue_at: dict[int, str], place: PlaceMention, stop: int
    ) -> str | None:
        """'heading for rebel-held areas of northern Mali': a flow phrase further back than a cue
        word reaches, over words with no clause break between."""
        kind, at = nearest_cue(cue_at, place.start, stop)
        if kind not in FLOW_ROLES or at not in self.phrases:
            return None
        if any(w in _BREAKS for w in found.lower[at + 1 : place.start]):
            return None
        return kind


_FIGHTING = {"fighting", "operating", "based", "hiding", "active", "deployed", "holed"}
_BREAKS = {",", ".", ";", ":", "(", ")", "and", "but", "while", "which", "who", "where"}


def _meant_for_fighters(found: Analysis, place: PlaceMention) -> bool:
    """'for jihadist groups fighting in the north of Mali', 'for cells hiding in Gaza': weapons
    meant for fighters somewhere go there."""
    lower = found.lower
    start = max(0, place.start - FIGHTERS_REACH)
    ins = [i for i in range(start, place.start) if lower[i] == "in"]
    if not ins or any(w in _BREAKS for w in lower[ins[-1] : place.start]):
        return False
    if lower[ins[-1] - 1] not in _FIGHTING:
        return False  # "buying supplies for the group in Chad": where he bought them, maybe
    fighters = {c[0] for c in found.cues.get("generic_actors", [])}
    fighters |= {a.start for a in found.actors if a.kind == "armed_group"}
    groups = load_cues().words("fighters")
    fighters |= {i for i in range(start, ins[-1]) if lower[i] in groups}
    for i in range(ins[-1] - 1, start - 1, -1):
        if lower[i] in _BREAKS:
            return False
        if lower[i] in ("for", "to"):  # "taking their cargo to armed groups operating in Mali"
            return any(i < f < ins[-1] for f in fighters)
    return False


def _apposition(found: Analysis, first: PlaceMention, place: PlaceMention) -> bool:
    between = found.lower[first.end : place.start]
    if between == ["of"] and place.place.kind == "country":
        return place.place.country == first.place.country  # "the Gao region of Mali"
    return (
        len(between) >= 2
        and between[0] == ","
        and between[1] == "in"
        and all(w in load_cues().words("compass") for w in between[2:])
        and place.place.country == first.place.country
    )


def _across_the_border(found: Analysis, at: int) -> bool:
    lower = found.lower
    return lower[at] == "across" and lower[at + 1 : at + 3] in (["the", "border"], ["the", "frontier"])


def made_or_flagged(found: Analysis, place: PlaceMention) -> bool:
    """'Russian-designed', 'Sierra Leone-flagged': where it was made or registered, not a place
    where anything happened."""
    lower = found.lower
    return place.end + 1 < len(lower) and lower[place.end] == "-" and lower[place.end + 1] in _MAKE


def nearest_cue(cue_at: dict[int, str], before: int, stop: int) -> tuple[str | None, int | None]:
    """The cue ending closest before token `before` (not before `stop`), and where it ends."""
    for i in range(before - 1, stop - 1, -1):
        if i in cue_at:
            return cue_at[i], i
    return None, None


def first_list(places: list[PlaceMention]) -> list[str]:
    """Countries of the first run of places joined only by commas and 'and'."""
    countries: list[str] = []
    for i, place in enumerate(places):
        if i and place.start - places[i - 1].end > 3:
            break
        if place.place.country and place.place.country not in countries:
            countries.append(place.place.country)
    return countries


def _stores_between(found: Analysis, start: int, end: int) -> bool:
    return any(found.lower[i] in _STORES for i in range(start, end + 1))


_STORES = {
    "stockpiles",
    "stockpile",
    "arsenal",
    "arsenals",
    "depots",
    "depot",
    "stocks",
    "stores",
    "armouries",
    "armories",
    "bases",
    "base",
    "caches",
    "warehouses",
    "bunkers",
    "barracks",
}

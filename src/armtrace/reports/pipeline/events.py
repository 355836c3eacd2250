"""Events: sentences with an event trigger become incidents; the mentions found by the components
before it fill their fields, each with the span that states it.

Rules, in the order they apply:
- a sentence's type is its highest-priority trigger (cues.yaml `type_priority`);
- policy sentences (embargo, resolution…) and sentences without any weapon are not incidents;
- negation, hypothesis and history set the modality; only asserted incidents reach exports and flows;
- places take a role from the cue before them (from → origin, into → destination, via → via,
  in/near → location), lists inherit the role of their first member;
- a sentence with no trigger adds its weapons to the incident of the sentence before it;
- a sentence of the same type and place as the incident before it adds to that incident.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from armtrace.reference.places import load_gazetteer
from armtrace.reports.extraction import (
    Claim,
    Evidence,
    ExtractedActor,
    ExtractedIncident,
    ExtractedWeapon,
)
from armtrace.reports.pipeline.analysis import analysis
from armtrace.reports.pipeline.cues import load_cues
from armtrace.reports.pipeline.mentions import (
    ActorMention,
    Analysis,
    DateMention,
    PlaceMention,
    WeaponMention,
)

if not Doc.has_extension("incidents"):
    Doc.set_extension("incidents", default=None)

_LIST_GLUE = {",", "and", "or", "as", "well", "then", "and then", "both", "either", "the"}
_ROLE_KINDS = (
    "origin",
    "destination",
    "via",
    "location",
    "border",
    "reference",
    "agent",
    "attribute",
)
_FLOW_ROLES = ("origin", "via", "destination")
_CONCRETE = {"seizure", "use", "looting"}
# events that happen to weapons where they are: no flow (annotation guidelines)
_IN_PLACE = {
    "looting",
    "stockpile",
    "collection",
    "destruction",
}  # events that policy words do not turn into policy
_MAKE = {"made", "designed", "manufactured", "built", "produced", "origin", "supplied"}
_WEAK_TYPES = {"stockpile", "sighting"}
# Types that may be told across several sentences as one event ("seized … had been smuggled …").
_FAMILIES = {"seizure": "movement", "trafficking": "movement", "transfer": "movement"}


def _family(event_type: str) -> str:
    return _FAMILIES.get(event_type, event_type)


_PRECISION = {"country": "country", "region": "region", "town": "town"}
_DATELINE = re.compile(r"\s*([A-Z][A-Z'’. -]+?)(?:,\s*([A-Z][A-Za-z'’ -]+?))?\s+[-—–]+\s")
LICENCE_REACH = 12  # tokens before "to"/"from" where a trigger or weapon makes it a direction
MODAL_REACH = 3  # tokens after the event's verb within which "could…" still governs it
SUMMARY_LIST = 4  # a list of this many countries sums up events rather than telling one
STOCK_SIZE = 1000  # a count this large beside "held"/"arsenal" states holdings, not one event
HISTORY_YEARS = 3  # a claim dated only this many years before publication is background, not news


@dataclass
class _Draft:
    """An incident being assembled from one or more consecutive sentences."""

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
    last: int = 0  # index of the last sentence added

    def near(self, index: int) -> bool:
        """Within one sentence of the incident's last one: later mentions belong to it. An incident
        still without weapons ("Police stopped a lorry.") takes them from the next sentence only."""
        return index - self.last <= (2 if self.weapons else 1)

    def location_country(self) -> str | None:
        places = self.roles.get("location", [])
        return places[0].place.country if places else None


@Language.factory("armtrace_events")
def make_events(nlp: Language, name: str) -> EventBuilder:
    return EventBuilder()


class EventBuilder:
    def __init__(self) -> None:
        self.book = load_cues()
        self.priority = self.book.type_priority
        self.window = self.book.cue_window
        self.gazetteer = load_gazetteer()

    def __call__(self, doc: Doc) -> Doc:
        found = analysis(doc)
        published: date | None = doc._.published
        drafts: list[_Draft] = []
        bounds = [*found.sent_starts, len(found.text)]
        for index, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
            self._sentence(found, index, start, end, published, drafts)
        incidents = [inc for d in drafts for inc in self._finish(doc, found, d)]
        _fill_locations(incidents, self._dateline(found) or self._main_country(found))
        for incident in incidents:
            own = incident.origin == incident.location
            if own and incident.destination in (None, incident.location):
                incident.origin = incident.destination = None  # the country's own weapons: no flow
        doc._.incidents = incidents
        return doc

    def _dateline(self, found: Analysis) -> str | None:
        """'CAIRO - …', 'WADDAN, Libya - …': the country of a wire story's dateline, if any."""
        match = _DATELINE.match(found.source)
        if match is None:
            return None
        name, country = match.group(1).strip(), match.group(2)
        for surface in (country, name.title(), name.title().replace("-", " "), name):
            places = self.gazetteer.lookup(surface) if surface else []
            if places and places[0].country:
                return places[0].country
        return None

    @staticmethod
    def _main_country(found: Analysis) -> str | None:
        """The country a report names most often: where an unplaced incident is most likely."""
        counts = Counter(p.place.country for p in found.places if p.place.country)
        return counts.most_common(1)[0][0] if counts else None

    # --- sentences ------------------------------------------------------------------------------
    def _sentence(
        self,
        found: Analysis,
        index: int,
        s: int,
        e: int,
        published: date | None,
        drafts: list[_Draft],
    ) -> None:
        cues = {label: [c for c in items if s <= c[0] < e] for label, items in found.cues.items()}
        cues = {label: items for label, items in cues.items() if items}
        weapons = [w for w in found.weapons if s <= w.start < e]
        weapon_ends = {w.end for w in weapons}
        if "trigger:looting" in cues:  # "missiles looted from…" tells their origin, not an event
            looted = cues.pop("trigger:looting")
            cues["participle"] = [c for c in looted if c[0] in weapon_ends]
            if len(cues["participle"]) < len(looted):
                cues["trigger:looting"] = [c for c in looted if c[0] not in weapon_ends]
        weak_spans = {(c[0], c[1]) for c in cues.get("weak_triggers", [])}
        types = [
            label.split(":", 1)[1]
            for label in cues
            if label.startswith("trigger:")
            and any((c[0], c[1]) not in weak_spans for c in cues[label])
        ] or [label.split(":", 1)[1] for label in cues if label.startswith("trigger:")]
        event_type = min(types, key=self.priority.index) if types else None
        if "stockpile" in types and any((w.quantity or 0) >= STOCK_SIZE for w in weapons):
            event_type = (
                "stockpile"  # "held about 20,000 … 5,000 recovered": a statement of holdings
            )
        if event_type == "looting_event":
            event_type = "looting"
        if "trend" in cues or (
            "policy" in cues and "violation" not in cues and event_type not in _CONCRETE
        ):
            return
        if self._summary(found, s, e, weapons, cues):
            return
        dates = [d for d in found.dates if s <= d.start < e]
        first = min((c[0] for c in cues.get(f"trigger:{event_type}", [])), default=None)
        modality = self._modality(cues, dates, published, first)
        previous = drafts[-1] if drafts else None
        denied = {w.category for w in weapons if w.start and found.lower[w.start - 1] == "no"}
        if modality == "negated" and weapons:
            denied |= {w.category for w in weapons}
        if denied and previous is not None and previous.near(index):
            # "There were no Kalashnikovs and no mines": denied items leave the incident before
            previous.weapons = [w for w in previous.weapons if w.category not in denied]
        near = previous is not None and previous.modality == modality and previous.near(index)
        spans = {
            (c[0], c[1]) for label in cues if label.startswith("trigger:") for c in cues[label]
        }
        weak = bool(spans) and spans <= weak_spans
        if event_type is None or (near and (event_type in _WEAK_TYPES or weak)):
            # "It carried 40 rockets.": more about the incident before, not a new one
            if near and (weapons or event_type):
                part = _Draft(previous.type, [(s, e)], modality, last=index)
                self._extend(part, found, s, e, weapons, cues, dates, _ROLE_KINDS)
                # a verb ("had been loaded in Sirte") tells where the weapons were before
                self._merge(previous, part, location_as="origin" if event_type else None)
            return
        draft = _Draft(event_type, [(s, e)], modality, last=index)
        draft.triggers = [(c[0], c[1]) for c in cues.get(f"trigger:{event_type}", [])]
        self._extend(draft, found, s, e, weapons, cues, dates, _ROLE_KINDS)
        if near and "new_event" not in cues and self._same_event(previous, draft):
            self._merge(previous, draft)
        else:
            drafts.append(draft)

    def _summary(
        self, found: Analysis, s: int, e: int, weapons: list[WeaponMention], cues: dict
    ) -> bool:
        """'transfers of Libyan materiel to Tunisia, Egypt, Niger, Mali, Chad…': a list this long
        sums up many events; it is not one."""
        places = [p for p in found.places if s <= p.start < e]
        roles = self._roles(found, places, weapons, cues)
        for role in ("destination", "via", "location"):
            if len(_first_list([p for p, r in roles if r == role])) >= SUMMARY_LIST:
                return True
        return False

    def _modality(
        self, cues: dict, dates: list[DateMention], published: date | None, trigger: int | None
    ) -> str:
        if "negations" in cues:
            return "negated"
        # "stopped a vehicle…, weeks after the president warned that…": a clause that opens after
        # the event's verb does not make the event hypothetical
        reach = None if trigger is None else trigger + MODAL_REACH
        if any(reach is None or c[0] <= reach for c in cues.get("hypotheticals", [])):
            return "hypothetical"
        if "historical" in cues:
            return "historical"
        if published and dates and all(d.day.year < published.year - HISTORY_YEARS for d in dates):
            return "historical"
        return "asserted"

    def _extend(
        self,
        draft: _Draft,
        found: Analysis,
        s: int,
        e: int,
        weapons: list[WeaponMention],
        cues: dict,
        dates: list[DateMention],
        roles: tuple[str, ...],
    ) -> None:
        """Add one sentence's findings to a draft; places only in the given roles."""
        draft.weapons.extend(weapons)
        draft.hedges.extend((c[0], c[1]) for c in cues.get("hedges", []))
        draft.dates.extend(d for d in dates if d.day.year >= 1990)
        draft.actors.extend((a, "") for a in found.actors if s <= a.start < e)
        if draft.sentences[-1] != (s, e):
            draft.sentences.append((s, e))
        places = [p for p in found.places if s <= p.start < e]
        for place, role in self._roles(found, places, weapons, cues):
            if role in roles:
                draft.roles.setdefault(role, []).append(place)
        if draft.type == "stockpile" and draft.triggers:
            # "officials estimate that Libya had built up…": the holder stands before the verb
            verb = draft.triggers[0][0]
            holders = [p for p in places if p.start < verb and p.place.kind == "country"]
            if holders:
                draft.roles.setdefault("location", []).insert(0, holders[-1])
        if draft.type == "transfer":
            first_trigger = min((t[0] for t in draft.triggers), default=e)
            # "Qatar supplied…", "French aircraft dropped…": the country before the verb supplies
            before = [p for p in places if p.start < first_trigger and p.place.kind == "country"]
            draft.suppliers = [
                p
                for p in before
                if p.demonym or p.possessive or p in draft.roles.get("location", [])
            ][:1]

    # --- place roles ------------------------------------------------------------------------------
    def _roles(
        self, found: Analysis, places: list[PlaceMention], weapons: list[WeaponMention], cues: dict
    ) -> list[tuple[PlaceMention, str]]:
        # where a movement is told: a trigger or a weapon. "to"/"from" far from one of these is an
        # ordinary preposition ("according to", "officials from Egypt"), not a direction.
        movement = {w.start for w in weapons} | {
            c[1] - 1 for label in cues if label.startswith("trigger:") for c in cues[label]
        }
        cue_at: dict[int, str] = {}  # token index where a cue ends -> its kind
        for kind in _ROLE_KINDS:
            for start, end, _ in cues.get(kind, []):
                licensed = kind not in _FLOW_ROLES or any(
                    start - LICENCE_REACH <= m < end for m in movement
                )
                cue_at.setdefault(end - 1, kind if licensed else "reference")
        for _start, end, _ in cues.get("trigger:looting", []) + cues.get("participle", []):
            cue_at.setdefault(end - 1, "origin")  # "looted in Libya"
        for start, _end, _ in cues.get("origin_nouns", []):
            cue_at.setdefault(start, "origin")  # "from depots in Libya"
        weapon_at = {w.start for w in weapons}
        model_at = {w.start for w in weapons if w.model}
        roles: list[tuple[PlaceMention, str]] = []
        previous: tuple[PlaceMention, str] | None = None
        for place in places:
            role = self._role(found, place, previous, cue_at, weapon_at, model_at)
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
    ) -> str | None:
        lower = found.lower
        after = range(place.end, min(place.end + 3, len(lower)))
        if place.demonym or place.possessive:
            if (
                place.end + 1 < len(lower)
                and lower[place.end] == "-"
                and lower[place.end + 1] in _MAKE
            ):
                return None  # "Russian-designed": where it was made, not where it came from
            if any(cue_at.get(i) == "origin" for i in after):
                return "origin"  # "Libya's stockpiles", "Libyan army stores"
            if any(i in weapon_at for i in after):
                # "Libyan weapons" came from Libya; "Belgian FN FAL rifles" were made in Belgium
                return None if any(i in model_at for i in after) else "origin"
            if any(lower[i] in {"border", "frontier"} for i in after):
                return "border"
            kind, _ = _nearest_cue(cue_at, place.start, max(0, place.start - 3))
            if kind == "destination":
                return "destination"  # "supplied arms to the Libyan revolutionary forces"
            return "attribute"  # "Libya's former government": whose, used where nothing else says
        if (
            previous is not None
            and place.start > previous[0].end
            and all(lower[i] in _LIST_GLUE for i in range(previous[0].end, place.start))
        ):
            return previous[1]  # "to Mali, Niger and Chad"
        stop = previous[0].end if previous is not None else 0
        kind, at = _nearest_cue(cue_at, place.start, max(stop, place.start - self.window))
        if kind == "location" and at is not None:
            # "from depots in Libya", "meant for rebels fighting in Syria": the phrase's head decides
            outer, _ = _nearest_cue(cue_at, at, max(stop, at - self.window))
            if outer in {"origin", "destination"}:
                return outer
        return kind or "location"

    # --- merging --------------------------------------------------------------------------------
    @staticmethod
    def _same_event(previous: _Draft, draft: _Draft) -> bool:
        """Sentences in a row tell one event unless they differ in kind, place or month."""
        if _family(previous.type) != _family(draft.type) and draft.type not in _WEAK_TYPES:
            return False
        a, b = previous.location_country(), draft.location_country()
        if a and b and a != b:
            return False
        da = {d.value[:7] for d in previous.dates}
        db = {d.value[:7] for d in draft.dates}
        return not (da and db and not da & db)

    def _merge(self, previous: _Draft, draft: _Draft, location_as: str | None = "") -> None:
        """Fold a sentence's draft into the incident before it. A weaker verb ("had been smuggled"
        after "seized") tells the weapons' past: it adds origin and route, not the place."""
        weaker = location_as != "" or (
            self.priority.index(draft.type) > self.priority.index(previous.type)
        )
        if location_as == "":
            location_as = "origin" if weaker else "location"
        if not weaker and draft.type not in _WEAK_TYPES and draft.weapons:
            # a stronger verb about the same weapons re-types the incident; one about no weapon
            # ("sending ministers to Kidal") does not
            previous.type = draft.type
            previous.triggers = draft.triggers + previous.triggers
        else:
            previous.triggers.extend(draft.triggers)
        previous.sentences.extend(draft.sentences)
        previous.weapons.extend(draft.weapons)
        here = previous.location_country()
        for role, places in draft.roles.items():
            if role == "location" and location_as != "location":
                if location_as is None:
                    continue
                # "had been loaded in Sirte": where the weapons were before, not where this happened;
                # weaker evidence of origin than "from Libya", so kept apart
                role = "origin_hint"
                places = [p for p in places if p.place.country != here]
            previous.roles.setdefault(role, []).extend(places)
        previous.actors.extend(draft.actors)
        previous.dates.extend(draft.dates)
        previous.hedges.extend(draft.hedges)
        previous.suppliers.extend(draft.suppliers)
        previous.last = draft.last

    # --- output -----------------------------------------------------------------------------------
    def _finish(self, doc: Doc, found: Analysis, draft: _Draft) -> list[ExtractedIncident]:
        if all(w.anaphoric for w in draft.weapons):
            return []  # only "these weapons": more about weapons already told of
        weapons = _weapons(draft.weapons)
        if not weapons:
            return []
        if draft.type == "seizure" and _taken_by_armed_group(draft):
            draft.type = "looting"  # rebels "captured" an army camp's weapons: taken from a store
        incident = ExtractedIncident(type=draft.type, modality=draft.modality)
        claims = incident.claims
        for mention, weapon in weapons:
            incident.weapons.append(weapon)
            start = mention.q_start_char if mention.q_start_char is not None else mention.start_char
            claims.append(Claim("weapon", _weapon_value(weapon), start, mention.end_char))
        for start, end in draft.triggers[:1]:
            claims.append(Claim("type", draft.type, found.idx[start], _end_char(found, end)))
        self._place_fields(incident, draft, claims)
        self._actor_fields(incident, draft, claims)
        if draft.dates:
            first = draft.dates[0]
            incident.date, incident.date_precision = first.value, first.precision
            claims.append(Claim("date", first.value, first.start_char, first.end_char))
        if draft.hedges:
            incident.grade = "alleged"
            start, end = draft.hedges[0]
            claims.append(Claim("grade", "alleged", found.idx[start], _end_char(found, end)))
        for s, e in draft.sentences:
            start, end = found.idx[s], _end_char(found, e)
            incident.evidence.append(Evidence(start, end, found.source[start:end]))
        return _split_destinations(incident, draft)

    def _place_fields(
        self, incident: ExtractedIncident, draft: _Draft, claims: list[Claim]
    ) -> None:
        roles = draft.roles
        suppliers = self._suppliers(incident, draft)
        origin = suppliers[0] if suppliers else _origin(roles, draft.location_country())
        location_places = [p for p in roles.get("location", []) if p not in suppliers]
        if origin is not None:
            incident.origin = origin.place.country
            claims.append(Claim("origin", incident.origin, origin.start_char, origin.end_char))
        transit = roles.get("via", [])
        if suppliers:  # "sent by Qatar … driven in from Tunisia": Tunisia is on the way
            transit = [p for p in roles.get("origin", []) if p.place.country != incident.origin]
            transit += roles.get("via", [])
        seen: list[str] = []
        for place in transit:
            country = place.place.country
            if country and country not in seen and country != incident.origin:
                seen.append(country)
                claims.append(Claim("via", country, place.start_char, place.end_char))
        incident.via = seen
        destinations = roles.get("destination", [])
        dest = _first_country(destinations)
        if dest is not None:
            incident.destination = dest.place.country
            claims.append(
                Claim("destination", incident.destination, dest.start_char, dest.end_char)
            )
        located = _most_specific(location_places, self._seizer_country(incident, draft))
        if located is not None:
            self._locate(incident, located)
            claims.append(Claim("place", located.place.cite, located.start_char, located.end_char))
        else:
            self._locate_by_actor(incident, draft)
        if incident.type in {"looting", "stockpile", "sighting"} and incident.location is None:
            holder = _first_country(roles.get("attribute", []))  # "Libya's arsenal was looted"
            if holder is not None:
                incident.location = holder.place.country
                incident.geo_precision = "country"
        if incident.type in _IN_PLACE:
            if incident.location is None and incident.origin:
                incident.location = incident.origin
            incident.origin = incident.destination = None
            incident.via = []
        elif (
            incident.destination is None
            and incident.origin
            and incident.location
            and incident.location != incident.origin
        ):
            incident.destination = incident.location
        elif (
            incident.location is None
            and incident.destination
            and incident.type
            in {
                "trafficking",
                "transfer",
            }
        ):
            # weapons moved or delivered into a country: that is where the event is coded
            incident.location = incident.destination
            incident.geo_precision = "country"
        if incident.via and incident.destination in incident.via:
            incident.via.remove(incident.destination)
        if (
            incident.origin
            and incident.destination
            and incident.location not in (None, incident.origin, incident.destination)
            and incident.location not in incident.via
        ):
            incident.via.append(incident.location)  # seized on the way: the place is a transit

    @staticmethod
    def _suppliers(incident: ExtractedIncident, draft: _Draft) -> list[PlaceMention]:
        """A transfer's supplier: the country before the verb, or its agent ("sent by Qatar")."""
        if incident.type != "transfer":
            return []
        agents = [p for p in draft.roles.get("agent", []) if p.place.kind == "country"]
        return agents[:1] or draft.suppliers[:1]

    @staticmethod
    def _seizer_country(incident: ExtractedIncident, draft: _Draft) -> str | None:
        if incident.type not in {"seizure", "collection", "destruction"}:
            return None
        return next((a.country for a, _ in draft.actors if a.kind == "state_force"), None)

    @staticmethod
    def _locate(incident: ExtractedIncident, mention: PlaceMention) -> None:
        """The place as the report spells it ("Sollum", not GeoNames' "As Sallūm"); the claim
        keeps the gazetteer entry it resolved to."""
        place = mention.place
        incident.location = place.country
        incident.place = mention.text if place.kind != "country" else None
        incident.lat, incident.lon = place.lat, place.lon
        incident.geo_precision = _PRECISION.get(place.kind, "town")

    @staticmethod
    def _locate_by_actor(incident: ExtractedIncident, draft: _Draft) -> None:
        for actor, _ in draft.actors:
            if (
                actor.kind == "state_force"
                and actor.country
                and incident.type in {"seizure", "collection", "destruction"}
            ):
                incident.location = actor.country
                incident.geo_precision = "country"
                return

    def _actor_fields(
        self, incident: ExtractedIncident, draft: _Draft, claims: list[Claim]
    ) -> None:
        trigger = min((t[0] for t in draft.triggers), default=0)
        seen: set[tuple[str, str]] = set()
        for place in draft.suppliers[:1]:
            name = place.place.name
            incident.actors.append(ExtractedActor(name, "supplier"))
            seen.add((name, "supplier"))
            claims.append(Claim("actor", f"{name}|supplier", place.start_char, place.end_char))
        for actor, _ in draft.actors:
            role = _actor_role(incident.type, actor, actor.start > trigger)
            if (actor.name, role) in seen:
                continue
            seen.add((actor.name, role))
            incident.actors.append(ExtractedActor(actor.name, role, actor.actor_id))
            claims.append(Claim("actor", f"{actor.name}|{role}", actor.start_char, actor.end_char))


def _actor_role(event_type: str, actor: ActorMention, after_trigger: bool) -> str:
    state = actor.kind in {"state_force", "state"}
    if event_type == "seizure":
        return "seizer" if state else "trafficker"
    if event_type == "collection":  # the collecting body receives; who surrenders held them
        return "recipient" if state else "holder"
    if event_type == "destruction":
        return "holder"
    if event_type == "transfer":
        return "recipient" if after_trigger or not state else "supplier"
    if event_type == "use":
        return "user"
    if event_type == "trafficking":
        return "trafficker"
    if event_type == "looting":
        return "holder" if state else "recipient"
    return "holder"


def _weapons(mentions: list[WeaponMention]) -> list[tuple[WeaponMention, ExtractedWeapon]]:
    """One entry per (category, model) — two when the report counts them apart ("138 Grad rockets
    and a further 139 Grad warheads"); a bare 'weapons' only when nothing more specific is said."""
    merged: dict[tuple[str, str | None, int | None], tuple[WeaponMention, ExtractedWeapon]] = {}
    for m in mentions:
        kind = (m.category, m.model)
        counted = [k for k in merged if k[:2] == kind]
        if m.quantity is None and counted:
            continue
        if m.quantity is not None and counted and all(k[2] is None for k in counted):
            for k in counted:  # the count replaces an uncounted mention of the same kind
                del merged[k]
        key = (*kind, m.quantity)
        merged.setdefault(
            key, (m, ExtractedWeapon(m.category, m.model, m.quantity, m.quantity_text))
        )
    # a generic mention of a category already named by model adds nothing
    modelled = {cat for cat, model, _ in merged if model}
    for key in list(merged):
        if key[1] is None and key[0] in modelled and key[2] is None:
            del merged[key]
    if len({k[:2] for k in merged}) > 1:
        for key in [k for k in merged if k[0] == "unspecified"]:
            del merged[key]
    return list(merged.values())


def _weapon_value(weapon: ExtractedWeapon) -> str:
    return "|".join([weapon.category, weapon.model or "", str(weapon.quantity or "")])


def _first_country(places: list[PlaceMention]) -> PlaceMention | None:
    return next((p for p in places if p.place.country), None)


def _most_specific(places: list[PlaceMention], prefer: str | None = None) -> PlaceMention | None:
    """Where it happened: the first town or region named (in the seizing state's country, if one is
    known), else the first country."""
    if prefer is not None:
        for p in places:  # "Egyptian soldiers … near Rafah": the Rafah in Egypt
            p.candidates.sort(key=lambda c: c.country != prefer)
    with_country = [p for p in places if p.place.country]
    if prefer is not None and any(p.place.country == prefer for p in with_country):
        with_country = [p for p in with_country if p.place.country == prefer]
    if not with_country:
        return None
    inside = [p for p in with_country if p.place.kind != "country"]
    return inside[0] if inside else with_country[0]


def _end_char(found: Analysis, end: int) -> int:
    return found.idx[end - 1] + len(found.text[end - 1])


def _has_quantity(weapons: list[WeaponMention]) -> bool:
    return any(w.quantity is not None for w in weapons)


def _split_destinations(incident: ExtractedIncident, draft: _Draft) -> list[ExtractedIncident]:
    """'to Mali, Niger and Chad' is three flows: one incident per country of a listed destination.
    Destinations named apart ("meant for Syria … heading for Lebanon") keep the first."""
    countries = _first_list(draft.roles.get("destination", []))
    if len(countries) < 2:
        return [incident]
    out = []
    for country in countries:
        copy = ExtractedIncident(**{f: getattr(incident, f) for f in incident.__dataclass_fields__})
        copy.destination = country
        copy.claims = [c for c in incident.claims if c.field != "destination" or c.value == country]
        out.append(copy)
    return out


def _first_list(places: list[PlaceMention]) -> list[str]:
    """Countries of the first run of places joined only by commas and 'and'."""
    countries: list[str] = []
    for i, place in enumerate(places):
        if i and place.start - places[i - 1].end > 3:
            break
        if place.place.country and place.place.country not in countries:
            countries.append(place.place.country)
    return countries


def _nearest_cue(cue_at: dict[int, str], before: int, stop: int) -> tuple[str | None, int | None]:
    """The cue ending closest before token `before` (not before `stop`), and where it ends."""
    for i in range(before - 1, stop - 1, -1):
        if i in cue_at:
            return cue_at[i], i
    return None, None


def _fill_locations(incidents: list[ExtractedIncident], dateline: str | None) -> None:
    """An incident the text does not place is coded where the report's other incidents happened,
    else at the dateline, with country precision: 'the second interception near the town'."""
    known = Counter(i.location for i in incidents if i.location)
    fallback = known.most_common(1)[0][0] if known else dateline
    if fallback is None:
        return
    for incident in incidents:
        if incident.location is None and incident.type != "transfer":
            incident.location = fallback
            incident.geo_precision = "country"
            if incident.origin and incident.origin != fallback and incident.destination is None:
                incident.destination = fallback


def _taken_by_armed_group(draft: _Draft) -> bool:
    """Weapons 'seized' or 'captured' by an armed group, with no state force in the story."""
    first = min((t[0] for t in draft.triggers), default=None)
    if first is None or any(a.kind in {"state_force", "state"} for a, _ in draft.actors):
        return False
    return any(a.kind == "armed_group" and a.start < first for a, _ in draft.actors)


def _origin(roles: dict[str, list[PlaceMention]], here: str | None) -> PlaceMention | None:
    """Where the weapons came from: stated ("from Libya", "Libyan depots") before inferred ("loaded
    in Sirte"), and not the country where the incident happened when another is named."""
    for key in ("origin", "origin_hint"):
        elsewhere = [p for p in roles.get(key, []) if p.place.country and p.place.country != here]
        if elsewhere:
            return elsewhere[0]
    return _first_country(roles.get("origin", []))

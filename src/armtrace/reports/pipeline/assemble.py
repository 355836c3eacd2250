"""From drafts to incidents: each field chosen from the draft's mentions and tied to its span,
the place and flow of every incident settled, and unplaced incidents placed from the report."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable

from armtrace.reference.places import load_gazetteer
from armtrace.reports.extraction import (
    Claim,
    Evidence,
    ExtractedActor,
    ExtractedIncident,
    ExtractedWeapon,
)
from armtrace.reports.pipeline.cues import load_cues
from armtrace.reports.pipeline.drafts import Draft
from armtrace.reports.pipeline.mentions import ActorMention, Analysis, PlaceMention, WeaponMention
from armtrace.reports.pipeline.roles import first_list, made_or_flagged
from armtrace.vocabulary import category_group

# events that happen to weapons where they are: no flow (annotation guidelines)
_IN_PLACE = {"looting", "stockpile", "collection", "destruction"}
# events that take a store's weapons wholesale, often told with no weapon named
_WHOLESALE = {"looting", "collection"}
# events whose weapons came from somewhere the report may say only once for the whole story
_MOVED = {"seizure", "trafficking", "sighting", "use"}
_STOPPED = {"seizure", "trafficking"}  # cargo that may have been on its way elsewhere
_PRECISION = {"country": "country", "region": "region", "town": "town"}
_DATELINE = re.compile(
    r"\s*([A-Z][A-Z'’. -]+?)(?:,\s*([A-Z][A-Za-z'’ -]+?))?"
    r"(?:,?\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8}))?"  # "KHARTOUM, April 9 -"
    r"\s+[-—–]+\s"
)


class Assembler:
    def __init__(self) -> None:
        self.gazetteer = load_gazetteer()
        self.dateline: PlaceMention | None = None  # of the report being assembled
        self.dateline_end = 0  # where the dateline ends: places before it are no event's place
        self.named: set[str] = set()  # countries the report names (not by demonym)
        self.found: Analysis | None = None

    def incidents(
        self,
        found: Analysis,
        drafts: list[Draft],
        origins: list[PlaceMention],
        destinations: list[PlaceMention] = (),  # type: ignore[assignment]
        vias: list[PlaceMention] = (),  # type: ignore[assignment]
    ) -> list[ExtractedIncident]:
        """Drafts to incidents; `origins`, `destinations` and `vias` are the places the whole
        report names as where weapons came from, went and passed."""
        self.found = found
        self.dateline = self._dateline(found)
        self.named = {p.place.country for p in _naming_places(found)}
        dateline = self.dateline.place.country if self.dateline else None
        incidents = [inc for d in drafts for inc in self._finish(found, d)]
        if any(_specific(i) for i in incidents):
            incidents = [i for i in incidents if _specific(i)]
        _models_from_report(incidents, found.weapons)
        _fill_locations(incidents, self._report_countries(found, dateline), found)
        for incident in incidents:
            if incident.origin is None and incident.type in _MOVED:
                _origin_from_report(incident, origins, _same_sentence(found, vias))
        stopped = [i for i in incidents if i.type in _STOPPED]
        if len(stopped) == 1:
            _destination_from_report(stopped[0], destinations)
        for incident in incidents:
            own = incident.origin == incident.location
            if own and incident.destination in (None, incident.location):
                incident.origin = incident.destination = None  # the country's own weapons: no flow
            elif incident.origin and incident.origin == incident.destination:
                incident.origin = None  # a flow from a country to itself is no flow at all
            ends = (incident.origin, incident.destination)
            incident.via = [c for c in dict.fromkeys(incident.via) if c not in ends]
        return incidents

    def _finish(self, found: Analysis, draft: Draft) -> list[ExtractedIncident]:
        if all(w.anaphoric for w in draft.weapons):
            return []  # only "these weapons": more about weapons already told of
        weapons = _weapons(draft.weapons)
        if not weapons:
            return []
        if draft.type == "trafficking" and not draft.illicit and (
            _for_state_forces(found, draft)
            or _with_heavy(weapons)
            or _draft_says(found, draft, "organised_supply")
        ):
            # weapons moved for an army, or armour and aircraft arriving, nothing illicit said:
            # a supply between states
            draft.type = "transfer"
        if (
            draft.type == "transfer"
            and (draft.illicit or _draft_says(found, draft, "dealers"))
            and not _named_suppliers(draft)
        ):
            draft.type = "trafficking"  # traders smuggling for profit, no state behind them
        if draft.type == "seizure" and (
            _taken_by_armed_group(found, draft) or _army_store_taken(found, draft)
        ):
            draft.type = "looting"  # rebels "captured" an army camp's weapons: taken from a store
        incident = ExtractedIncident(type=draft.type, modality=draft.modality)
        claims = incident.claims
        for mention, weapon in weapons:
            incident.weapons.append(weapon)
            start = mention.q_start_char if mention.q_start_char is not None else mention.start_char
            claims.append(Claim("weapon", _weapon_value(weapon), start, mention.end_char))
        for start, end in draft.triggers[:1]:
            claims.append(Claim("type", draft.type, found.idx[start], found.end_char(end)))
        self._place_fields(incident, draft, claims)
        self._actor_fields(incident, draft, claims)
        _recipient_state(found, incident, draft, claims)
        if draft.dates:
            first = draft.dates[0]
            incident.date, incident.date_precision = first.value, first.precision
            claims.append(Claim("date", first.value, first.start_char, first.end_char))
            how = "resolved from the publication date" if first.relative else "as written"
            claims.append(
                Claim(
                    "precision", f"date {first.precision}: {how}", first.start_char, first.end_char
                )
            )
        if draft.hedges:
            incident.grade = "alleged"
            start, end = draft.hedges[0]
            claims.append(Claim("grade", "alleged", found.idx[start], found.end_char(end)))
        for s, e in draft.sentences:
            start, end = found.idx[s], found.end_char(e)
            incident.evidence.append(Evidence(start, end, found.source[start:end]))
        return _split_destinations(incident, draft)

    def _place_fields(self, incident: ExtractedIncident, draft: Draft, claims: list[Claim]) -> None:
        roles = draft.roles
        suppliers = self._suppliers(incident, draft)
        origin = suppliers[0] if suppliers else _origin(roles, draft.location_country())
        location_places = next(  # stated ("near Gao"), else named ("Gao"), else near ("east of Gao")
            (
                places
                for role in ("location", "unmarked", "vicinity")
                if (places := [p for p in roles.get(role, []) if self._may_place(p, suppliers)])
            ),
            [],
        )
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
        # "fired rockets into Israel": where a weapon was aimed is no destination of the weapons
        destinations = roles.get("destination", []) if incident.type != "use" else []
        dest = _first_country(destinations)
        if dest is not None:
            incident.destination = dest.place.country
            claims.append(
                Claim("destination", incident.destination, dest.start_char, dest.end_char)
            )
        seizer = self._seizer_country(incident, draft)
        located = _most_specific(location_places, seizer)
        arrival = _arrival(incident, destinations)
        if arrival is not None and (located is None or located.place.country != arrival.place.country):
            located = arrival  # "shipped to Aqaba, where they were unloaded … seen near Daraa"
        home = self.dateline if self.dateline and self.dateline.place.country == seizer else None
        stated = [p for p in roles.get("location", []) if p not in suppliers]  # "near Amgala"
        if not stated and seizer is not None and (located is None or located.place.country != seizer):
            # "HERAKLION - Greek authorities found…", "the Greek coast guard stopped the ship
            # south of Crete … loaded in Ukraine": where the seizing state brought it in
            located = home or _most_specific(_at_home(roles, seizer)) or located
        sea = [p for p in stated if p.place.country is None and p.place.kind == "region"][:1]
        if located is not None or sea:
            located = located or sea[0]  # "in the northern Arabian Sea": a place, no country
            self._locate(incident, located)
            claims.append(Claim("place", located.place.cite, located.start_char, located.end_char))
            rule = f"place {incident.geo_precision}: a {located.place.kind} named in the report"
            claims.append(Claim("precision", rule, located.start_char, located.end_char))
        elif not roles.get("destination") and (scene := self._scene(draft)) is not None:
            self._locate(incident, scene)  # "Troops searched the Ménaka region. They found…"
            claims.append(Claim("place", scene.place.cite, scene.start_char, scene.end_char))
            rule = f"place {incident.geo_precision}: the {scene.place.kind} the sentence before names"
            claims.append(Claim("precision", rule, scene.start_char, scene.end_char))
        else:
            self._locate_by_actor(incident, draft)
        if incident.type in {"looting", "stockpile", "sighting"} and incident.location is None:
            holder = _holder_named(draft)  # "Libya's arsenal was looted"
            if holder is not None:
                incident.location = holder.place.country
                incident.geo_precision = "country"
                rule = "place country: the holder's country"
                claims.append(Claim("precision", rule, holder.start_char, holder.end_char))
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
            if dest is not None:
                rule = "place country: where the weapons went"
                claims.append(Claim("precision", rule, dest.start_char, dest.end_char))
        if (
            incident.type == "transfer"
            and incident.destination
            and incident.location in (None, incident.origin)
        ):
            # "Ankara sent…": a transfer happens where the weapons arrive, not at its supplier
            incident.location, incident.geo_precision = incident.destination, "country"
            incident.place = incident.lat = incident.lon = None
            if dest is not None:
                rule = "place country: where the weapons went, not their supplier"
                claims.append(Claim("precision", rule, dest.start_char, dest.end_char))
        if incident.via and incident.destination in incident.via:
            incident.via.remove(incident.destination)
        _stopped_on_the_way(incident)

    def _may_place(self, place: PlaceMention, suppliers: list[PlaceMention]) -> bool:
        """Not a transfer's supplier, nor the dateline's "ANTAKYA, Turkey -": where the story was
        filed from (the dateline rule below weighs that), not a place the text puts the event at."""
        return place not in suppliers and place.start_char >= self.dateline_end

    @staticmethod
    def _suppliers(incident: ExtractedIncident, draft: Draft) -> list[PlaceMention]:
        """A transfer's supplier: the country before the verb, or its agent ("sent by Qatar")."""
        return _named_suppliers(draft) if incident.type == "transfer" else []

    @staticmethod
    def _seizer_country(incident: ExtractedIncident, draft: Draft) -> str | None:
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

    def _scene(self, draft: Draft) -> PlaceMention | None:
        """The town or region named in the sentence before an incident that names no place."""
        found = self.found
        if found is None:
            return None
        first = draft.sentences[0][0]
        before = [s for s in found.sent_starts if s < first]
        if not before:
            return None
        start = before[-1]
        inside = [
            p
            for p in found.places
            if start <= p.start < first and p.place.country and p.place.kind != "country"
        ]
        return inside[0] if inside else None

    def _locate_by_actor(self, incident: ExtractedIncident, draft: Draft) -> None:
        for actor, _ in draft.actors:
            if (
                actor.kind == "state_force"
                and actor.country in self.named  # Operation Barkhane in Mali: France is never named
                # "BANGUI - French soldiers seized…": forces abroad; the dateline says where
                and (self.dateline is None or self.dateline.place.country == actor.country)
                and incident.type in {"seizure", "collection", "destruction"}
            ):
                incident.location = actor.country
                incident.geo_precision = "country"
                rule = "place country: the seizing state's forces"
                incident.claims.append(Claim("precision", rule, actor.start_char, actor.end_char))
                return

    def _actor_fields(self, incident: ExtractedIncident, draft: Draft, claims: list[Claim]) -> None:
        trigger = min((t[0] for t in draft.triggers), default=0)
        seen: set[tuple[str, str]] = set()
        for place in self._suppliers(incident, draft):
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

    def _dateline(self, found: Analysis) -> PlaceMention | None:
        """'CAIRO - …', 'WADDAN, Libya - …': the place of a wire story's dateline, if any."""
        match = _DATELINE.match(found.source)
        self.dateline_end = match.end() if match else 0
        if match is None:
            return None
        name, country = match.group(1).strip(), match.group(2)
        for surface in (name.title(), name.title().replace("-", " "), name, country):
            places = self.gazetteer.lookup(surface) if surface else []
            if places and places[0].country:
                start, end = match.span(1 if surface != country else 2)
                text = found.source[start:end]
                return PlaceMention(0, 1, start, end, text.title(), places)
        return None

    def _report_countries(self, found: Analysis, dateline: str | None) -> list[str]:
        """Where the report's unplaced incidents are, best first: its dateline's country when the
        text names it too, else the country it names most ("BEIRUT - … in Syria's Raqqa
        province" is about Syria; wire stories are filed from the capitals next door)."""
        main = self._main_country(found)
        if dateline is not None and (dateline in self.named or not self.named):
            ranked = [dateline, main]
        else:
            ranked = [main, dateline]
        return [c for i, c in enumerate(ranked) if c and c not in ranked[:i]]

    @staticmethod
    def _main_country(found: Analysis) -> str | None:
        """The country a report names most often: where an unplaced incident is most likely."""
        # "Libya" says where; "US officials" and "Libyan" say whose
        named = _naming_places(found) or [p for p in found.places if p.place.country]
        counts = Counter(p.place.country for p in named)
        return counts.most_common(1)[0][0] if counts else None


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
        for key in [k for k in merged if k[0] == "unspecified" and k[2] is None]:
            del merged[key]  # "1,200 weapons, mostly rifles": the count stays
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


def _arrival(incident: ExtractedIncident, destinations: list[PlaceMention]) -> PlaceMention | None:
    """A movement told to a named town or region ("docked at Tripoli's port and unloaded",
    "crossed into Chad's Tibesti region") happened there: the report places the act where the
    weapons arrived, not where a crew member was later detained. Weapons seen are seen where
    they came to be ("how those rifles came to be in Juba"), not at the freight company's home."""
    if incident.type not in {"transfer", "trafficking", "sighting"}:
        return None
    return next((p for p in destinations if p.place.country and p.place.kind != "country"), None)


def _at_home(roles: dict[str, list[PlaceMention]], country: str) -> list[PlaceMention]:
    """Places in `country` the draft names other than as where weapons came from or whose."""
    kept = ("unmarked", "vicinity", "border", "via", "destination")  # not "said in Paris"
    places = [p for role in kept for p in roles.get(role, []) if p.place.country == country]
    return sorted((p for p in places if not p.demonym), key=lambda p: p.start)


def _holder_named(draft: Draft) -> PlaceMention | None:
    """Whose weapons: the country named nearest before the verb ("according to US officials, the
    Libyan armed forces held…": who speaks comes first, who holds next to the verb), else the
    first named."""
    named = [p for p in draft.roles.get("attribute", []) if p.place.country]
    verb = draft.triggers[0][0] if draft.triggers else None
    before = [p for p in named if verb is not None and p.start < verb]
    return before[-1] if before else next(iter(named), None)


def _split_destinations(incident: ExtractedIncident, draft: Draft) -> list[ExtractedIncident]:
    """'to Mali, Niger and Chad' is three flows: one incident per country of a listed destination.
    Destinations named apart ("meant for Syria … heading for Lebanon") keep the first."""
    countries = first_list(draft.roles.get("destination", []))
    if len(countries) < 2:
        return [incident]
    out = []
    for country in countries:
        copy = ExtractedIncident(**{f: getattr(incident, f) for f in incident.__dataclass_fields__})
        copy.destination = country
        copy.claims = [c for c in incident.claims if c.field != "destination" or c.value == country]
        out.append(copy)
    return out


def _naming_places(found: Analysis) -> list[PlaceMention]:
    """Mentions that name a country's territory: not a demonym, not a maker or flag state."""
    return [
        p
        for p in found.places
        if p.place.country and not p.demonym and not made_or_flagged(found, p)
    ]


def _fill_locations(
    incidents: list[ExtractedIncident], candidates: list[str], found: Analysis
) -> None:
    """An incident the text does not place is coded where the report's other incidents happened,
    else where the report is (see Assembler._report_countries), with country precision: 'the
    second interception near the town'. The statement points at the report's first mention of
    that country."""
    known = Counter(i.location for i in incidents if i.location)
    ranked = [known.most_common(1)[0][0]] if known else []
    ranked += [c for c in candidates if c not in ranked]
    for incident in incidents:
        # a transfer is coded where the weapons went: never at its supplier
        supplier = incident.origin if incident.type == "transfer" else None
        fallback = next((c for c in ranked if c != supplier), None)
        if incident.location is not None or incident.place is not None or fallback is None:
            continue  # placed, or placed where no country is (at sea)
        mention = next((p for p in found.places if p.place.country == fallback), None)
        span = (mention.start_char, mention.end_char) if mention else (0, 0)
        incident.location = fallback
        incident.geo_precision = "country"
        incident.claims.append(Claim("location", fallback, *span))
        rule = "place country: where the report's other incidents happened, or where it is"
        incident.claims.append(Claim("precision", rule, *span))
        if incident.origin and incident.origin != fallback and incident.destination is None:
            incident.destination = fallback


_CAPTURE = {"seized", "seize", "seizes", "seizing", "captured", "capture", "capturing", "took"}


def _named_suppliers(draft: Draft) -> list[PlaceMention]:
    """The supplier a draft names: the country agent ("sent by Qatar"), else the country before
    the verb."""
    agents = [p for p in draft.roles.get("agent", []) if p.place.kind == "country"]
    return agents[:1] or draft.suppliers[:1]


def _draft_says(found: Analysis, draft: Draft, word_set: str) -> bool:
    """A sentence of the draft holds a word or phrase of the word set: "dealers" (traders or
    couriers name the supply: private business), "organised_supply" (shipments, consignments,
    airlifts: supply organised by a state or a network)."""
    book = load_cues()
    return any(book.said(word_set, found.lower[s:e]) for s, e in draft.sentences)


def _army_store_taken(found: Analysis, draft: Draft) -> bool:
    """'captured a Sudanese army garrison with its stores', 'took over the FARDC depot': an army's
    store taken by its enemy is looted, whoever took it."""
    first = draft.triggers[0][0] if draft.triggers else None
    if first is None or found.lower[first] not in _CAPTURE:
        return False
    window = range(first + 1, min(first + 8, len(found.lower)))
    forces = {c[0] for label, cues in found.cues.items() if label.startswith("force:") for c in cues}
    forces |= {a.start for a, _ in draft.actors if a.kind == "state_force"}
    units = load_cues().words("army_units")  # "seized the division's stores"
    forces |= {i for i in window if found.lower[i] in units}
    army_stores = load_cues().words("army_stores")
    stores = [i for i in window if found.lower[i] in army_stores]
    return bool(stores) and any(first < f < stores[0] for f in forces)


def _taken_by_armed_group(found: Analysis, draft: Draft) -> bool:
    """Weapons 'seized' or 'captured' by an armed group, with no state force in the story: not
    named ("the Nigerian army"), not the subject ("Troops seized…") and not the agent ("stocks
    seized by the army"); a force that is killed or captured ("dozens of soldiers") is no subject."""
    # the verb that typed the incident ("Troops seized…" after "a handful captured")
    first = draft.triggers[0][0] if draft.triggers else None
    if first is None or any(a.kind in {"state_force", "state"} for a, _ in draft.actors):
        return False
    lower = found.lower
    if lower[first] not in _CAPTURE:
        return False  # "fighters clearing the district found a cache": found, not taken
    start, end = next(((s, e) for s, e in draft.sentences if s <= first < e), (first, first + 1))
    for label, cues in found.cues.items():
        if not label.startswith("force:"):
            continue
        for c in cues:
            before = lower[c[0] - 1] if c[0] else ""
            if start <= c[0] < first and before != "of" and not before.isdigit():
                return False
            if first < c[0] < end and "by" in lower[max(c[0] - 2, 0) : c[0]]:
                return False  # "by the army", "by troops"
    return any(a.kind == "armed_group" and a.start < first for a, _ in draft.actors)


def _origin(roles: dict[str, list[PlaceMention]], here: str | None) -> PlaceMention | None:
    """Where the weapons came from: stated ("from Libya", "Libyan depots") before inferred ("loaded
    in Sirte"), and not the country where the incident happened when another is named."""
    for key in ("origin", "origin_hint"):
        elsewhere = [p for p in roles.get(key, []) if p.place.country and p.place.country != here]
        if elsewhere:
            return elsewhere[0]
    return _first_country(roles.get("origin", []))


def _origin_from_report(
    incident: ExtractedIncident,
    origins: list[PlaceMention],
    route_of: Callable[[PlaceMention], list[PlaceMention]] = lambda _: [],
) -> None:
    """The origin the report states most often, with the span of its first statement, and the
    transit countries that statement names ("had come from Libya through northern Niger")."""
    elsewhere = [p for p in origins if p.place.country != incident.location]
    if not elsewhere:
        return
    counts = Counter(p.place.country for p in elsewhere)
    country = max(counts, key=lambda c: (counts[c], c))
    mention = next(p for p in elsewhere if p.place.country == country)
    incident.origin = country
    incident.claims.append(Claim("origin", country, mention.start_char, mention.end_char))
    for via in route_of(mention):
        if via.place.country not in (country, incident.location, *incident.via):
            incident.via.append(via.place.country)
            incident.claims.append(Claim("via", via.place.country, via.start_char, via.end_char))
    if incident.destination is None and incident.location:
        incident.destination = incident.location


def _same_sentence(
    found: Analysis, places: list[PlaceMention]
) -> Callable[[PlaceMention], list[PlaceMention]]:
    """The places of `places` that stand in the same sentence as a given mention."""
    bounds = [*found.sent_starts, len(found.lower)]

    def of(mention: PlaceMention) -> list[PlaceMention]:
        i = bisect_right(bounds, mention.start) - 1
        return [p for p in places if bounds[i] <= p.start < bounds[i + 1]]

    return of


def _destination_from_report(
    incident: ExtractedIncident, destinations: list[PlaceMention]
) -> None:
    """Cargo stopped on its way: where another sentence says it was going ("the trucks were to
    continue towards northern Mali"), if the report names one such place only."""
    if incident.destination not in (None, incident.location) or incident.origin in (
        None,
        incident.location,
    ):
        return  # only cargo known to have come from elsewhere
    here = (incident.location, incident.origin)
    elsewhere = [p for p in destinations if p.place.country not in here]
    if len({p.place.country for p in elsewhere}) != 1:
        return
    mention = elsewhere[0]
    incident.destination = mention.place.country
    incident.claims.append(
        Claim("destination", incident.destination, mention.start_char, mention.end_char)
    )
    _stopped_on_the_way(incident)


def _stopped_on_the_way(incident: ExtractedIncident) -> None:
    """Weapons from one country bound for another, seized in a third: the place is a transit."""
    if (
        incident.origin
        and incident.destination
        and incident.location not in (None, incident.origin, incident.destination)
        and incident.location not in incident.via
    ):
        incident.via.append(incident.location)


def _models_from_report(incidents: list[ExtractedIncident], mentions: list[WeaponMention]) -> None:
    """'80 missiles were taken' in a report whose only MANPADS model is the SA-7: those are SA-7s."""
    models: dict[str, dict[str, WeaponMention]] = {}
    for m in mentions:
        if m.model:
            models.setdefault(m.category, {}).setdefault(m.model, m)
    for incident in incidents:
        named = {w.category for w in incident.weapons if w.model}
        for weapon in incident.weapons:
            only = models.get(weapon.category, {})
            if weapon.model is None and len(only) == 1 and weapon.category not in named:
                ((weapon.model, mention),) = only.items()
                value = _weapon_value(weapon)
                incident.claims.append(Claim("weapon", value, mention.start_char, mention.end_char))


def _for_state_forces(found: Analysis, draft: Draft) -> bool:
    """A state's forces after the verb receive ('flown in for the Peshmerga'); officials before
    it only tell ('Sudanese officials allege that the convoy carried…'), and forces after 'from'
    held the weapons before."""
    return bool(_receiving_forces(found, draft))


def _receiving_forces(found: Analysis, draft: Draft) -> list[ActorMention]:
    """State actors after the event's verb, except those after 'from' (who held the weapons)."""
    verb = draft.triggers[0][0] if draft.triggers else 0
    return [
        a
        for a, _ in draft.actors
        if a.kind in {"state_force", "state"} and a.start > verb and found.lower[a.start - 1] != "from"
    ]


def _specific(incident: ExtractedIncident) -> bool:
    """Weapons named beyond a bare "weapons" or "arms", or an event told of stores as a whole
    ("the rebels emptied the barracks of weapons")."""
    return incident.type in _WHOLESALE or any(
        w.category != "unspecified" or w.quantity is not None for w in incident.weapons
    )  # "burned about 1,200 weapons" is counted, so no commentary


def _recipient_state(
    found: Analysis, incident: ExtractedIncident, draft: Draft, claims: list[Claim]
) -> None:
    """'Uganda re-transferred to South Sudan's army…': the receiving army's country is where a
    transfer went, when no place says so."""
    if incident.type != "transfer" or incident.destination is not None:
        return
    if draft.buyers:
        buyer = draft.buyers[0]
        _received_by(incident, buyer.place.country, buyer.start_char, buyer.end_char, claims)
        return
    for actor in _receiving_forces(found, draft):
        if actor.country and actor.country != incident.origin:
            _received_by(incident, actor.country, actor.start_char, actor.end_char, claims)
            return


def _received_by(
    incident: ExtractedIncident, country: str | None, start: int, end: int, claims: list[Claim]
) -> None:
    if country is None or country == incident.origin:
        return
    incident.destination = country
    claims.append(Claim("destination", country, start, end))
    if incident.location is None:
        incident.location, incident.geo_precision = country, "country"
        claims.append(Claim("precision", "place country: the receiving state", start, end))


def _with_heavy(weapons: list[tuple[WeaponMention, ExtractedWeapon]]) -> bool:
    return any(category_group(w.category) == "heavy_weapons" for _, w in weapons)

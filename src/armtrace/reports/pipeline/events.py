"""Events: sentences with an event trigger open incidents; the sentences after them add to those
incidents or open new ones. The mentions found by the components before fill the fields.

Rules, in the order they apply:
- a sentence's kind is its highest-priority trigger (cues.yaml `type_priority`), weak verbs
  ("found", "carried") only where nothing stronger is said;
- trend, policy and summary sentences are not incidents;
- negation, hypothesis and history set the modality; only asserted incidents reach exports and flows;
- a sentence with only weak verbs or none adds to the incident before it;
- a sentence of the same family, place and month as the incident before it adds to that incident.
"""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from armtrace.reference.places import load_gazetteer
from armtrace.reports.pipeline.analysis import analysis
from armtrace.reports.pipeline.assemble import Assembler
from armtrace.reports.pipeline.cues import load_cues
from armtrace.reports.pipeline.drafts import NEAR, WEAK_TYPES, Draft, family
from armtrace.reports.pipeline.mentions import Analysis, DateMention, PlaceMention, WeaponMention
from armtrace.reports.pipeline.roles import ROLE_KINDS, PlaceRoles, first_list
from armtrace.vocabulary import category_group

if not Doc.has_extension("incidents"):
    Doc.set_extension("incidents", default=None)

# how weapons came to be where an event finds them ("shells recovered during…", "rifles smuggled
# from…", "ammunition handed in since January"); a verb of use after a weapon is still the event
_PAST_OF_WEAPONS = {
    "trigger:seizure",
    "trigger:collection",
    "trigger:trafficking",
    "trigger:transfer",
}
_SHOWING = {"trigger:sighting", "trigger:stockpile"}  # verbs that show weapons, not act on them
_NO_FLOW = {"looting", "stockpile", "collection", "destruction"}  # happen where the weapons are
_BACKSTORY = {"trafficking", "looting", "transfer"}  # verbs that tell where weapons were before
_TAKEN_FROM_STORES = {"use", "transfer", "sighting", "trafficking"}  # verbs a base's fall retypes
_WAITING = {"seizure", "collection", "destruction", "looting"}  # told first, weapons listed after
_CONCRETE = {"seizure", "use", "looting"}  # events that policy words do not turn into policy
MODAL_REACH = 3  # tokens after the event's verb within which "could…" still governs it
SUMMARY_LIST = 4  # a list of this many countries sums up events rather than telling one
STOCK_SIZE = 1000  # a count this large beside "held"/"arsenal" states holdings, not one event
REPORTING_REACH = 3  # tokens before a date where "said", "told reporters" make it the telling's
CARRIER_REACH = 8  # tokens before "carrying" where the people who carry are named
HISTORY_YEARS = 3  # a claim dated only this many years before publication is background, not news


@Language.factory("armtrace_events")
def make_events(nlp: Language, name: str) -> EventBuilder:
    return EventBuilder()


class EventBuilder:
    def __init__(self) -> None:
        self.book = load_cues()
        self.priority = self.book.type_priority
        self.roles = PlaceRoles(self.book.cue_window)
        self.assembler = Assembler()

    def __call__(self, doc: Doc) -> Doc:
        found = analysis(doc)
        published: date | None = doc._.published
        drafts: list[Draft] = []
        bounds = [*found.sent_starts, len(found.text)]
        for index, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
            self._sentence(found, index, start, end, published, drafts)
        origins, destinations, vias = self._report_flows(found)
        doc._.incidents = self.assembler.incidents(found, drafts, origins, destinations, vias)
        return doc

    def _report_flows(
        self, found: Analysis
    ) -> tuple[list[PlaceMention], list[PlaceMention], list[PlaceMention]]:
        """Where the report says weapons came from, went and passed, in any sentence: "the weapons
        are believed to have come from Libyan stocks", "the trucks were to continue towards
        northern Mali" often speak for the whole story. Denied and hypothetical moves say
        nothing."""
        bounds = [*found.sent_starts, len(found.text)]
        origins: list[PlaceMention] = []
        destinations: list[PlaceMention] = []
        vias: list[PlaceMention] = []
        for s, e in zip(bounds, bounds[1:], strict=False):
            cues = {k: [c for c in v if s <= c[0] < e] for k, v in found.cues.items()}
            if cues.get("negations"):
                continue
            places = [p for p in found.places if s <= p.start < e]
            weapons = [w for w in found.weapons if s <= w.start < e]
            for place, role in self.roles.assign(found, places, weapons, cues):
                if role == "origin" and place.place.country:
                    origins.append(place)
                elif role == "destination" and place.place.country and not _unreal(cues):
                    destinations.append(place)
                elif role == "via" and place.place.country:
                    vias.append(place)
        return origins, destinations, vias

    def _sentence(
        self,
        found: Analysis,
        index: int,
        s: int,
        e: int,
        published: date | None,
        drafts: list[Draft],
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
        _drop_participles(cues, weapon_ends)
        weak_spans = {(c[0], c[1]) for c in cues.get("weak_triggers", [])}
        searched = not load_cues().words("searching").isdisjoint(found.lower[s:e])
        if "force:seizer" in cues or searched:
            # "inspectors found explosives in a lorry bound for Gaza", "officers searched two
            # vehicles bound for Zinder and found forty-two firearms": a find is a seizure
            weak_spans -= {(c[0], c[1]) for c in cues.get("trigger:seizure", [])}
        types = [
            label.split(":", 1)[1]
            for label in cues
            if label.startswith("trigger:")
            and any((c[0], c[1]) not in weak_spans for c in cues[label])
        ] or [label.split(":", 1)[1] for label in cues if label.startswith("trigger:")]
        event_type = min(types, key=self.priority.index) if types else None
        arms_counted = any(
            (w.quantity or 0) >= STOCK_SIZE and category_group(w.category) != "ammunition_explosives"
            for w in weapons
        )
        if ("stockpile" in types and any((w.quantity or 0) >= STOCK_SIZE for w in weapons)) or (
            event_type == "sighting" and arms_counted  # "350,000 small arms in the hands of…"
        ):
            event_type = (
                "stockpile"  # "held about 20,000 … 5,000 recovered": a statement of holdings
            )
        if event_type == "looting_event":
            event_type = "looting"
        told_as = event_type
        event_type = _retyped(found, s, e, event_type, cues, weapons)
        # "carrying armoured vehicles out of the barracks": a looting of its own, however weak the
        # verb that tells it
        looted_here = event_type == "looting" and told_as != "looting"
        counted = any(w.quantity is not None for w in weapons)
        if "trend" in cues or (
            "policy" in cues
            and "violation" not in cues
            and event_type not in _CONCRETE
            and not counted  # "notified the Committee of 900 pistols, 5,200 rifles…": a delivery
        ):
            return
        if self._summary(found, s, e, weapons, cues):
            return
        dates = [d for d in found.dates if s <= d.start < e and not _background(found, d)]
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
        weak = bool(spans) and spans <= weak_spans and not looted_here
        # "In a separate case, …", or a sentence dated another day, opens a new incident
        event_days = [d for d in dates if not _told_on(found, d)]
        fresh = "new_event" in cues or (previous is not None and _another_day(previous, event_days))
        waiting = _waiting_for_weapons(drafts, index, modality) if weapons and weak else None
        if waiting is not None and not near and not fresh:
            # "a patrol intercepted two canoes. The occupants opened fire … The canoes were
            # carrying four rifles": the weapons of the incident told without them
            near, previous = True, waiting
        if event_type is None or (near and not fresh and (event_type in WEAK_TYPES or weak)):
            # "It carried 40 rockets.": more about the incident before, not a new one
            if near and (weapons or event_type):
                part = Draft(previous.type, [(s, e)], modality, last=index)
                self._extend(part, found, s, e, weapons, cues, dates, ROLE_KINDS)
                # a verb ("had been loaded in Sirte") tells where the weapons were before
                self._merge(previous, part, location_as=self._continued_place(previous, event_type))
            return
        draft = Draft(event_type, [(s, e)], modality, last=index)
        draft.triggers = [(c[0], c[1]) for c in cues.get(f"trigger:{event_type}", [])]
        self._extend(draft, found, s, e, weapons, cues, dates, ROLE_KINDS)
        told = _backstory_of(found, drafts, draft)
        if told is not None:
            # "the rounds in the video had reached the groups from Saudi Arabia by way of Turkey":
            # where weapons already told of came from, not another event
            for role in ("origin", "via", "destination"):
                if not told.roles.get(role):  # what the incident's own sentences say comes first
                    told.roles[role] = list(draft.roles.get(role, []))
            told.sentences.extend(draft.sentences)
            return
        if near and previous.type not in _NO_FLOW and _cargo_again(found, s, e, draft):
            # "he had loaded the cargo in southern Libya and was to deliver it to a buyer in Gao":
            # the journey of the cargo just told of, not another event
            self._merge(previous, draft, location_as="origin")
            return
        if (
            near
            and draft.type == "sighting"
            and previous.type in _NO_FLOW | {"seizure"}
            and _held_again(found, s, e)
        ):
            # "The Panel inspected the cargo in Bosaso and recorded 45 rifles": what the seizure
            # held, looked at later, not another event
            self._merge(previous, draft, location_as=None)
            return
        if near and not fresh and self._same_event(previous, draft):
            self._merge(previous, draft)
        else:
            drafts.append(draft)
        if event_type == "seizure" and _destroyed_there(found, s, e, cues):
            # "found a cache of mortar shells and destroyed it on the spot": two events
            then = Draft("destruction", [(s, e)], modality, last=index)
            then.triggers = [(c[0], c[1]) for c in cues["trigger:destruction"]]
            self._extend(then, found, s, e, weapons, cues, dates, ROLE_KINDS)
            drafts.append(then)

    @staticmethod
    def _continued_place(previous: Draft, event_type: str | None) -> str | None:
        """What a place in a sentence that continues an incident says: where the weapons were
        before when a movement verb tells their past ("had been loaded in Sirte"); where the
        incident happened when the incident has no place yet ("examined them in Malakal")."""
        if event_type in _BACKSTORY:
            return "origin"
        if previous.location_country() is None:
            return "location"
        return "origin" if event_type else None

    def _summary(
        self, found: Analysis, s: int, e: int, weapons: list[WeaponMention], cues: dict
    ) -> bool:
        """'transfers of Libyan materiel to Tunisia, Egypt, Niger, Mali, Chad…': a list this long
        sums up many events; it is not one."""
        places = [p for p in found.places if s <= p.start < e]
        roles = self.roles.assign(found, places, weapons, cues)
        for role in ("destination", "via", "location"):
            if len(first_list([p for p, r in roles if r == role])) >= SUMMARY_LIST:
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
        draft: Draft,
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
        draft.illicit = draft.illicit or "illicit" in cues
        draft.dates.extend(d for d in dates if d.day.year >= 1990)
        draft.actors.extend((a, "") for a in found.actors if s <= a.start < e)
        if draft.sentences[-1] != (s, e):
            draft.sentences.append((s, e))
        places = [p for p in found.places if s <= p.start < e]
        for place, role in self.roles.assign(found, places, weapons, cues):
            if role in roles:
                draft.roles.setdefault(role, []).append(place)
        if draft.type == "stockpile" and draft.triggers:
            # "officials estimate that Libya had built up…", "Israeli officials believe Hezbollah
            # has…": the holder is the country or armed group nearest before the verb
            verb = draft.triggers[0][0]
            holder = _holder(found, places, s, verb)
            if holder is not None:
                draft.roles.setdefault("location", []).insert(0, holder)
        if draft.type == "transfer":
            first_trigger = min((t[0] for t in draft.triggers), default=e)
            # "Qatar supplied…", "French aircraft dropped…": the country before the verb supplies
            before = [p for p in places if p.start < first_trigger and _speaks_for_state(p)]
            state = [
                p
                for p in before
                if p.demonym
                or p.possessive
                or p in draft.roles.get("location", []) + draft.roles.get("unmarked", [])
            ][:1]
            # "Iraq's defence ministry took delivery of…", "the Government of South Sudan
            # acquired…": before a verb of receiving stands the buyer, not the supplier
            verbs = self.book.words("receiving_verbs")
            receiving = any(" ".join(found.lower[a:b]) in verbs for a, b in draft.triggers[:1])
            if receiving:
                draft.buyers, draft.suppliers = state, []
            else:
                draft.suppliers = state

    @staticmethod
    def _same_event(previous: Draft, draft: Draft) -> bool:
        """Sentences in a row tell one event unless they differ in kind, place or month."""
        if family(previous.type) != family(draft.type) and draft.type not in WEAK_TYPES:
            return False
        a, b = previous.location_country(), draft.location_country()
        if a and b and a != b:
            return False
        da = {d.value[:7] for d in previous.dates}
        db = {d.value[:7] for d in draft.dates}
        return not (da and db and not da & db)

    def _merge(self, previous: Draft, draft: Draft, location_as: str | None = "") -> None:
        """Fold a sentence's draft into the incident before it. A weaker verb ("had been smuggled"
        after "seized") tells the weapons' past: it adds origin and route, not the place."""
        weaker = location_as != "" or (
            self.priority.index(draft.type) > self.priority.index(previous.type)
        )
        if location_as == "":
            location_as = "origin" if weaker else "location"
        if not weaker and draft.type not in WEAK_TYPES and draft.weapons:
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
            if role in ("location", "unmarked") and location_as != "location":
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
        previous.buyers.extend(draft.buyers)
        previous.illicit = previous.illicit or draft.illicit
        previous.last = draft.last


def _drop_participles(cues: dict, weapon_ends: set[int]) -> None:
    """'destroyed 37 mines and 11 shells recovered during earlier searches': a verb right after
    the weapons it describes tells their past; the sentence's own verb is another one."""
    labels = [label for label in cues if label.startswith("trigger:")]
    after = {
        label: [c for c in cues[label] if c[0] in weapon_ends and label in _PAST_OF_WEAPONS]
        for label in labels
    }
    if not any(after.values()):
        return
    if not any(
        len(cues[label]) > len(after[label]) and label not in _SHOWING for label in labels
    ):
        return  # "rifles seized by police (were shown to reporters)": the event there is
    for label in labels:
        kept = [c for c in cues[label] if c not in after[label]]
        if kept:
            cues[label] = kept
        else:
            del cues[label]


def _holder(found: Analysis, places: list[PlaceMention], s: int, verb: int) -> PlaceMention | None:
    """The country, or the armed group or force (by its country), nearest before a stockpile verb.
    'Israeli' in 'the Israeli army believes' names who speaks, not who holds."""
    speakers = {a.start for a in found.actors}
    named = [
        p
        for p in places
        if p.start < verb and p.place.kind == "country" and not (p.demonym and p.start in speakers)
    ]
    actors = [a for a in found.actors if s <= a.start < verb and a.country]
    last_place = named[-1] if named else None
    last_actor = actors[-1] if actors else None
    if last_actor is None or (last_place is not None and last_place.start > last_actor.start):
        return last_place
    if last_actor.kind != "armed_group":
        return last_place  # a state's own forces hold in the country named for them
    country = load_gazetteer().country(last_actor.country)
    return PlaceMention(
        last_actor.start,
        last_actor.end,
        last_actor.start_char,
        last_actor.end_char,
        last_actor.name,
        [country],
    )


def _speaks_for_state(place: PlaceMention) -> bool:
    """A country, or its capital standing for its government ("Ankara sent…", "Moscow supplied…")."""
    return place.place.kind == "country" or load_gazetteer().is_capital(place.place)


def _backstory_of(found: Analysis, drafts: list[Draft], draft: Draft) -> Draft | None:
    """The earlier incident whose weapons a movement sentence names again with "the"/"these"
    and no count ("the rounds", "this ammunition"), if the sentence gives a flow."""
    if draft.type not in _BACKSTORY or not draft.weapons or draft.modality != "asserted":
        return None
    if not any(draft.roles.get(r) for r in ("origin", "via", "destination")):
        return None
    lower, definite = found.lower, load_cues().words("definite")
    if not all(
        w.quantity is None and w.start and lower[w.start - 1] in definite for w in draft.weapons
    ):
        return None
    kinds = {category_group(w.category) for w in draft.weapons}
    for earlier in drafts:  # the report's first telling of them: its main event
        if earlier.type in _NO_FLOW:
            continue  # "it held 1,200 detonators": holdings; the flow is the seizure's
        if earlier.modality == "asserted" and kinds & {
            category_group(w.category) for w in earlier.weapons
        }:
            return earlier
    return None


def _people_carrying(found: Analysis, cues: dict) -> bool:
    """The sentence's only movement verb is 'carrying' or 'carried', and people carry."""
    moving = cues.get("trigger:trafficking", [])
    if not moving or any(found.lower[c[0]] not in _CARRY for c in moving):
        return False
    if any(cues.get(role) for role in ("origin", "destination", "via")):
        return False  # "fighters carrying rifles across the border from Libya": trafficking
    people = load_cues().words("fighters") | {"men", "gunmen", "soldiers", "militiamen", "boys"}
    lower = found.lower
    return all(not people.isdisjoint(lower[max(0, c[0] - CARRIER_REACH) : c[0]]) for c in moving)


_CARRY = {"carrying", "carried", "carry", "carries"}


def _store_fallen(found: Analysis, s: int, e: int) -> bool:
    """An army's base taken ('overran the base', 'after the fall of the airbase') or weapons
    carried out of it ('out of the barracks'): what is carried or shown there was looted."""
    book = load_cues()
    lower, stores = found.lower, book.words("army_stores")
    at = [i for i in range(s, e) if lower[i] in stores]
    if not at:
        return False
    out_of = any(lower[max(s, i - 3) : i][:2] == ["out", "of"] for i in at)  # "out of the …"
    return out_of or book.said("store_taken", lower[s:e])


def _waiting_for_weapons(drafts: list[Draft], index: int, modality: str) -> Draft | None:
    """The latest incident of the last few sentences still told without any weapon."""
    for draft in reversed(drafts):
        if index - draft.last > NEAR:
            return None
        if not draft.weapons and draft.modality == modality and draft.type in _WAITING:
            return draft
    return None


def _held_again(found: Analysis, s: int, e: int) -> bool:
    """'the cargo', 'the materiel', 'the weapons': what the incident before held, named again."""
    return _named_again(found, s, e, ("cargo", "held_again"))


def _cargo_again(found: Analysis, s: int, e: int, draft: Draft) -> bool:
    """A movement sentence with no weapon of its own about "the cargo", "the consignment", or
    the vehicle that carried them ("the lorry had crossed from Ethiopia")."""
    if draft.type not in _BACKSTORY or draft.weapons or draft.modality != "asserted":
        return False
    return _named_again(found, s, e, ("cargo", "carriers"))


def _named_again(found: Analysis, s: int, e: int, word_sets: tuple[str, ...]) -> bool:
    """A noun of the given word sets after "the", "these", "this"… in the sentence."""
    book = load_cues()
    nouns = frozenset().union(*(book.words(name) for name in word_sets))
    definite, lower = book.words("definite"), found.lower
    return any(lower[i] in nouns and lower[i - 1] in definite for i in range(s + 1, e))


def _retyped(
    found: Analysis, s: int, e: int, event_type: str | None, cues: dict, weapons: list[WeaponMention]
) -> str | None:
    """The sentence's event type, corrected where its verb says less than the sentence."""
    if event_type == "destruction" and _destroyed_with(found, cues, weapons):
        return "use"  # "destroyed a tank with a Kornet missile": the missile was used
    if event_type in _TAKEN_FROM_STORES and weapons and _store_fallen(found, s, e):
        return "looting"  # "fighters carried armoured vehicles out of the barracks"
    if event_type == "trafficking" and weapons and _people_carrying(found, cues):
        return "sighting"  # "fighters at the checkpoint carrying shotguns": armed, not moving arms
    if event_type == "use" and weapons and "trigger:looting" in cues:
        taken = min(c[0] for c in cues["trigger:looting"])
        if all(w.start > taken for w in weapons):
            return "looting"  # "attacked the post and made off with its heavy machine guns"
    if event_type == "transfer" and _selling_only(found, cues):
        if "force:seizer" in cues and ("trigger:looting" in cues or "origin_nouns" in cues):
            return "looting"  # "soldiers at the depot sold boxes of ammunition from its stores"
        if not load_cues().words("markets").isdisjoint(found.lower[s:e]):
            return "sighting"  # "traders sell pistols and rifles from wooden tables"
    if event_type == "collection" and _state_hands_over(found, s, cues):
        return "transfer"  # "France handed over 48 MILAN missiles": a state's delivery
    return event_type


def _selling_only(found: Analysis, cues: dict) -> bool:
    """The sentence's only transfer verbs are verbs of selling ("sold", "sell")."""
    words = {" ".join(found.lower[a:b]) for a, b, _ in cues.get("trigger:transfer", [])}
    return bool(words) and words <= load_cues().words("selling_verbs")


def _destroyed_with(found: Analysis, cues: dict, weapons: list[WeaponMention]) -> bool:
    """A target destroyed by a weapon ('destroyed an armoured truck bomb with an anti-tank
    missile'), or struck and destroyed ('rockets struck the airport, destroying aircraft')."""
    lower = found.lower
    used = [c[0] for c in cues.get("trigger:use", [])]
    for start, end, _ in cues.get("trigger:destruction", []):
        if lower[start].endswith("ing") and any(u < start for u in used):
            return True
        after = range(end, min(end + 8, len(lower)))
        withs = [i for i in after if lower[i] == "with"]
        if withs and any(w.start > withs[0] for w in weapons):
            return True
    return False


def _destroyed_there(found: Analysis, s: int, e: int, cues: dict) -> bool:
    """Weapons found and destroyed where they lay, told in one sentence."""
    if "trigger:destruction" not in cues:
        return False
    text = " ".join(found.lower[s:e])
    return any(phrase in text for phrase in load_cues().words("on_the_spot"))


def _state_hands_over(found: Analysis, s: int, cues: dict) -> bool:
    """A country (or its capital) named just before 'handed over' gives; fighters surrender."""
    first = min(c[0] for c in cues.get("trigger:collection", [(s, s, "")]))
    before = [
        p
        for p in found.places
        if s <= p.start < first
        and first - p.end <= 2
        and set(found.lower[p.end : first]) <= load_cues().words("subject_auxiliaries")
        and not (p.demonym or p.possessive)
    ]
    return any(_speaks_for_state(p) for p in before)


def _unreal(cues: dict) -> bool:
    return bool(cues.get("hypotheticals") or cues.get("trend") or cues.get("policy"))


def _background(found: Analysis, d: DateMention) -> bool:
    """'regrouped since 2013', 'the offensive of last year': a date that sets the scene of
    another clause, not the day of this sentence's event."""
    before = found.lower[d.start - 1] if d.start else ""
    return before == "since" or (before == "of" and d.relative and d.precision == "year")


def _told_on(found: Analysis, d: DateMention) -> bool:
    """'the statement, read on state television on Tuesday': the day something was told."""
    told = found.lower[max(0, d.start - REPORTING_REACH) : d.start]
    return not load_cues().words("reporting").isdisjoint(told)


def _another_day(previous: Draft, dates: list[DateMention]) -> bool:
    """'on Saturday 1 October … on Tuesday 27 September': two days named to the day are two events."""
    days = {d.value for d in dates if d.precision == "day"}
    before = {d.value for d in previous.dates if d.precision == "day"}
    return bool(days and before and not days & before)

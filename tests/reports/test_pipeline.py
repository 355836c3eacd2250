"""The extraction pipeline on sentences whose answer is known."""

from datetime import date

import pytest

from armtrace.reports.document import Report
from armtrace.reports.pipeline import extract

PUBLISHED = date(2013, 3, 14)  # a Thursday


def _incidents(text: str, published: date | None = PUBLISHED, asserted: bool = True) -> list:
    found = extract(Report(key="t", text=text, published=published))
    return [i for i in found if i.modality == "asserted"] if asserted else found


def _one(text: str, **kw) -> object:  # type: ignore[no-untyped-def]
    [incident] = _incidents(text, **kw)
    return incident


@pytest.mark.parametrize(
    ("text", "category", "model", "quantity"),
    [
        ("Troops seized 40 Grad rockets in Gao.", "artillery_rocket", "Grad", 40),
        ("Police seized around 20,000 shoulder-fired missiles in Gao.", "manpads", None, 20000),
        ("Police seized two hundred AK-47s in Gao.", "assault_rifle", "AK-47", 200),
        ("Police seized 1.5 million rounds of ammunition in Gao.", "ammunition", None, 1500000),
        ("Police seized forty-two Strela-2 missiles in Gao.", "manpads", "SA-7", 42),
        ("Police seized hundreds of assault rifles in Gao.", "assault_rifle", None, None),
        ("Police seized three 106 mm recoilless rifles in Gao.", "recoilless_rifle", "M40", 3),
        ("Police seized 5,200 pump-action shotguns in Gao.", "shotgun", None, 5200),
        ("Police seized about a dozen AK-47 rifles in Gao.", "assault_rifle", "AK-47", 12),
        ("Police seized two dozen RPG-7 launchers in Gao.", "rocket_launcher", "RPG-7", 24),
        ("Police seized half a dozen mortars in Gao.", "mortar", None, None),
    ],
)
def test_weapons_and_quantities(
    text: str, category: str, model: str | None, quantity: int | None
) -> None:
    [weapon] = _one(text).weapons
    assert (weapon.category, weapon.model, weapon.quantity) == (category, model, quantity)


def test_vague_quantity_is_kept_as_text_without_a_number() -> None:
    [weapon] = _one("Police seized hundreds of assault rifles in Gao.").weapons
    assert weapon.quantity is None and weapon.quantity_text == "hundreds of"


def test_direction_cues_give_origin_route_and_destination() -> None:
    incident = _one("Smugglers moved 30 RPG-7 launchers from Libya through Niger into Mali.")
    assert (incident.type, incident.origin, incident.via, incident.destination) == (
        "trafficking",
        "LY",
        ["NE"],
        "ML",
    )


def test_seizure_of_smuggled_weapons_is_a_seizure_where_it_happened() -> None:
    incident = _one(
        "Egyptian border guards seized 40 Grad rockets near Sollum on Tuesday. "
        "The rockets had been smuggled from Libya."
    )
    assert (incident.type, incident.location, incident.place) == ("seizure", "EG", "Sollum")
    assert incident.origin == "LY" and incident.destination == "EG"
    assert incident.date == "2013-03-12"
    assert {"name": "Egyptian border guards", "role": "seizer"} in incident.to_dict()["actors"]


def test_demonym_before_weapons_is_the_origin() -> None:
    incident = _one("Malian troops seized Libyan weapons in Kidal.")
    assert (incident.origin, incident.location, incident.destination) == ("LY", "ML", "ML")


def test_rafah_is_disambiguated_by_the_other_places_of_the_report() -> None:
    gaza = _one(
        "Hamas fighters in Gaza City received 20 anti-tank missiles through tunnels in Rafah."
    )
    egypt = _one("Egyptian police seized 20 anti-tank missiles in Rafah, near El Arish in Sinai.")
    assert gaza.location == "PS"
    assert egypt.location == "EG"


def test_hedged_claims_are_alleged() -> None:
    assert _one("AQIM allegedly acquired 10 SA-7 missiles smuggled from Libya.").grade == "alleged"
    assert _one("Troops seized 10 SA-7 missiles in Gao.").grade == "reported"


def test_negated_hypothetical_and_historical_claims_are_not_asserted() -> None:
    text = (
        "There is no evidence that MANPADS were smuggled into Gaza. "
        "The missiles could be used to attack civilian aircraft. "
        "The missiles were sold to Libya by the Soviet Union in the 1970s."
    )
    assert _incidents(text) == []
    assert {i.modality for i in _incidents(text, asserted=False)} <= {
        "negated",
        "hypothetical",
        "historical",
    }


def test_policy_statements_are_not_incidents() -> None:
    assert _incidents("The Security Council renewed the arms embargo on Libya in 2013.") == []


def test_list_of_destinations_gives_one_incident_each() -> None:
    found = _incidents("Weapons looted in Libya were smuggled to Mali, Niger and Chad.")
    assert sorted(i.destination for i in found) == ["ML", "NE", "TD"]
    assert all(i.origin == "LY" for i in found)


def test_several_incidents_in_one_report() -> None:
    found = _incidents(
        "Nigerien soldiers seized 12 AK-47 rifles near Agadez on 3 May 2013.\n\n"
        "In a separate case, Algerian troops destroyed 25 RPG-7 launchers near Djanet."
    )
    assert [(i.type, i.location) for i in found] == [("seizure", "NE"), ("destruction", "DZ")]
    assert found[0].date == "2013-05-03"


def test_evidence_and_claims_point_at_the_text() -> None:
    text = (
        "Intro line.\n\nTunisian customs officers seized 300 AK-47 rifles at Ben Gardane last week."
    )
    incident = _one(text)
    for ev in incident.evidence:
        assert text[ev.start : ev.end] == ev.text
    spans = {c.field: text[c.start : c.end] for c in incident.claims}
    assert spans["weapon"] == "300 AK-47 rifles"
    assert spans["place"] == "Ben Gardane"
    assert spans["date"] == "last week"
    assert incident.date_precision == "week"


@pytest.mark.parametrize(
    ("phrase", "value", "precision"),
    [
        ("on 12 March 2012", "2012-03-12", "day"),
        ("on March 12, 2012", "2012-03-12", "day"),
        ("in March 2012", "2012-03", "month"),
        ("in 2012", "2012", "year"),
        ("in April", "2012-04", "month"),  # April after the publication month: the year before
        ("on Thursday", "2013-03-14", "day"),
        ("yesterday", "2013-03-13", "day"),
        ("last month", "2013-02", "month"),
        ("two years ago", "2011", "year"),
    ],
)
def test_dates_absolute_and_relative(phrase: str, value: str, precision: str) -> None:
    incident = _one(f"Police seized 10 pistols in Gao {phrase}.")
    assert (incident.date, incident.date_precision) == (value, precision)


def test_relative_date_without_publication_date_is_left_out() -> None:
    assert _one("Police seized 10 pistols in Gao last week.", published=None).date is None


def test_a_paragraph_break_never_ends_a_place_name() -> None:
    incident = _one("Troops seized 10 rifles in Sinai\n\nNo one was hurt.")
    assert incident.place == "Sinai"


def test_precisions_say_the_rule_that_chose_them() -> None:
    text = (
        "Police seized 10 pistols in Gao last week.\n\n"
        "In a separate case, smugglers moved 5 rifles into Niger."
    )
    seizure, trafficking = _incidents(text)
    rules = {c.value: text[c.start : c.end] for c in seizure.claims if c.field == "precision"}
    assert rules == {
        "date week: resolved from the publication date": "last week",
        "place town: a town named in the report": "Gao",
    }
    [rule] = [c.value for c in trafficking.claims if c.field == "precision"]
    assert rule == "place country: where the weapons went"


def test_forces_abroad_are_placed_by_the_dateline_not_their_nationality() -> None:
    incident = _one("BANGUI - French soldiers seized 30 assault rifles and grenades on Monday.")
    assert incident.location == "CF"


def test_bare_weapons_beside_a_specific_incident_are_commentary() -> None:
    text = (
        "Residents say militants smuggle weapons through the region. The governor spoke on "
        "Monday. The road was closed. Police seized 40 Grad rockets in Gao on Monday."
    )
    [incident] = _incidents(text)
    assert incident.type == "seizure" and incident.weapons[0].category == "artillery_rocket"


def test_looting_of_weapons_is_kept_without_a_named_weapon() -> None:
    text = (
        "Police seized 40 Grad rockets in Gao. In May, rebels looted weapons from a depot in Kidal."
    )
    assert {i.type for i in _incidents(text)} == {"seizure", "looting"}


def test_the_town_is_the_story_town() -> None:
    text = (
        "CAIRO - Police stopped a lorry outside Marsa Matrouh on Friday. The cargo had been "
        "loaded in the Libyan city of Sirte. The officers thanked the drivers. The road was "
        "closed. On 10 May, police seized 50 Grad rockets near the town."
    )
    seizures = [i for i in _incidents(text) if i.weapons and i.weapons[0].quantity == 50]
    assert [(i.location, i.place) for i in seizures] == [("EG", "Marsa Matrouh")]


def test_demonym_after_an_origin_cue_is_the_origin() -> None:
    incident = _one(
        "ALGIERS - Troops found 43 SA-7 missiles near In Amenas that came out of the arsenals "
        "of the late Libyan leader."
    )
    assert (incident.origin, incident.location) == ("LY", "DZ")


def test_dismantling_a_network_that_held_weapons_is_a_seizure() -> None:
    incident = _one(
        "RABAT - Security services dismantled a smuggling network and found three caches "
        "holding 30 AK-47 rifles near Amgala."
    )
    assert incident.type == "seizure"


def test_troops_seizing_from_insurgents_is_a_seizure_not_looting() -> None:
    text = (
        "Officials said 300 insurgents had been killed and a handful captured. "
        "Troops seized five armoured vehicles and eight machine guns."
    )
    assert [i.type for i in _incidents(text)] == ["seizure"]


@pytest.mark.parametrize(
    "text",
    [
        "The rebels were accused of executing captured soldiers and their rifles at Aguelhok.",
        "Wives accused the government of sending their husbands north without enough ammunition.",
    ],
)
def test_people_captured_and_weapons_lacked_are_no_incident(text: str) -> None:
    assert _incidents(text) == []


def test_a_seizure_at_sea_is_placed_at_the_dateline_port_of_the_seizing_state() -> None:
    incident = _one(
        "HERAKLION - Greek authorities found 5,200 shotguns aboard a cargo ship sailing from "
        "Turkey to the Libyan port of Misrata."
    )
    assert (incident.location, incident.place, incident.origin, incident.destination) == (
        "GR",
        "Heraklion",
        "TR",
        "LY",
    )
    assert incident.via == ["GR"]


def test_an_abbreviated_country_before_a_noun_says_whose_not_where() -> None:
    incident = _one(
        "Engineers destroyed 400 SA-7 missiles, the US assistant secretary of state said. "
        "The US envoy and the US ambassador thanked Libya."
    )
    assert (incident.type, incident.location) == ("destruction", "LY")


def test_a_transfer_the_text_does_not_place_is_coded_where_the_report_is() -> None:
    text = "BANGUI - Russia delivered 900 Makarov pistols and 5,200 AKM assault rifles in January."
    incident = _one(text)
    assert (incident.type, incident.origin, incident.location, incident.destination) == (
        "transfer",
        "RU",
        "CF",
        "CF",
    )


def test_a_place_east_of_a_town_is_near_it_and_a_gulf_is_no_town() -> None:
    incident = _one(
        "Police intercepted a boat off the coast east of Bosaso and confiscated thirty AK-47 "
        "rifles. The boat had crossed the Gulf of Aden from Yemen."
    )
    assert (incident.location, incident.origin, incident.destination) == ("SO", "YE", "SO")


def test_a_retransfer_to_a_neighbours_army_is_a_transfer() -> None:
    incident = _one(
        "In 2014 Uganda re-transferred to South Sudan's army a consignment of 400 assault rifles."
    )
    assert (incident.type, incident.origin, incident.destination) == ("transfer", "UG", "SS")
    assert [(a.name, a.role) for a in incident.actors][-1] == ("South Sudan's army", "recipient")


def test_weapons_from_a_states_army_stores_come_from_that_state() -> None:
    incident = _one(
        "Sudanese officials said a convoy carried 40 surface-to-air missiles from Libyan army "
        "stores into Darfur."
    )
    assert (incident.type, incident.origin, incident.destination) == ("trafficking", "LY", "SD")


def test_combat_aircraft_are_weapons_and_a_hyphenated_name_is_not_its_tail() -> None:
    incident = _one("BAGHDAD - Iraq took delivery of five Su-25 aircraft bought from Russia.")
    assert [(w.category, w.model, w.quantity) for w in incident.weapons] == [
        ("aircraft", "Su-25", 5)
    ]
    camp = _one(
        "Troops recovered 23 AK-47 rifles at a camp in the Mayo-Sava department of Cameroon."
    )
    assert camp.location == "CM"


def test_a_participle_after_weapons_tells_their_past_not_the_event() -> None:
    text = (
        "On 13 January, a detachment at Bordj Badji Mokhtar destroyed thirty-seven "
        "anti-personnel mines and eleven artillery shells recovered during earlier searches."
    )
    assert [i.type for i in _incidents(text)] == ["destruction"]
    assert [
        i.type for i in _incidents("Rifles seized by police in Gao were shown to reporters.")
    ] == ["seizure"]


def test_an_unplaced_incident_is_where_the_sentence_before_is_not_at_a_foreign_force_home() -> None:
    text = (
        "Niger's army and Niger's police were not involved. Officials met on Monday. The talks "
        "ended. Soldiers of Operation Barkhane searched wadis in the Ménaka region. They found "
        "a cache with two DShK heavy machine guns and forty Grad rockets."
    )
    assert _one(text).location == "ML"


def test_a_wire_story_filed_from_next_door_is_about_the_country_it_names() -> None:
    text = (
        "BEIRUT - Fighting in Syria went on. Officials met on Monday. The talks ended. "
        "Islamic State fighters looted 40 Grad rockets from an army base last week."
    )
    assert _one(text).location == "SY"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "About forty fighters handed over their weapons to the army in Diffa: 22 AK-47 rifles.",
            "collection",
        ),
        (
            "More than a hundred fighters handed ninety weapons to the army at Aveba, Congo.",
            "collection",
        ),
        (
            "Coalition warplanes dropped crates of rifles by parachute to fighters in Aden.",
            "transfer",
        ),
    ],
)
def test_handing_over_and_air_drops(text: str, kind: str) -> None:
    assert _one(text).type == kind


def test_digging_up_a_cache_is_a_seizure_and_earlier_this_month_is_another_event() -> None:
    text = (
        "BAMAKO - Algerian soldiers dug up a cache of 20 assault rifles near Bordj Badji Mokhtar "
        "last Saturday. Earlier this month, army units near Tamanrasset disarmed sixty soldiers, "
        "taking some forty rifles from them."
    )
    assert [i.type for i in _incidents(text)] == ["seizure", "collection"]


def test_a_seizure_at_sea_has_a_place_but_no_country_and_50_calibre_guns_are_heavy() -> None:
    incident = _one(
        "MANAMA, Bahrain - The patrol ship USS Sirocco intercepted 1,500 AK-47 assault rifles "
        "and 21 .50 caliber machine guns aboard a dhow in the northern Arabian Sea."
    )
    assert (incident.location, incident.place) == (None, "Arabian Sea")
    assert ("heavy_machine_gun", 21) in [(w.category, w.quantity) for w in incident.weapons]


def test_a_stockpile_is_held_where_its_holder_is_not_where_its_observer_speaks() -> None:
    incident = _one("The Israeli army believes Hezbollah holds some 130,000 rockets.")
    assert (incident.type, incident.location) == ("stockpile", "LB")


def test_a_transfer_is_where_the_weapons_arrive_not_at_the_supplier() -> None:
    incident = _one("Ankara sent 40 Kirpi armoured vehicles to Libya's government in June.")
    assert (incident.type, incident.origin, incident.location) == ("transfer", "TR", "LY")


def test_armour_arriving_with_nothing_illicit_said_is_a_transfer() -> None:
    incident = _one("Emirati armoured vehicles were unloaded at the port of Aden, Yemen, on Sunday.")
    assert (incident.type, incident.location) == ("transfer", "YE")


def test_footage_that_could_not_be_verified_is_alleged() -> None:
    incident = _one(
        "Footage posted on Sunday appears to show fighters near Jinderes firing a Kornet missile."
    )
    assert incident.grade == "alleged"


def test_weapons_captured_by_rebels_who_killed_soldiers_are_looted() -> None:
    text = "Rebel fighters killed dozens of soldiers and captured the garrison's mortars in Kordofan."
    assert _one(text).type == "looting"


def test_a_counted_bare_weapons_destruction_is_kept_with_its_count() -> None:
    text = (
        "KINSHASA, July 12 - Congolese authorities burned about 1,200 weapons in Kalemie on "
        "Tuesday. The weapons, mostly rifles, had been seized by the army in Tanganyika."
    )
    [burned] = [i for i in _incidents(text) if i.type == "destruction"]
    assert ("unspecified", 1200) in [(w.category, w.quantity) for w in burned.weapons]


def test_an_agency_dateline_with_its_date_still_places_the_story() -> None:
    text = (
        "TRIPOLI, Libya, 12 March - Fighting went on. Officials met. "
        "Gunmen looted forty rifles from a police station last week."
    )
    assert _one(text).location == "LY"
    text = "KHARTOUM, April 9 - Fighting went on. Gunmen looted forty rifles from a station."
    assert _one(text).location == "SD"


def test_setting_buildings_on_fire_is_no_use_of_weapons() -> None:
    text = (
        "The militants carried off armoured vehicles and weapons from the base's stores in Baga "
        "before setting buildings on fire."
    )
    assert _one(text).type == "looting"


def test_a_sentence_dated_another_day_is_another_incident() -> None:
    text = (
        "On Saturday 1 October 2011, border guards at Sallum found 240 automatic rifles in a lorry. "
        "On Tuesday 27 September 2011, police found eight surface-to-air missiles in a car."
    )
    assert len(_incidents(text)) == 2


def test_driving_off_with_a_camps_armour_is_looting_and_lacking_artillery_is_nothing() -> None:
    assert _one("The attackers drove off with the camp's two armoured vehicles in Aguelhok.").type == (
        "looting"
    )
    assert _incidents("Opposition fighters, who lacked artillery of their own, waited.") == []


def test_fighters_finding_a_cache_is_a_seizure_not_looting() -> None:
    text = "Fighters clearing a district of Sirte found a school basement packed with 40 Grad rockets."
    assert _one(text).type == "seizure"


def test_trucks_that_came_down_from_libya_come_from_libya() -> None:
    text = (
        "Soldiers stopped three trucks carrying 20 AK-47 rifles near Dirkou, Niger. The trucks had "
        "come down from southern Libya through the Salvador Pass."
    )
    assert _one(text).origin == "LY"


def test_a_flag_state_is_no_location() -> None:
    incident = _one(
        "HERAKLION - Greek coast guards found 30 containers of ammunition aboard the "
        "Sierra Leone-flagged Nour M off Crete."
    )
    assert incident.location == "GR"


@pytest.mark.parametrize(("town", "country"), [("Goma", "CD"), ("Pointe-Noire", "CG")])
def test_congo_is_the_congo_the_other_places_of_the_report_name(town: str, country: str) -> None:
    text = f"Smugglers moved 40 AK-47 rifles from Gabon into Congo, police in {town} said."
    assert _one(text).destination == country


def test_a_convoy_from_libya_heading_for_mali_beyond_a_dated_aside() -> None:
    text = (
        "NIAMEY - A Nigerien army patrol intercepted two pick-up trucks north of Agadez on Saturday. "
        "The vehicles were carrying 17 AKM assault rifles. Investigators believe the convoy entered "
        "Niger from southern Libya and was heading for northern Mali, where jihadist groups have "
        "regrouped since the French-led offensive of last year."
    )
    incident = _one(text)
    assert (incident.origin, incident.via, incident.destination) == ("LY", ["NE"], "ML")


def test_where_weapons_already_told_of_came_from_is_their_flow_not_another_event() -> None:
    text = (
        "A video posted on 12 May 2016 shows fighters in Aleppo displaying 24 mortar rounds. "
        "Markings identify the rounds as Bulgarian. Two suppliers told us that the rounds had "
        "reached the Aleppo groups from Saudi Arabia by way of Turkey."
    )
    incident = _one(text)
    assert (incident.origin, incident.via, incident.destination) == ("SA", ["TR"], "SY")


def test_weapons_offered_for_sale_at_a_market_are_a_sighting() -> None:
    text = "In July 2015 monitors photographed 30 Type 56 rifles offered for sale at a market in Galkayo."
    assert _one(text).type == "sighting"


def test_a_past_lawful_sale_told_as_background_is_no_incident() -> None:
    text = (
        "The FN FAL rifles were of Belgian manufacture; Belgium licensed a sale of such rifles to "
        "the Libyan government shortly before the uprising."
    )
    assert _incidents(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The government acquired three Mi-24 attack helicopters from a company based in Ukraine.",
        "Its members were planning attacks on the security forces with explosive belts.",
        "The captain said the 40 rockets would be blown up once the search was complete.",
        "Mombasa has suffered a series of grenade attacks on bars and churches.",
    ],
)
def test_attack_as_a_modifier_plans_and_series_are_no_use(text: str) -> None:
    assert all(i.type != "use" for i in _incidents(text))


@pytest.mark.parametrize(
    "text",
    [
        "The Iron Dome system intercepted the rockets over Tel Aviv.",
        "A ministry official said that no such shipment of weapons had been intercepted in Chad.",
        "The attackers withdrew into Mali, taking the captured machine guns with them.",
        "The seizure of the factory, which produced small-arms ammunition, alarmed Riyadh.",
    ],
)
def test_shot_down_denied_or_earlier_captures_are_no_seizure(text: str) -> None:
    assert all(i.type != "seizure" for i in _incidents(text))


def test_cargo_stopped_on_its_way_takes_the_destination_another_sentence_gives() -> None:
    text = (
        "NIAMEY - Nigerien soldiers intercepted two pick-up trucks loaded with 14 Kalashnikov "
        "rifles north of Dirkou on Sunday, the defence ministry said.\n\nThe ministry gave no "
        "details about the suspects.\n\nA military officer in Agadez said the trucks had come "
        "down from southern Libya and were to continue west towards northern Mali."
    )
    incident = _one(text)
    assert (incident.origin, incident.via, incident.destination) == ("LY", ["NE"], "ML")


@pytest.mark.parametrize(
    "origin_phrase",
    [
        "had been loaded in southern Algeria",
        "had been bought in Tamanrasset, Algeria",
        "had sailed from Algeria",
    ],
)
def test_where_cargo_was_loaded_bought_or_sailed_from_is_its_origin(origin_phrase: str) -> None:
    text = (
        f"Malian soldiers seized 12 AK-47 rifles from a pick-up near Gao on Monday. The vehicle "
        f"{origin_phrase}, the army said."
    )
    assert _one(text).origin == "DZ"


def test_to_continue_towards_a_country_is_a_destination() -> None:
    text = (
        "Tunisian soldiers seized 40 Kalashnikov rifles near Bir Ali Ben Khalifa on Sunday. The men "
        "had brought them from Libya and planned to move part of the stock on to Algeria."
    )
    incident = _one(text)
    assert (incident.origin, incident.destination) == ("LY", "DZ")


def test_state_inspectors_finding_cargo_bound_somewhere_is_a_seizure() -> None:
    text = (
        "JERUSALEM - Israeli inspectors at the Kerem Shalom crossing found 40 detonators hidden "
        "in a lorry bound for the Gaza Strip, the defence ministry said."
    )
    assert _one(text).type == "seizure"


def test_the_state_before_a_verb_of_receiving_is_the_buyer() -> None:
    incident = _one(
        "BAGHDAD - Iraq's defence ministry has taken delivery of five Su-25 ground-attack "
        "aircraft bought from Russia, the ministry said."
    )
    assert (incident.origin, incident.destination, incident.location) == ("RU", "IQ", "IQ")


def test_a_towns_port_is_the_town() -> None:
    text = "Customs officers impounded a container holding 661 pump-action rifles at Lagos's Tin Can port."
    incident = _one(text)
    assert (incident.location, incident.place, incident.weapons[0].category) == (
        "NG",
        "Lagos",
        "shotgun",
    )


@pytest.mark.parametrize(
    "text",
    [
        "In the bunkers at Sabha we counted dozens of empty wooden cases of the type used to ship "
        "SA-7 missiles.",
        "Officers told the Group that soldiers at an army depot in Walikale sold boxes of "
        "ammunition from its stores to an armed group.",
    ],
)
def test_empty_cases_in_a_depot_and_soldiers_selling_its_stores_are_looting(text: str) -> None:
    assert _one(text).type == "looting"


def test_an_army_garrison_captured_with_its_stores_is_looted() -> None:
    text = (
        "The SPLA said it had captured a Sudanese army garrison at Heglig with its stores, among "
        "them four T-55 tanks."
    )
    assert _one(text).type == "looting"


def test_an_attack_named_to_date_a_find_is_no_use() -> None:
    text = (
        "Chadian police raided a house in N'Djamena on Tuesday and found explosives and eight "
        "Kalashnikov rifles. He said an RPG-7 launcher was also found and that the suspects "
        "belonged to the cell behind Monday's attacks."
    )
    assert [i.type for i in _incidents(text)] == ["seizure"]


def test_a_town_then_its_country_in_apposition_keep_one_role() -> None:
    text = (
        "He said he had driven a pickup from Sebha, in southern Libya, to Agadez carrying ten "
        "Kalashnikovs hidden under dates."
    )
    incident = _one(text)
    assert (incident.origin, incident.destination, incident.location) == ("LY", "NE", "NE")


@pytest.mark.parametrize(
    "text",
    [
        "If a ship were boarded and 40 rifles found, the inspecting state may seize them.",
        "The army has not recovered the 12 T-55 tanks.",
        "There is still no public evidence that the SA-7 missiles were seized in Niger.",
        "State media said the army had recovered more than 40 tanks since February.",
    ],
)
def test_conditions_non_events_and_running_totals_are_no_seizure(text: str) -> None:
    assert _incidents(text) == []


def test_a_town_outweighs_its_hamlet_namesakes_unless_the_report_insists() -> None:
    text = "Peshmerga forces seized 1,200 detonators in Sinjar; they had come through Syria."
    assert _one(text).location == "IQ"


def test_a_bomb_workshop_is_no_policy_workshop() -> None:
    assert _one("Troops recovered detonators from an Islamic State workshop in Sinjar.").type == (
        "seizure"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("In the market behind the old bazaar in Erbil, traders sell pistols and 30 G3 rifles.", "sighting"),
        ("Exporting states should require checks on 120 mm mortar rounds they sell.", None),
        ("The sale of the 120 mm mortar rounds to Libya was licensed at the time.", None),
    ],
)
def test_markets_recommendations_and_licensed_sales(text: str, kind: str | None) -> None:
    assert [i.type for i in _incidents(text)] == ([kind] if kind else [])


@pytest.mark.parametrize(
    "text",
    [
        "Kurdish fighters destroyed an armoured truck bomb with an anti-tank missile near Makhmour.",
        "Several Grad rockets struck Tripoli airport on Monday, destroying most of the aircraft.",
    ],
)
def test_a_target_destroyed_by_a_weapon_is_its_use(text: str) -> None:
    assert [i.type for i in _incidents(text)] == ["use"]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("On 20 April France handed over 48 MILAN anti-tank missiles at the Beirut air base.", ["transfer"]),
        (
            "Rebel fighters in Dumayr, north-east of Damascus, handed 40 tanks to the Syrian army.",
            ["collection"],
        ),
        ("Citizens are encouraged to surrender illegal firearms during the amnesty.", []),
    ],
)
def test_a_state_handing_over_delivers_fighters_surrender(text: str, kinds: list[str]) -> None:
    assert [i.type for i in _incidents(text)] == kinds


def test_weapons_found_and_destroyed_on_the_spot_are_two_events() -> None:
    text = "French troops found a cache of 15 mortar shells near Aguelhok and destroyed it on the spot."
    assert [i.type for i in _incidents(text)] == ["seizure", "destruction"]


def test_this_ammunition_brought_from_elsewhere_is_the_backstory_of_the_first_sighting() -> None:
    text = (
        "During a visit to Bambari, the Panel observed fighters carrying 30 Type 56-1 assault "
        "rifles and photographed boxes of 7.62 mm ammunition. Headstamps indicate manufacture "
        "in Sudan. Two commanders told the Panel that this ammunition had been brought from "
        "Nyala, in Sudan, through Chad, and delivered to Bambari earlier in the year."
    )
    incident = _one(text)
    assert (incident.type, incident.origin, incident.via) == ("sighting", "SD", ["TD"])


def test_armour_and_ammunition_unloaded_with_nothing_illicit_said_is_a_transfer() -> None:
    text = "A Turkish cargo ship unloaded 12 armoured vehicles and ammunition at Misrata port on 21 May."
    assert _one(text).type == "transfer"


def test_a_ship_that_docked_and_unloaded_ended_its_voyage_there() -> None:
    text = (
        "The vessel docked at Tripoli's port on 29 January and unloaded 12 armoured vehicles. "
        "The ship had left the Turkish port of Mersin several days earlier."
    )
    incident = _one(text)
    assert (incident.via, incident.destination, incident.location) == ([], "LY", "LY")


def test_no_transit_repeats_an_end_of_the_flow() -> None:
    for incident in _incidents(
        "Omani traders drove 40 rifles from Oman through Oman into Yemen, where police seized them."
    ):
        assert not set(incident.via) & {incident.origin, incident.destination}


def test_rockets_fired_from_a_place_did_not_come_from_it() -> None:
    text = (
        "Two rockets fired from Syria struck the Lebanese border town of Hermel on Sunday, "
        "wounding a child, security sources said."
    )
    incident = _one(text)
    assert (incident.type, incident.location, incident.origin) == ("use", "LB", None)


def test_cargo_meant_for_fighters_across_the_border_goes_to_their_country() -> None:
    text = (
        "Gendarmes found thirty Kalashnikov rifles in a pickup at a checkpoint at Mora. The "
        "prosecution said the cargo had been bought in Chad and driven through Kousseri, and that "
        "it was meant for Boko Haram fighters across the border in Nigeria."
    )
    incident = _one(text)
    assert (incident.origin, incident.via, incident.destination) == ("TD", ["CM"], "NG")


def test_the_cargo_named_again_tells_its_journey_not_another_event() -> None:
    text = (
        "Nigerien soldiers intercepted a pick-up truck near Agadez carrying twelve Kalashnikov "
        "rifles. The driver told investigators that he had loaded the cargo in southern Libya and "
        "was to deliver it to a buyer in the Gao region of Mali."
    )
    incident = _one(text)
    assert (incident.type, incident.origin, incident.via, incident.destination) == (
        "seizure",
        "LY",
        ["NE"],
        "ML",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Three traders were jailed on Monday for supplying 12,000 rounds of ammunition to Boko "
        "Haram fighters near Baga in March 2015.",
        "The three men smuggled and sold twelve Kalashnikov rifles to a militia in Zawiya in "
        "March 2014.",
    ],
)
def test_private_dealers_supplying_weapons_is_trafficking(text: str) -> None:
    assert _one(text).type == "trafficking"


def test_a_state_supplying_weapons_is_a_transfer() -> None:
    assert _one("Qatar supplied 40 MILAN missiles to rebels in Benghazi in April 2011.").type == (
        "transfer"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Islamic State has fired rockets and mortars at Peshmerga positions south of Kirkuk "
        "several times this year.",
        "Hezbollah fighters have used anti-tank missiles against Israeli armour repeatedly.",
    ],
)
def test_habits_are_not_one_event(text: str) -> None:
    assert _incidents(text) == []


def test_a_plane_that_stopped_to_refuel_was_not_stopped_by_anyone() -> None:
    text = (
        "A Czech military transport plane landed in Erbil on Thursday with ammunition donated by "
        "the Czech Republic to Kurdish forces. The aircraft, which stopped to refuel in Larnaca, "
        "Cyprus, carried some 10 million rounds of ammunition."
    )
    incident = _one(text)
    assert (incident.type, incident.via, incident.destination) == ("transfer", ["CY"], "IQ")


def test_buyers_from_a_country_take_the_weapons_there() -> None:
    text = "In Sabha a trader sold thirty Kalashnikovs to Tuareg buyers from Niger last month."
    incident = _one(text)
    assert incident.destination == "NE" and incident.origin != "NE"


def test_a_search_that_finds_weapons_is_a_seizure() -> None:
    text = (
        "On Sunday morning officers at a routine checkpoint near Agadez searched two vehicles bound "
        "for Zinder and found forty-two firearms packed inside loudspeaker cabinets."
    )
    assert _one(text).type == "seizure"


def test_monitors_who_found_that_something_is_true_seized_nothing() -> None:
    text = (
        "The monitors found that the serial numbers of 300 rifles delivered to Mogadishu did not "
        "match the lists held at the armoury."
    )
    assert all(i.type != "seizure" for i in _incidents(text))


def test_an_organised_shipment_with_nothing_illicit_said_is_a_transfer() -> None:
    text = (
        "Libyan former revolutionaries organised shipments of rifles and ammunition for the "
        "Syrian opposition in 2012, which were unloaded at ports in southern Turkey."
    )
    assert _one(text).type == "transfer"


def test_a_panel_inspecting_the_seized_cargo_later_is_the_same_seizure() -> None:
    text = (
        "On 18 June 2015 the Puntland Maritime Police Force intercepted a dhow off Qandala. The "
        "Monitoring Group inspected the cargo in Bosaso on 20 June and recorded 50 AKM rifles and "
        "20 boxes of ammunition."
    )
    incident = _one(text)
    assert incident.type == "seizure" and {w.category for w in incident.weapons} >= {
        "assault_rifle"
    }


def test_attackers_who_made_off_with_a_posts_weapons_looted_them() -> None:
    text = (
        "The gunmen who attacked an army post at Nassoumbou on Friday made off with the "
        "detachment's weapons, including two heavy machine guns and its stock of ammunition."
    )
    assert _one(text).type == "looting"


def test_rebels_who_seized_a_divisions_stores_looted_them() -> None:
    text = (
        "Opposition forces seized the division's stores intact at Bentiu in December 2013, "
        "including tanks, artillery pieces and large quantities of ammunition."
    )
    assert _one(text).type == "looting"


def test_where_a_rocket_was_fired_is_no_destination_of_weapons() -> None:
    text = "Militants in the Gaza Strip fired a Grad rocket into southern Israel on Saturday."
    assert _one(text).destination is None


def test_the_lorry_named_again_tells_where_the_seized_load_came_from() -> None:
    text = (
        "Kenyan police in Moyale intercepted a lorry carrying 4,500 rounds of ammunition on "
        "Monday. The lorry had crossed from Ethiopia in the morning and was stopped at a police "
        "roadblock on the southern edge of town."
    )
    incident = _one(text)
    assert (incident.type, incident.origin, incident.location) == ("seizure", "ET", "KE")


def test_a_flow_phrase_reaches_over_a_noun_phrase() -> None:
    text = (
        "Nigerien soldiers intercepted a convoy of pick-up trucks loaded with weapons near "
        "Iferouane on Sunday, adding that the vehicles had set out from the Libyan town of Ubari "
        "and were heading for rebel-held areas of northern Mali."
    )
    incident = _one(text)
    assert (incident.origin, incident.via, incident.destination) == ("LY", ["NE"], "ML")


def test_the_day_a_statement_was_read_does_not_split_the_event() -> None:
    text = (
        "Nigerien soldiers intercepted a convoy loaded with weapons near Iferouane on Sunday. "
        "According to the ministry's statement, read on state television on Tuesday evening, the "
        "patrol recovered two DShK heavy machine guns and about thirty Kalashnikov rifles."
    )
    incident = _one(text)
    assert (incident.type, str(incident.date)) == ("seizure", "2013-03-10")
    assert {w.category for w in incident.weapons} >= {"heavy_machine_gun", "assault_rifle"}


def test_weapons_handed_out_are_given_not_surrendered() -> None:
    text = "In March the government handed out 2,000 rifles to youth militias in Abidjan."
    assert _one(text).type == "transfer"


def test_where_a_spokesman_spoke_is_not_where_it_happened() -> None:
    text = (
        "A patrol found a cache of 200 mortar bombs on Tuesday near In Tebezas, west of Kidal, a "
        "spokesman for the operation said in Paris."
    )
    assert _one(text).location == "ML"


def test_engineers_blowing_up_a_cache_in_controlled_detonations_destroyed_it() -> None:
    text = (
        "Army engineers near Kidal blew up 200 mortar bombs and eighteen 122 mm rockets in a series "
        "of controlled detonations on Wednesday."
    )
    assert _one(text).type == "destruction"


def test_a_risk_or_a_promise_is_no_event() -> None:
    text = (
        "But without records, the convention's promise that every weapon in Mali can be traced "
        "will remain a promise."
    )
    assert _incidents(text) == []


def test_arms_counted_in_hundreds_of_thousands_in_someones_hands_are_holdings() -> None:
    text = (
        "Some 350,000 illicit small arms were in the hands of non-state actors in Nigeria at the "
        "end of October 2016, according to the committee's records."
    )
    assert _one(text).type == "stockpile"


@pytest.mark.parametrize(
    "text",
    [
        "Trace requests have been sent to the manufacturing states of the 40 rifles.",
        "Officials in Bamako say the price of a Kalashnikov has risen, which suggests supply has "
        "tightened.",
    ],
)
def test_paperwork_and_supply_as_a_system_are_no_delivery(text: str) -> None:
    assert all(i.type != "transfer" for i in _incidents(text))


def test_weapons_listed_after_a_find_told_without_them_belong_to_it() -> None:
    text = (
        "Troops of the State Security Service raided a house in Kano on the night of 27 May. "
        "Soldiers testified that they had broken through a concrete floor and reached an "
        "underground bunker. An inventory read into the record listed 11 rocket launchers and "
        "four anti-tank mines."
    )
    assert _one(text).type == "seizure"


def test_weapons_for_fighters_fighting_somewhere_go_there() -> None:
    text = (
        "Algerian soldiers dug up a cache of twenty assault rifles near Bordj Badji Mokhtar last "
        "Saturday; officials believe the weapons had been carried up from Libya through Niger for "
        "jihadist groups fighting in the north of Mali."
    )
    incident = _one(text)
    assert (incident.origin, incident.destination) == ("LY", "ML")


def test_supplies_for_a_group_in_a_country_may_be_bought_there() -> None:
    text = "A man accused of buying 40 rifles for the group in Chad was arrested at Waza."
    assert _one(text).destination != "TD"


def test_weapons_taken_into_a_states_custody_are_not_sent_there() -> None:
    text = (
        "USS Sirocco intercepted a dhow in the Arabian Sea carrying 1,500 AK-47 rifles. The "
        "weapons have been transferred into US custody. The shipment originated in Iran and was "
        "destined for the Houthis in Yemen."
    )
    assert _one(text).destination == "YE"


def test_the_report_level_origin_brings_the_route_its_sentence_gives() -> None:
    text = (
        "Algerian troops found twenty rifles and four SA-7 missiles near In Guezzam on Sunday. "
        "The army gave no further details. Nobody was arrested at the site. A security source "
        "said the weapons had come from Libya through northern Niger."
    )
    incident = _one(text)
    assert (incident.origin, incident.via) == ("LY", ["NE"])


def test_weapons_carried_out_of_a_fallen_barracks_were_looted() -> None:
    text = (
        "Boko Haram fighters attacked the army barracks at Mubi on Wednesday. Soldiers exchanged "
        "fire with them for a few hours, then withdrew. Residents said the fighters spent the "
        "afternoon carrying armoured vehicles and crates of ammunition out of the barracks."
    )
    assert "looting" in {i.type for i in _incidents(text)}


def test_word_sets_match_phrases_as_well_as_words() -> None:
    from armtrace.reports.pipeline.cues import load_cues

    book = load_cues()
    assert book.said("store_taken", "videos filmed the day it fell show".split())
    assert book.said("store_taken", "fighters overran the post".split())
    assert not book.said("store_taken", "the day it rained".split())


def test_weapons_shown_in_a_base_on_the_day_it_fell_were_looted() -> None:
    text = (
        "Videos filmed inside the Menagh airbase on the day it fell show at least three ZU-23-2 "
        "anti-aircraft guns, two T-55 tanks and boxes of ammunition in rebel hands."
    )
    assert _one(text).type == "looting"


@pytest.mark.parametrize(
    "text",
    [
        "Soldiers complained that they had been sent into battle with too little ammunition.",
        "The Group has previously documented cases in which soldiers sold rifles to armed groups.",
    ],
)
def test_troops_sent_and_cases_recalled_are_no_delivery(text: str) -> None:
    assert all(i.type != "transfer" for i in _incidents(text))


@pytest.mark.parametrize(
    "text",
    [
        "Ammunition appears to be in shorter supply among the armed groups than rifles.",
        "They said the load of 40 rifles was to be sold in Upper Egypt.",
        "You can buy a Kalashnikov in any market in Sanaa for 400 dollars.",
    ],
)
def test_supply_in_short_supply_and_sales_to_come_are_no_delivery(text: str) -> None:
    assert all(i.type != "transfer" or i.modality != "asserted" for i in _incidents(text, asserted=False))


def test_where_weapons_were_manufactured_is_neither_origin_nor_place() -> None:
    text = (
        "Iraqi forces found 300 mortar rounds and 1,500 detonators in a workshop in Mosul on "
        "Tuesday. The detonators are of a type manufactured in India."
    )
    incident = _one(text)
    assert (incident.location, incident.origin) == ("IQ", None)


def test_fighters_carrying_weapons_at_a_checkpoint_are_seen_armed() -> None:
    text = (
        "On 28 April our researchers in Boda watched anti-balaka fighters at the checkpoint on "
        "the Bangui road carrying home-made shotguns and at least three AK-47 rifles."
    )
    assert _one(text).type == "sighting"


def test_fighters_carrying_weapons_across_a_border_traffic_them() -> None:
    text = "Fighters carrying 40 rifles crossed the border from Libya into Niger last week."
    assert _one(text).type == "trafficking"


def test_heading_for_a_countrys_frontier_is_heading_for_that_country() -> None:
    text = (
        "Libyan border guards intercepted three pick-up trucks loaded with rifles south of "
        "Ghadames on Monday, as the vehicles headed for the Tunisian frontier."
    )
    assert _one(text).destination == "TN"


def test_a_bound_near_a_countrys_border_is_no_destination() -> None:
    text = "Soldiers seized 40 rifles near the Libyan border south of Djanet on Monday."
    assert _one(text).destination != "LY"

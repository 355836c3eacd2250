"""Named-actor index on the shipped data/actors.yaml."""

from __future__ import annotations

import pytest

from armtrace.reference.actors import KINDS, ActorIndex, load_actors
from armtrace.reference.places import load_gazetteer


@pytest.fixture(scope="module")
def actors() -> ActorIndex:
    return load_actors()


@pytest.mark.parametrize(
    ("surface", "actor_id"),
    [
        ("AQIM", "aqim"),
        ("al-Qaeda in the Islamic Maghreb", "aqim"),
        ("Al-Qaida in the Islamic Maghreb", "aqim"),
        ("Al Qaeda in the Islamic Maghreb", "aqim"),
        ("GSPC", "aqim"),
        ("Salafist Group for Preaching and Combat", "aqim"),
        ("MUJAO", "mujao"),
        ("MOJWA", "mujao"),
        ("Movement for Oneness and Jihad in West Africa", "mujao"),
        ("Ansar Dine", "ansar_dine"),
        ("Ansar Eddine", "ansar_dine"),
        ("Ansar al-Din", "ansar_dine"),
        ("MNLA", "mnla"),
        ("National Movement for the Liberation of Azawad", "mnla"),
        ("JNIM", "jnim"),
        ("Al-Mourabitoun", "al_mourabitoun"),
        ("Boko Haram", "boko_haram"),
        ("ISWAP", "iswap"),
        ("ISIL", "isil"),
        ("ISIS", "isil"),
        ("Islamic State", "isil"),
        ("IS", "isil"),
        ("Daesh", "isil"),
        ("Islamic State of Iraq and the Levant", "isil"),
        ("Islamic State Sinai Province", "is_sinai"),
        ("Ansar Bayt al-Maqdis", "is_sinai"),
        ("Wilayat Sinai", "is_sinai"),
        ("Hamas", "hamas"),
        ("Izz ad-Din al-Qassam Brigades", "hamas"),
        ("Palestinian Islamic Jihad", "pij"),
        ("Hezbollah", "hezbollah"),
        ("Hizballah", "hezbollah"),
        ("al-Shabaab", "al_shabaab"),
        ("Houthis", "houthis"),
        ("the Houthis", "houthis"),
        ("Ansar Allah", "houthis"),
        ("LNA", "lna"),
        ("Libyan National Army", "lna"),
        ("GNA", "gna"),
        ("RSF", "rsf"),
        ("Rapid Support Forces", "rsf"),
        ("Janjaweed", "rsf"),
        ("Wagner Group", "wagner"),
        ("Wagner", "wagner"),
        ("Free Syrian Army", "fsa"),
        ("FSA", "fsa"),
        ("Jabhat al-Nusra", "nusra"),
        ("al-Nusra Front", "nusra"),
        ("Nusra Front", "nusra"),
        ("Ansar al-Sharia", "ansar_sharia_ly"),
        ("Polisario Front", "polisario"),
        ("JEM", "jem"),
        ("Justice and Equality Movement", "jem"),
        ("SLA", "sla"),
        ("Operation Serval", "operation_serval"),
        ("MINUSMA", "minusma"),
        ("EUBAM Libya", "eubam_libya"),
        ("Frontex", "frontex"),
    ],
)
def test_lookup(actors: ActorIndex, surface: str, actor_id: str) -> None:
    actor = actors.lookup(surface)
    assert actor is not None, surface
    assert actor.id == actor_id


def test_spelling_tolerance(actors: ActorIndex) -> None:
    assert actors.lookup("al Qaeda").id == actors.lookup("Al-Qaeda").id == "al_qaeda"
    assert actors.lookup("AL-QAEDA").id == "al_qaeda"  # all-caps headline
    assert actors.lookup("  Boko   Haram ").id == "boko_haram"


def test_acronyms_match_only_as_written(actors: ActorIndex) -> None:
    assert actors.lookup("is") is None
    assert actors.lookup("Is") is None
    assert actors.lookup("Rsf") is None
    assert actors.lookup("aqim") is None


def test_case_is_kept_for_names(actors: ActorIndex) -> None:
    # "an Islamic state" is an aim, not the group.
    assert actors.lookup("Islamic state") is None
    assert actors.lookup("islamic state") is None


def test_unknown_and_countries(actors: ActorIndex) -> None:
    assert actors.lookup("Tuareg rebels") is None
    for country in ("France", "Qatar", "United Arab Emirates", "UAE"):
        assert actors.lookup(country) is None, "countries come from the gazetteer"


def test_every_actor_is_complete(actors: ActorIndex) -> None:
    gaz = load_gazetteer()
    seen = list(actors)
    assert len(seen) >= 30
    for actor in seen:
        assert actor.id and actor.name and actor.cite, actor
        assert actor.kind in KINDS, actor
        assert actor.country is None or gaz.is_known_country(actor.country), actor
        assert actors.get(actor.id) is actor
        assert actors.lookup(actor.name) is actor
        for alias in actor.aliases:
            assert actors.lookup(alias) is actor, alias


def test_un_listed_groups_cite_their_reference(actors: ActorIndex) -> None:
    for actor_id, ref in [
        ("aqim", "QDe.014"),
        ("mujao", "QDe.134"),
        ("ansar_dine", "QDe.135"),
        ("isil", "QDe.115"),
        ("nusra", "QDe.137"),
    ]:
        assert ref in actors.get(actor_id).cite


def test_names_and_max_words(actors: ActorIndex) -> None:
    names = list(actors.names())
    assert "AQIM" in names and "Janjaweed" in names and "al-Qaeda in the Islamic Maghreb" in names
    assert len(names) == len(set(names))
    assert actors.max_words == max(len(n.split()) for n in names)
    with pytest.raises(KeyError):
        actors.get("no_such_actor")

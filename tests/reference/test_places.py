"""Gazetteer behaviour on the shipped data (countries.tsv, regions.yaml, places.tsv.gz)."""

from __future__ import annotations

import gzip

import pytest
import yaml

from armtrace.reference.places import (
    DATA_DIR,
    Gazetteer,
    Place,
    fold,
    load_gazetteer,
    load_stopwords,
    read_countries,
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def best(gaz: Gazetteer, surface: str) -> Place:
    hits = gaz.lookup(surface)
    assert hits, f"{surface!r} does not resolve"
    return hits[0]


@pytest.mark.parametrize(
    ("surfaces", "country"),
    [
        (["Sollum", "Salloum", "As Sallum"], "EG"),
        (["Marsa Matrouh", "Mersa Matruh", "Marsa Matruh"], "EG"),
        (["Kufra", "Al Kufrah"], "LY"),
        (["Benghazi", "Misrata", "Misurata", "Sirte", "Sirt", "Zintan", "Sabha", "Sebha"], "LY"),
        (["Ubari", "Awbari", "Ghat", "Tobruk", "Derna", "Tripoli"], "LY"),
        (["El Arish", "Al Arish", "Sheikh Zuweid"], "EG"),
        (["Gao", "Kidal", "Timbuktu", "Tombouctou", "Tessalit", "Menaka", "Ménaka"], "ML"),
        (["Agadez", "Arlit", "Niamey", "Dirkou"], "NE"),
        (["N'Djamena", "N’Djamena"], "TD"),
        (["Khartoum", "El Fasher", "Al Fashir", "Nyala", "Geneina", "Port Sudan"], "SD"),
        (["Tamanrasset", "In Amenas", "Djanet"], "DZ"),
        (["Kasserine", "Ben Gardane"], "TN"),
        (["Homs", "Aleppo", "Idlib", "Raqqa", "Tartus", "Latakia"], "SY"),
        (["Antakya", "Gaziantep", "Reyhanli", "Reyhanlı"], "TR"),
        (["Paris"], "FR"),
        (["Moscow"], "RU"),
        (["Kyiv"], "UA"),
        (["Doha"], "QA"),
    ],
)
def test_towns_resolve_to_their_country(gaz: Gazetteer, surfaces: list[str], country: str) -> None:
    for surface in surfaces:
        place = best(gaz, surface)
        assert (place.country, place.kind) == (country, "town"), surface
        assert place.lat is not None and place.lon is not None
        assert place.cite.startswith(("GeoNames ", "places_extra.yaml: "))


def test_rafah_is_in_egypt_and_palestine(gaz: Gazetteer) -> None:
    hits = gaz.lookup("Rafah")
    assert {p.country for p in hits} >= {"EG", "PS"}
    assert all(p.kind == "town" for p in hits)
    assert [p.population for p in hits] == sorted((p.population for p in hits), reverse=True)


def test_tripoli_prefers_the_libyan_capital(gaz: Gazetteer) -> None:
    hits = gaz.lookup("Tripoli")
    assert [p.country for p in hits[:2]] == ["LY", "LB"]


def test_madama_niger_is_an_added_place(gaz: Gazetteer) -> None:
    madama = [p for p in gaz.lookup("Madama") if p.country == "NE"]
    assert madama and madama[0].cite.startswith("places_extra.yaml: ")


def test_diacritics_and_apostrophes_fold(gaz: Gazetteer) -> None:
    assert gaz.lookup("Misrātah") == gaz.lookup("Misratah") == gaz.lookup("Misrata")
    assert gaz.lookup("N’Djamena") == gaz.lookup("N'Djamena")
    assert gaz.lookup("  Port   Sudan ") == gaz.lookup("Port Sudan")


def test_lookup_is_case_sensitive(gaz: Gazetteer) -> None:
    assert gaz.lookup("gao") == []
    assert gaz.lookup("LIBYA") == []


@pytest.mark.parametrize(
    ("surface", "iso2"),
    [
        ("Libya", "LY"),
        ("Syria", "SY"),
        ("Iran", "IR"),
        ("Russia", "RU"),
        ("Palestine", "PS"),
        ("State of Palestine", "PS"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Libyan Arab Jamahiriya", "LY"),
        ("Arab Republic of Egypt", "EG"),
        ("Egypt", "EG"),
        ("US", "US"),
        ("United States", "US"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("UAE", "AE"),
        ("Niger", "NE"),
        ("Nigeria", "NG"),
        ("Chad", "TD"),
        ("Mali", "ML"),
        ("Jordan", "JO"),
        ("Türkiye", "TR"),
        ("DRC", "CD"),
        ("the Netherlands", "NL"),
        ("The Gambia", "GM"),
    ],
)
def test_countries(gaz: Gazetteer, surface: str, iso2: str) -> None:
    place = best(gaz, surface)
    assert (place.kind, place.country) == ("country", iso2)
    assert place == gaz.country(iso2)


def test_country_accessors(gaz: Gazetteer) -> None:
    assert gaz.country_name("LY") == "Libya"
    assert gaz.country_name("PS") == "Palestine"
    assert gaz.country("ly").name == "Libya"
    assert gaz.is_known_country("NE") and not gaz.is_known_country("XX")
    with pytest.raises(KeyError):
        gaz.country("XX")


def test_every_iso_country_has_name_point_and_cite() -> None:
    import pycountry  # a development dependency check: the shipped table covers ISO 3166-1

    rows = read_countries()
    assert {r["iso2"] for r in rows} == {c.alpha_2 for c in pycountry.countries}
    for row in rows:
        assert row["name"] and row["cite"], row
        lat, lon = float(row["lat"]), float(row["lon"])
        assert -90 <= lat <= 90 and -180 <= lon <= 180, row


@pytest.mark.parametrize(
    ("surface", "iso2"),
    [
        ("Libyan", "LY"),
        ("Libyans", "LY"),
        ("Malian", "ML"),
        ("Nigerien", "NE"),
        ("Nigerian", "NG"),
        ("Chadian", "TD"),
        ("Egyptian", "EG"),
        ("Algerian", "DZ"),
        ("Tunisian", "TN"),
        ("Sudanese", "SD"),
        ("South Sudanese", "SS"),
        ("Syrian", "SY"),
        ("Qatari", "QA"),
        ("French", "FR"),
        ("Frenchmen", "FR"),
        ("Emirati", "AE"),
        ("Palestinian", "PS"),
        ("Israeli", "IL"),
        ("Lebanese", "LB"),
        ("Iranian", "IR"),
        ("Turkish", "TR"),
        ("Saudi", "SA"),
        ("Saudis", "SA"),
        ("Russian", "RU"),
        ("Ukrainian", "UA"),
        ("Belgian", "BE"),
        ("Bulgarian", "BG"),
        ("Chinese", "CN"),
        ("American", "US"),
        ("British", "GB"),
        ("Mauritanian", "MR"),
        ("Burkinabe", "BF"),
        ("Burkinabè", "BF"),
        ("Somali", "SO"),
        ("Yemeni", "YE"),
        ("Iraqi", "IQ"),
        ("Jordanian", "JO"),
        ("Swiss", "CH"),
    ],
)
def test_demonyms(gaz: Gazetteer, surface: str, iso2: str) -> None:
    assert gaz.demonym(surface) == iso2


def test_demonyms_are_not_places(gaz: Gazetteer) -> None:
    for surface in ("Libyan", "Malian", "Nigerien", "Egyptian", "Palestinian"):
        assert gaz.lookup(surface) == [], surface
    assert gaz.demonym("Libya") is None
    assert gaz.demonym("Weapons") is None


@pytest.mark.parametrize(
    ("surface", "name", "country"),
    [
        ("Sinai", "Sinai Peninsula", "EG"),
        ("North Sinai", "North Sinai Governorate", "EG"),
        ("South Sinai", "South Sinai Governorate", "EG"),
        ("Darfur", "Darfur", "SD"),
        ("North Darfur", "North Darfur", "SD"),
        ("Fezzan", "Fezzan", "LY"),
        ("Cyrenaica", "Cyrenaica", "LY"),
        ("Tripolitania", "Tripolitania", "LY"),
        ("Azawad", "Azawad", "ML"),
        ("Kidal Region", "Kidal Region", "ML"),
        ("Gaza Strip", "Gaza Strip", "PS"),
        ("the Gaza Strip", "Gaza Strip", "PS"),
        ("West Bank", "West Bank", "PS"),
        ("Jebel Nafusa", "Nafusa Mountains", "LY"),
        ("Air Mountains", "Aïr Mountains", "NE"),
        ("Adrar des Ifoghas", "Adrar des Ifoghas", "ML"),
        ("Tibesti", "Tibesti Mountains", "TD"),
        ("Golan Heights", "Golan Heights", "SY"),
        ("Kurdistan Region", "Kurdistan Region", "IQ"),
        ("Idlib province", "Idlib Governorate", "SY"),
    ],
)
def test_regions(gaz: Gazetteer, surface: str, name: str, country: str) -> None:
    place = best(gaz, surface)
    assert (place.kind, place.name, place.country) == ("region", name, country)
    assert place.cite.startswith("regions.yaml: ")


@pytest.mark.parametrize("surface", ["Sahel", "the Sahel", "Sahara", "Lake Chad", "Liptako-Gourma"])
def test_multi_country_regions_have_no_country(gaz: Gazetteer, surface: str) -> None:
    place = best(gaz, surface)
    assert (place.kind, place.country) == ("region", None)


def test_gaza_alone_is_palestinian(gaz: Gazetteer) -> None:
    hits = gaz.lookup("Gaza")
    assert hits[0].kind == "region" and hits[0].name == "Gaza Strip"
    assert {p.country for p in hits} == {"PS"}
    assert any(p.kind == "town" for p in hits)  # Gaza City


def test_region_names_are_not_towns(gaz: Gazetteer) -> None:
    for surface in ("Sahara", "Darfur", "Sinai", "Fezzan", "Azawad"):
        assert all(p.kind == "region" for p in gaz.lookup(surface)), surface


def test_every_region_has_cite_and_point() -> None:
    regions = yaml.safe_load((DATA_DIR / "regions.yaml").read_text(encoding="utf-8"))["regions"]
    assert len(regions) >= 40
    for region in regions:
        assert region["kind"] == "region" and region["cite"], region
        assert -90 <= region["lat"] <= 90 and -180 <= region["lon"] <= 180, region


def test_stopwords_never_resolve(gaz: Gazetteer) -> None:
    words = [w for w in (DATA_DIR / "place_stopwords.txt").read_text().split() if w[0] != "#"]
    stop = load_stopwords()
    assert len(stop) > 100
    for word in words:
        assert all(p.kind != "town" for p in gaz.lookup(word)), word
    for word in ("Police", "Army", "Border", "March", "May", "Sunday", "Said", "Man", "Bar", "Air"):
        assert gaz.lookup(word) == [], word


def test_town_alternates_do_not_name_other_countries(gaz: Gazetteer) -> None:
    # GeoNames has a "Mali" in Guinea and "Benin" for Benin City; neither may shadow the country.
    assert [p.kind for p in gaz.lookup("Mali")] == ["country"]
    assert all(p.country == "BJ" for p in gaz.lookup("Benin"))


def test_shipped_towns_already_pass_the_name_filter(gaz: Gazetteer) -> None:
    # build_places applies the same filter; a mismatch means the data needs regenerating.
    with gzip.open(DATA_DIR / "places.tsv.gz", "rt", encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")][1:]
    assert len(lines) > 15000
    indexed = set(gaz.names())
    for line in lines[::50]:
        alternates = line.rstrip("\n").split("\t")[6]
        for alt in filter(None, alternates.split("|")):
            assert alt in indexed, alt


def test_max_words_and_names(gaz: Gazetteer) -> None:
    names = set(gaz.names())
    assert {"Libya", "Benghazi", "Gaza Strip", "Sahel", "Côte d'Ivoire"} <= names
    assert "Libyan" not in names
    assert gaz.max_words == max(len(n.split()) for n in names)
    assert 3 <= gaz.max_words <= 8


def test_fold() -> None:
    assert fold("Tombouctou") == "Tombouctou"
    assert fold("N’Djamena") == "N'Djamena"
    assert fold("Marsá Maţrūḩ") == "Marsa Matruh"
    assert fold("Reyhanlı") == "Reyhanli"
    assert fold(" Dar‘ā ") == "Dar'a"


def test_a_capital_is_known_by_the_geonames_record_its_country_takes_its_point_from() -> None:
    gazetteer = load_gazetteer()
    ankara, benghazi = gazetteer.lookup("Ankara")[0], gazetteer.lookup("Benghazi")[0]
    assert gazetteer.is_capital(ankara)
    assert not gazetteer.is_capital(benghazi)
    assert not gazetteer.is_capital(gazetteer.lookup("Turkey")[0])

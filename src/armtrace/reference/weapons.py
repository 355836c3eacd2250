"""The weapon taxonomy: models and aliases to category and calibre, generic phrases to category."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from armtrace.vocabulary import WEAPON_CATEGORIES


@dataclass(frozen=True, slots=True)
class WeaponModel:
    name: str
    category: str
    calibre: str | None
    aliases: tuple[str, ...]
    cite: str


@dataclass(frozen=True, slots=True)
class WeaponTerm:
    """What a surface form means: a model (with its category) or a bare category."""

    surface: str
    category: str
    model: str | None


class Taxonomy:
    def __init__(
        self, models: list[WeaponModel], generic: dict[str, list[str]], not_weapons: list[str]
    ) -> None:
        self.models = {m.name: m for m in models}
        self.not_weapons = tuple(not_weapons)
        self._terms: dict[str, WeaponTerm] = {}  # by lower case, for look-ups
        self._written: dict[str, WeaponTerm] = {}  # every spelling as written ("MILAN" and "Milan")
        for category, phrases in generic.items():
            for phrase in phrases:
                self._add(WeaponTerm(phrase, category, None))
        # Models after generic phrases: a model alias always wins over a generic reading.
        for model in models:
            for alias in (model.name, *model.aliases):
                self._add(WeaponTerm(alias, model.category, model.name))

    def _add(self, term: WeaponTerm) -> None:
        # later entries win: a model alias always beats a generic reading of the same words
        self._terms[term.surface.lower()] = term
        self._written[term.surface] = term

    def term(self, surface: str) -> WeaponTerm | None:
        return self._terms.get(surface.lower())

    def terms(self) -> Iterator[WeaponTerm]:
        """Every spelling as written, with what it means."""
        return iter(self._written.values())

    def category_of(self, model: str) -> str:
        return self.models[model].category


def _validate(models: list[WeaponModel], generic: dict[str, list[str]]) -> None:
    for category in [m.category for m in models] + list(generic):
        if category not in WEAPON_CATEGORIES:
            raise ValueError(f"weapons.yaml: unknown category {category!r}")


@cache
def load_taxonomy() -> Taxonomy:
    raw = yaml.safe_load(
        resources.files("armtrace.reference").joinpath("data/weapons.yaml").read_text()
    )
    models = [
        WeaponModel(
            name=m["name"],
            category=m["category"],
            calibre=m.get("calibre"),
            aliases=tuple(str(a) for a in m.get("aliases", [])),
            cite=m["cite"],
        )
        for m in raw["models"]
    ]
    generic = {k: [str(p) for p in v] for k, v in raw["generic"].items()}
    _validate(models, generic)
    return Taxonomy(models, generic, [str(p) for p in raw.get("not_weapons", [])])

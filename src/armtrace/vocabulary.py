"""The shared words of armtrace, in one place.

They are an interface (see domain.md): exports, `armtrace extract` and the evaluation use exactly these
strings, so nothing else in the package spells them out.
"""

from __future__ import annotations

INCIDENT_TYPES: tuple[str, ...] = (
    "seizure",
    "trafficking",
    "transfer",
    "looting",
    "use",
    "sighting",
    "stockpile",
    "collection",
    "destruction",
)

WEAPON_CATEGORIES: tuple[str, ...] = (
    "pistol",
    "rifle",
    "assault_rifle",
    "submachine_gun",
    "machine_gun",
    "heavy_machine_gun",
    "sniper_rifle",
    "shotgun",
    "grenade_launcher",
    "rocket_launcher",
    "recoilless_rifle",
    "atgm",
    "manpads",
    "mortar",
    "anti_aircraft_gun",
    "artillery",
    "artillery_rocket",
    "artillery_shell",
    "ammunition",
    "grenade",
    "landmine",
    "explosive",
    "armoured_vehicle",
    "aircraft",
    "other",
    "unspecified",
)

# Coarse groups follow the UN definitions used by the ITI (small arms / light weapons) with ammunition
# and explosives, and heavier items, beside them. The evaluation scores facts at both levels.
CATEGORY_GROUPS: dict[str, str] = {
    "pistol": "small_arms",
    "rifle": "small_arms",
    "assault_rifle": "small_arms",
    "submachine_gun": "small_arms",
    "machine_gun": "small_arms",
    "sniper_rifle": "small_arms",
    "shotgun": "small_arms",
    "heavy_machine_gun": "light_weapons",
    "grenade_launcher": "light_weapons",
    "rocket_launcher": "light_weapons",
    "recoilless_rifle": "light_weapons",
    "atgm": "light_weapons",
    "manpads": "light_weapons",
    "mortar": "light_weapons",
    "anti_aircraft_gun": "light_weapons",
    "artillery_rocket": "ammunition_explosives",
    "artillery_shell": "ammunition_explosives",
    "ammunition": "ammunition_explosives",
    "grenade": "ammunition_explosives",
    "landmine": "ammunition_explosives",
    "explosive": "ammunition_explosives",
    "artillery": "heavy_weapons",
    "armoured_vehicle": "heavy_weapons",
    "aircraft": "heavy_weapons",
    "other": "other",
    "unspecified": "unspecified",
}

ACTOR_ROLES: tuple[str, ...] = ("seizer", "trafficker", "supplier", "recipient", "user", "holder")

GRADES: tuple[str, ...] = ("alleged", "reported", "corroborated", "confirmed")

DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")

GEO_PRECISIONS: tuple[str, ...] = ("site", "town", "region", "country")

MODALITIES: tuple[str, ...] = ("asserted", "negated", "hypothetical", "historical")


def category_group(category: str) -> str:
    """The coarse group of a weapon category (unknown categories fall to 'other')."""
    return CATEGORY_GROUPS.get(category, "other")


def grade_rank(grade: str) -> int:
    """Order of grades, weakest first, for filters such as 'grade at least corroborated'."""
    return GRADES.index(grade)

"""Unaccounted stock: declared holdings minus what was located, collected, destroyed or documented
elsewhere, as a range resting on the statements that give each figure.

"around 20,000 MANPADS; 5,000 located" gives 15,000 unaccounted, and a range because "around" is
a hedge: approximate figures are widened by APPROX (10%), "at least" opens the top, "up to" the bottom.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from armtrace.store.models import Incident, IncidentWeapon

APPROX = 0.10
_APPROX = re.compile(
    r"\b(around|about|some|approximately|roughly|nearly|almost|estimated|up to)\b", re.I
)
_AT_LEAST = re.compile(r"\b(at least|more than|over|upwards of)\b", re.I)
_UP_TO = re.compile(r"\b(up to|as many as|fewer than|less than)\b", re.I)
ACCOUNTED = {"collection": "collected", "destruction": "destroyed"}


@dataclass(frozen=True)
class Range:
    low: float
    high: float  # math.inf when open

    def __sub__(self, other: Range) -> Range:
        return Range(max(0.0, self.low - other.high), max(0.0, self.high - other.low))

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)


def quantity_range(quantity: int, text: str | None) -> Range:
    """The range a stated quantity covers, read from its hedge ("around", "at least", "up to")."""
    text = text or ""
    if _AT_LEAST.search(text):
        return Range(quantity, float("inf"))
    if _UP_TO.search(text):
        return Range(0, quantity)
    if _APPROX.search(text):
        return Range(round(quantity * (1 - APPROX)), round(quantity * (1 + APPROX)))
    return Range(quantity, quantity)


@dataclass
class Account:
    holder: str  # the country whose stocks are counted
    category: str
    declared: Range | None = None
    accounted: dict[str, Range] = field(
        default_factory=dict
    )  # located, collected, destroyed, elsewhere
    incidents: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def unaccounted(self) -> Range | None:
        if self.declared is None:
            return None
        total = Range(0, 0)
        for part in self.accounted.values():
            total = total + part
        return self.declared - total


def _role(row) -> str | None:  # type: ignore[no-untyped-def]
    """Which column of the account an incident's stated quantity goes to."""
    if row.type == "stockpile":
        located = _LOCATED.search(row.quantity_text or "")
        return "located" if located else "declared"
    if row.type in ACCOUNTED:
        return ACCOUNTED[row.type]
    if row.type in ("seizure", "sighting") and row.origin and row.origin != row.country:
        return "elsewhere"  # the holder's weapons documented in another country
    return None


_LOCATED = re.compile(r"\b(located|recovered|secured|accounted for|found)\b", re.I)


def accounts(
    session: Session,
    holder: str,
    category: str | None = None,
    where: ColumnElement[bool] | None = None,
) -> list[Account]:
    """Per category, the holder's declared stock and what is accounted for, with the incidents behind.
    `where` narrows the incidents counted (the web app passes what the user may see)."""
    holder = holder.upper()
    query = (
        select(
            Incident.id,
            Incident.type,
            Incident.country,
            Incident.origin,
            Incident.date,
            IncidentWeapon.category,
            IncidentWeapon.quantity,
            IncidentWeapon.quantity_text,
        )
        .join(IncidentWeapon, IncidentWeapon.incident_id == Incident.id)
        .where(
            Incident.modality == "asserted",
            IncidentWeapon.quantity.is_not(None),
            (Incident.country == holder) | (Incident.origin == holder),
        )
        .order_by(Incident.date.is_(None), Incident.date, Incident.id)
    )
    if category:
        query = query.where(IncidentWeapon.category == category)
    if where is not None:
        query = query.where(where)
    found: dict[str, Account] = {}
    for row in session.execute(query):
        role = _role(row)
        if role is None or (role != "elsewhere" and row.country != holder):
            continue
        account = found.setdefault(row.category, Account(holder, row.category))
        _add(account, role, quantity_range(row.quantity, row.quantity_text), row.id)
    return sorted(found.values(), key=lambda a: a.category)


def _add(account: Account, role: str, amount: Range, incident_id: str) -> None:
    account.incidents[role].append(incident_id)
    if role == "declared":
        # holdings are restated over time: the latest statement stands (rows come in date order)
        account.declared = amount
    else:
        account.accounted[role] = account.accounted.get(role, Range(0, 0)) + amount

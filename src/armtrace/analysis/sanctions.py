"""Importers for sanctions lists: the UN consolidated list (XML) and OpenSanctions FollowTheMoney JSON.

Each listed individual or entity becomes a SanctionsListing; its name and aliases are looked up in the
actor reference (reference/actors.yaml), so "ANSAR EDDINE" on the list is the Ansar Dine of the reports.
Only regimes that carry an arms embargo in data/embargoes.yaml are linked to one (via the UN reference
number's prefix: QDe.135 -> the ISIL/Al-Qaida list).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from armtrace.analysis.models import SanctionsListing
from armtrace.reference.actors import load_actors

# UN reference numbers start with the regime's code: QDe.135, LYi.001, SOe.001, SDi.001, YEi.001.
REGIME_BY_PREFIX = {
    "QD": "al_qaida_isil",
    "LY": "libya",
    "SO": "somalia",
    "SD": "sudan_darfur",
    "YE": "yemen",
}
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


@dataclass
class Entry:
    list_name: str
    key: str
    reference: str | None
    kind: str
    name: str
    aliases: list[str]
    program: str | None
    listed_on: date | None


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _text(element: ET.Element, tag: str) -> str | None:
    found = element.find(tag)
    return found.text.strip() if found is not None and found.text else None


def parse_un_xml(path: Path) -> Iterator[Entry]:
    root = ET.parse(path).getroot()
    for kind, tag in (("individual", "INDIVIDUAL"), ("entity", "ENTITY")):
        for el in root.iter(tag):
            name = " ".join(p for p in (_text(el, t) for t in NAME_PARTS) if p)
            aliases = [a.text.strip() for a in el.iter("ALIAS_NAME") if a.text and a.text.strip()]
            reference = _text(el, "REFERENCE_NUMBER")
            key = reference or _text(el, "DATAID") or name
            yield Entry(
                "un_consolidated",
                f"un:{key}",
                reference,
                kind,
                name,
                aliases,
                _text(el, "UN_LIST_TYPE"),
                _date(_text(el, "LISTED_ON")),
            )


_FTM_PARTIES = {"Organization", "LegalEntity", "Company", "Person"}


def parse_ftm(path: Path) -> Iterator[Entry]:
    """Entities with their Sanction records (one JSON object per line, as OpenSanctions exports)."""
    entities: dict[str, dict] = {}
    sanctions: dict[str, list[dict]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            obj = json.loads(line)
            props = obj.get("properties", {})
            if obj.get("schema") == "Sanction":
                for target in props.get("entity", []):
                    sanctions.setdefault(target, []).append(props)
            elif obj.get("schema") in _FTM_PARTIES:
                entities[obj["id"]] = obj
    for eid, obj in entities.items():
        yield _ftm_entry(eid, obj, sanctions.get(eid, []))


def _first(props: dict, *keys: str) -> str | None:
    for key in keys:
        values = props.get(key)
        if values:
            return str(values[0])
    return None


def _ftm_entry(eid: str, obj: dict, sanctions: list[dict]) -> Entry:
    props = obj.get("properties", {})
    names = props.get("name", []) or [obj.get("caption", eid)]
    sanction = sanctions[0] if sanctions else {}
    listed = [d for s in sanctions for d in s.get("listingDate", []) + s.get("startDate", [])]
    return Entry(
        "opensanctions",
        f"os:{eid}",
        _first(sanction, "unscId") or _first(props, "unscId"),
        "individual" if obj.get("schema") == "Person" else "entity",
        names[0],
        [*names[1:], *props.get("alias", []), *props.get("weakAlias", [])],
        _first(sanction, "program", "programId"),
        min((d for d in (_date(x) for x in listed) if d), default=None),
    )


def match_actor(entry: Entry) -> tuple[str | None, str | None]:
    """(actor id, the name or alias that matched), trying the listed name first."""
    actors = load_actors()
    for surface in (entry.name, *entry.aliases):
        actor = actors.lookup(surface)
        if actor is not None:
            return actor.id, surface
    return None, None


def regime(entry: Entry) -> str | None:
    if entry.reference and entry.reference[:2].upper() in REGIME_BY_PREFIX:
        return REGIME_BY_PREFIX[entry.reference[:2].upper()]
    return None


def store_entries(session: Session, entries: Iterable[Entry], source_file: str) -> tuple[int, int]:
    """Write (or refresh) the entries; returns (entries, matched to an actor)."""
    now = datetime.now()
    n = matched = 0
    for entry in entries:
        actor_id, alias = match_actor(entry)
        session.merge(
            SanctionsListing(
                id=entry.key[:64],
                list_name=entry.list_name,
                reference=entry.reference,
                kind=entry.kind,
                name=entry.name[:512],
                aliases=json.dumps(entry.aliases, ensure_ascii=False),
                program=entry.program,
                embargo_id=regime(entry),
                listed_on=entry.listed_on,
                actor_id=actor_id,
                matched_alias=alias,
                source_file=source_file[:255],
                imported_at=now,
            )
        )
        n += 1
        matched += actor_id is not None
    return n, matched


def import_list(session: Session, path: Path) -> tuple[int, int]:
    """Import a UN XML (.xml) or FtM JSON lines (.json/.jsonl/.ftm.json) file."""
    parser = parse_un_xml if path.suffix.lower() == ".xml" else parse_ftm
    return store_entries(session, parser(path), path.name)

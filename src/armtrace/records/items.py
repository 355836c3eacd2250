"""Documented items: weapons photographed and read in the field.

Photos are stored by path with the SHA-256 of their bytes at documentation time, so a photo changed
later shows (`verify_photos`). An item's id is the one given, or derived from its content, so that
importing the same documentation sheet twice adds nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from armtrace.records.importer import RowError, _existing_ids_of
from armtrace.records.models import Item, ItemPhoto
from armtrace.records.readers import read_rows
from armtrace.store import Store
from armtrace.tracing.fields import known_country, model_of
from armtrace.tracing.serials import normalise

ITEM_COLUMNS = (
    "id serial markings category model manufacturer calibre country_mark year_mark import_marks "
    "photos place country date context documented_by incident_id"
).split()


@dataclass
class ItemInput:
    """An item as documented. `serial` is as read, `?` for each illegible character."""

    serial: str | None = None
    id: str | None = None
    markings: str | None = None
    category: str | None = None
    model: str | None = None
    manufacturer: str | None = None
    calibre: str | None = None
    country_mark: str | None = None
    year_mark: str | None = None
    import_marks: str | None = None
    photos: list[Path] = field(default_factory=list)
    place: str | None = None
    country: str | None = None
    date: str | None = None
    context: str | None = None
    documented_by: str | None = None
    incident_id: str | None = None


@dataclass
class ItemImportReport:
    path: str
    imported: int = 0
    already_present: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_item(data: ItemInput, now: datetime | None = None) -> Item:
    """Check an item and make its row; raises RowError (missing photo, unknown country…)."""
    for photo in data.photos:
        if not photo.is_file():
            raise RowError(f"photo {photo} not found")
    country = known_country(data.country) if data.country else None
    if data.country and country is None:
        raise RowError(f"country {data.country!r} is not a country")
    if not (data.serial or data.model or data.category or data.markings):
        raise RowError("no serial, model, category or markings: nothing to trace")
    hashes = [sha256_of(p) for p in data.photos]
    values = {k: getattr(data, k) for k in ITEM_COLUMNS if k not in ("id", "photos", "country")}
    values["country"] = country
    values["category"] = data.category or model_of(data.model)[1]
    item = Item(
        id=data.id or _item_key(values, hashes),
        serial_norm=normalise(data.serial) or None,
        created_at=now or datetime.now(UTC).replace(tzinfo=None),
        **values,
    )
    item.photos = [
        ItemPhoto(position=i, path=str(p), sha256=h)
        for i, (p, h) in enumerate(zip(data.photos, hashes, strict=True))
    ]
    return item


def _item_key(values: dict, hashes: list[str]) -> str:
    text = "\x1f".join(f"{k}={values[k]}" for k in sorted(values) if values[k]) + "|".join(hashes)
    return "item-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def add_item(store: Store, data: ItemInput) -> tuple[Item, bool]:
    """Store one item; returns it and whether it was new (an item already present is left as it is)."""
    item = build_item(data)
    with store.transaction() as session:
        existing = session.get(Item, item.id)
        if existing is not None:
            return existing, False
        session.add(item)
    return item, True


def import_items(store: Store, path: Path) -> ItemImportReport:
    """Import a documentation sheet (CSV or XLSX, columns ITEM_COLUMNS; photos separated by `;`)."""
    report = ItemImportReport(str(path))
    now = datetime.now(UTC).replace(tzinfo=None)
    items: dict[str, Item] = {}
    for number, row in read_rows(path):
        try:
            item = build_item(_item_input(row, path.parent), now)
        except RowError as exc:
            report.errors.append((number, str(exc)))
            continue
        items.setdefault(item.id, item)
    with store.transaction() as session:
        existing = _existing_ids_of(session, Item, list(items))
        session.add_all(i for k, i in items.items() if k not in existing)
    report.imported = len(items) - len(existing)
    report.already_present = len(existing)
    return report


def _item_input(row: dict[str, str], base: Path) -> ItemInput:
    if "__extra__" in row:
        raise RowError(f"{row['__extra__']} more cell(s) than there are column headers")
    values = {k: (row.get(k) or None) for k in ITEM_COLUMNS if k != "photos"}
    photos = [base / p.strip() for p in (row.get("photos") or "").split(";") if p.strip()]
    return ItemInput(photos=photos, **values)


def list_items(store: Store) -> list[Item]:
    with store.session() as session:
        query = select(Item).options(selectinload(Item.photos)).order_by(Item.created_at, Item.id)
        return list(session.scalars(query))


def verify_photos(item: Item) -> list[str]:
    """Paths of the item's photos that are missing or whose bytes changed since documentation."""
    bad = []
    for photo in item.photos:
        path = Path(photo.path)
        if not path.is_file() or sha256_of(path) != photo.sha256:
            bad.append(photo.path)
    return bad

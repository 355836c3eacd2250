"""Import registers (stockpile ledgers, transfers, collection programmes, destruction records).

Each row is checked on its own: a broken row is reported by row number and reason and the others are
imported. A record's id is a hash of its content, so importing a file twice adds nothing the second
time, and a corrected row re-imported beside the old one is a new record (the old one stays: records
are evidence and are not silently rewritten).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from armtrace.records.models import Record
from armtrace.records.readers import Row, read_rows
from armtrace.store import Store
from armtrace.tracing.fields import known_country, model_of
from armtrace.tracing.serials import normalise, parse_range, range_ends
from armtrace.vocabulary import WEAPON_CATEGORIES

KINDS = ("stockpile", "transfer", "collection", "destruction")
STOCK_STATUSES = ("in_store", "issued", "lost", "looted", "destroyed")

# Columns every kind accepts: what the weapon (or lot) is.
WEAPON_COLUMNS = (
    "category model manufacturer country_of_manufacture calibre serial serial_from serial_to "
    "serial_range lot year quantity notes"
).split()
KIND_COLUMNS: dict[str, list[str]] = {
    "stockpile": "holder depot place country status as_of security_status last_audit".split(),
    "transfer": "exporter importer end_user date reference".split(),
    "collection": "programme community place country date in_return".split(),
    "destruction": "holder programme place country date method".split(),
}
# Header spellings seen in real registers, mapped onto ours.
ALIASES = {
    "serial_no": "serial",
    "serial_number": "serial",
    "sn": "serial",
    "type": "model",
    "weapon_type": "category",
    "maker": "manufacturer",
    "country_of_origin": "country_of_manufacture",
    "caliber": "calibre",
    "year_of_manufacture": "year",
    "qty": "quantity",
    "licence": "reference",
    "license": "reference",
    "as_of_date": "as_of",
    "location": "place",
}


class RowError(ValueError):
    """A reason a row cannot be imported."""


@dataclass
class ImportReport:
    path: str
    kind: str
    imported: int = 0
    already_present: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_records(store: Store, path: Path, kind: str) -> ImportReport:
    """Import one CSV or XLSX register of the given kind; see `ImportReport`."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    report = ImportReport(str(path), kind)
    now = datetime.now(UTC).replace(tzinfo=None)
    parsed: dict[str, Record] = {}
    for number, raw in read_rows(path):
        try:
            record = parse_row(kind, _canonical(raw, kind, report), path.name, number, now)
        except RowError as exc:
            report.errors.append((number, str(exc)))
            continue
        parsed.setdefault(record.id, record)  # the same row twice in one file is one record
    _store_new(store, parsed, report)
    return report


def _canonical(raw: Row, kind: str, report: ImportReport) -> Row:
    if "__extra__" in raw:
        raise RowError(f"{raw['__extra__']} more cell(s) than there are column headers")
    allowed = set(WEAPON_COLUMNS) | set(KIND_COLUMNS[kind])
    row: Row = {}
    for key, value in raw.items():
        name = ALIASES.get(key, key)
        if name in allowed:
            row[name] = value
        elif key not in report.ignored_columns:
            report.ignored_columns.append(key)
    return row


def _store_new(store: Store, parsed: dict[str, Record], report: ImportReport) -> None:
    with store.transaction() as session:
        existing = _existing_ids_of(session, Record, list(parsed))
        fresh = [r for rid, r in parsed.items() if rid not in existing]
        session.add_all(fresh)
    report.imported = len(fresh)
    report.already_present = len(parsed) - len(fresh)


def _existing_ids_of(session: Session, table: type, ids: list[str]) -> set[str]:
    """Which of these ids are already stored (in bounded IN lists: SQLite caps bound parameters)."""
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(session.scalars(select(table.id).where(table.id.in_(chunk))))
    return found


def parse_row(kind: str, row: Row, source: str, number: int, now: datetime) -> Record:
    """Check and convert one row; raises RowError with the reason it cannot be imported."""
    values = {name: (row.get(name) or None) for name in WEAPON_COLUMNS + KIND_COLUMNS[kind]}
    fields: dict[str, object] = {}
    for name, value in values.items():
        if value is not None and name in CONVERTERS:
            fields[name] = CONVERTERS[name](value)
        elif value is not None:
            fields[name] = value
    _serials(fields)
    _category(fields)
    if not any(fields.get(k) for k in ("serial", "serial_from", "model", "category", "lot")):
        raise RowError(
            "no serial, serial range, lot, model or category: nothing identifies the weapon"
        )
    if "as_of" in fields:
        fields["date"] = fields.pop("as_of")
    if kind == "stockpile" and fields.get("status") not in (None, *STOCK_STATUSES):
        raise RowError(f"status {fields['status']!r} is not one of {', '.join(STOCK_STATUSES)}")
    rid = row_key(kind, fields)
    return Record(
        id=rid, kind=kind, source_file=source, row_number=number, imported_at=now, **fields
    )


def row_key(kind: str, fields: dict[str, object]) -> str:
    """A content-derived id: the kind and the row's values, independent of column order and file."""
    text = (
        kind
        + "\x1f"
        + "\x1f".join(f"{k}={fields[k]}" for k in sorted(fields) if fields[k] is not None)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _serials(fields: dict[str, object]) -> None:
    text = fields.pop("serial_range", None)
    if text:
        ends = range_ends(str(text))
        if ends is None or parse_range(*ends) is None:
            raise RowError(f"serial_range {text!r} is not a range like AK1000-AK1999")
        fields["serial_from"], fields["serial_to"] = ends
    start, end = fields.get("serial_from"), fields.get("serial_to")
    if bool(start) != bool(end):
        raise RowError("serial_from and serial_to go together")
    if start and parse_range(str(start), str(end)) is None:
        raise RowError(f"serial range {start}–{end}: the ends do not share a prefix and a number")
    if fields.get("serial"):
        fields["serial_norm"] = normalise(str(fields["serial"]))


def _category(fields: dict[str, object]) -> None:
    if fields.get("category") is None and fields.get("model"):
        fields["category"] = model_of(str(fields["model"]))[1]
    if fields.get("category") not in (None, *WEAPON_CATEGORIES):
        raise RowError(f"category {fields['category']!r} is not in the shared vocabulary")


def _int(low: int, high: int, name: str) -> Callable[[str], int]:
    def convert(value: str) -> int:
        if not re.fullmatch(r"\d+", value.replace(",", "").strip()):
            raise RowError(f"{name} {value!r} is not a whole number")
        number = int(value.replace(",", ""))
        if not low <= number <= high:
            raise RowError(f"{name} {number} is outside {low}–{high}")
        return number

    return convert


def _date(name: str) -> Callable[[str], str]:
    def convert(value: str) -> str:
        text = value.strip()[:10]
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
            raise RowError(f"{name} {value!r} is not a date YYYY, YYYY-MM or YYYY-MM-DD")
        try:
            datetime.strptime(text + "-01-01"[len(text) - 4 :], "%Y-%m-%d")
        except ValueError as exc:
            raise RowError(f"{name} {value!r} is not a real date") from exc
        return text

    return convert


def _country(name: str) -> Callable[[str], str]:
    def convert(value: str) -> str:
        code = known_country(value)
        if code is None:
            raise RowError(f"{name} {value!r} is not a country (ISO 3166-1 alpha-2 or a name)")
        return code

    return convert


def _status(value: str) -> str:
    return value.strip().lower().replace(" ", "_")


CONVERTERS: dict[str, Callable[[str], object]] = {
    "year": _int(1850, 2100, "year"),
    "quantity": _int(1, 10_000_000, "quantity"),
    "date": _date("date"),
    "as_of": _date("as_of"),
    "last_audit": _date("last_audit"),
    "country": _country("country"),
    "country_of_manufacture": _country("country_of_manufacture"),
    "exporter": _country("exporter"),
    "importer": _country("importer"),
    "status": _status,
}


def iter_records(store: Store, kinds: Iterable[str] | None = None) -> list[Record]:
    with store.session() as session:
        query = select(Record).order_by(Record.source_file, Record.row_number)
        if kinds:
            query = query.where(Record.kind.in_(list(kinds)))
        return list(session.scalars(query))

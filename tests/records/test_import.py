"""Register import: documented columns, per-row errors, idempotent re-import; both backends."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from armtrace.records.importer import import_records, iter_records
from armtrace.records.models import Record
from armtrace.store import Store

FIXTURES = Path(__file__).with_name("fixtures")


def count(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Record)) or 0


def test_broken_rows_are_named_and_the_rest_imported(store: Store) -> None:
    report = import_records(store, FIXTURES / "stockpile_broken.csv", "stockpile")
    errors = dict(report.errors)
    assert sorted(errors) == [4, 5, 6, 7, 8, 9, 10, 11]
    assert "year 'nineteen' is not a whole number" in errors[4]
    assert "country 'Atlantis'" in errors[5]
    assert "status 'misplaced'" in errors[6]
    assert "nothing identifies the weapon" in errors[7]
    assert "not a real date" in errors[8]
    assert "more cell(s) than there are column headers" in errors[9]
    assert "category 'laser_gun'" in errors[10]
    assert "serial_range" in errors[11]
    assert report.imported == 3 and count(store) == 3


def test_reimport_is_idempotent(store: Store) -> None:
    first = import_records(store, FIXTURES / "stockpile_broken.csv", "stockpile")
    second = import_records(store, FIXTURES / "stockpile_broken.csv", "stockpile")
    assert first.imported == 3
    assert second.imported == 0 and second.already_present == 3
    assert count(store) == 3


def test_imported_values_are_converted(store: Store) -> None:
    import_records(store, FIXTURES / "stockpile_broken.csv", "stockpile")
    rows = {r.row_number: r for r in iter_records(store)}
    akm = rows[2]
    assert (akm.serial, akm.serial_norm, akm.category, akm.year) == (
        "AK 1-4172",
        "AK14172",
        "assault_rifle",
        1978,
    )
    assert (akm.status, akm.date, akm.country, akm.country_of_manufacture) == (
        "in_store",
        "2009-06-30",
        "LY",
        "RU",
    )
    lot = rows[3]
    assert (lot.serial_from, lot.serial_to, lot.lot, lot.quantity) == (
        "56-100000",
        "56-100999",
        "L-12",
        1000,
    )


def test_xlsx_transfers_with_header_aliases(store: Store, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "Exporter",
            "Importer",
            "End user",
            "Date",
            "Type",
            "Qty",
            "Serial from",
            "Serial to",
            "Licence",
        ]
    )
    sheet.append(
        [
            "Bulgaria",
            "LY",
            "Libyan Army",
            "2008-05-01",
            "AKM",
            500,
            "BG20000",
            "BG20499",
            "EXP-2008-17",
        ]
    )
    sheet.append(
        ["BG", "LY", "Libyan Army", "2008-13-01", "AKM", 500, "BG20500", "BG20999", "EXP-2008-18"]
    )
    path = tmp_path / "transfers.xlsx"
    book.save(path)
    report = import_records(store, path, "transfer")
    assert report.imported == 1
    assert report.errors == [(3, "date '2008-13-01' is not a real date")]
    (row,) = iter_records(store, ["transfer"])
    assert (row.exporter, row.importer, row.model, row.quantity, row.reference) == (
        "BG",
        "LY",
        "AKM",
        500,
        "EXP-2008-17",
    )


def test_collection_and_destruction_kinds(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "collection.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(
            ["programme", "community", "date", "model", "serial", "in_return", "colour"]
        )
        writer.writerow(["DDR Gao", "Gao", "2014-02", "AKM", "AK14172", "bicycle", "brown"])
    report = import_records(store, path, "collection")
    assert report.imported == 1 and report.ignored_columns == ["colour"]
    (row,) = iter_records(store, ["collection"])
    assert (row.programme, row.community, row.date, row.in_return) == (
        "DDR Gao",
        "Gao",
        "2014-02",
        "bicycle",
    )


def test_unknown_kind_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        import_records(store, FIXTURES / "stockpile_broken.csv", "inventory")

"""Rows from a spreadsheet: CSV (comma, semicolon or tab) or XLSX (first sheet), header in row 1.

Rows are numbered as a spreadsheet shows them (the header is row 1), so an error report points at the
line a clerk sees when they open the file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

Row = dict[str, str]


def header_key(name: str) -> str:
    """ "Serial No." → "serial_no": headers compare without case, spaces or punctuation."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def read_rows(path: Path) -> Iterator[tuple[int, Row]]:
    """(row number, {header key: cell text}) for every non-empty data row of a CSV or XLSX file."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
    else:
        yield from _csv_rows(path)


def _csv_rows(path: Path) -> Iterator[tuple[int, Row]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(8192)
        fh.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
                sample, delimiters=",;\t"
            )
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(fh, dialect)
        header = [header_key(h) for h in next(reader, [])]
        for number, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                yield number, _row(header, cells)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, Row]]:
    from openpyxl import load_workbook  # only XLSX imports pay for it

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [header_key(str(h or "")) for h in next(rows, ())]
        for number, values in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                yield number, _row(header, cells)
    finally:
        book.close()


def _row(header: list[str], cells: list[str]) -> Row:
    row = {key: cell.strip() for key, cell in zip(header, cells, strict=False) if key}
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        row["__extra__"] = str(len(cells) - len(header))  # more cells than headers: a broken row
    return row


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 1978 and serial 41720 as floats
    return str(value)

"""Readers: files and folders of .txt/.md/.html/.pdf and JSONL lines to Reports, errors kept apart.

A reader never raises for bad input: it yields a ReadError naming the file (and line) and goes on, so
one broken file never stops a batch. Files are read one at a time and JSONL line by line, so a corpus
of any size streams through in constant memory; a file (or JSONL line) above `max_bytes` is refused
unread rather than loaded whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import yaml

from armtrace.reports.document import Report

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | PDF_SUFFIXES
# Far above any real report (a 400-page PDF with scans is ~50 MB); a larger file is a mistake or an
# archive, and reading it whole would hold the batch up and take the memory of several workers.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)
class ReadError:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | ReadError]:
    """Files named, and the readable files inside folders named, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUFFIXES:
                    yield child
        elif path.is_file():
            yield path
        else:
            yield ReadError(str(path), "no such file or folder")


def read_paths(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Report | ReadError]:
    for item in iter_files(paths):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_file(item, max_bytes)


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Report | ReadError]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield ReadError(
            str(path),
            f"unsupported file type {suffix or '(none)'}; "
            f"expected one of {', '.join(sorted(SUFFIXES))}",
        )
        return
    if suffix in JSONL_SUFFIXES:  # a corpus file: streamed, the limit applies to each line
        yield from _open_jsonl(path, max_bytes)
        return
    data = _read_bytes(path, max_bytes)
    if isinstance(data, ReadError):
        yield data
    elif suffix in PDF_SUFFIXES:
        from armtrace.reports.pdf import pdf_to_report

        yield _checked(pdf_to_report(data, key=path.stem, path=str(path)))
    else:
        yield _checked(_read_markup(data, path))


def _read_bytes(path: Path, max_bytes: int) -> bytes | ReadError:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return ReadError(str(path), _too_large(size, max_bytes))
        return path.read_bytes()
    except OSError as exc:
        return ReadError(str(path), f"cannot read: {exc.strerror or exc}")


def _too_large(size: int, max_bytes: int) -> str:
    return (
        f"too large ({size / 2**20:.1f} MiB > limit {max_bytes / 2**20:.1f} MiB); "
        "raise the limit with --max-size if it really is one report"
    )


def _decode(data: bytes, path: str) -> str | ReadError:
    if b"\x00" in data[:4096]:
        return ReadError(path, "binary file (contains NUL bytes), not a text report")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ReadError(
            path,
            f"not UTF-8 (byte {exc.start}: {data[exc.start]:#04x}); "
            "convert it with e.g. `iconv -f latin1 -t utf-8`",
        )


def _read_markup(data: bytes, path: Path) -> Report | ReadError:
    text = _decode(data, str(path))
    if isinstance(text, ReadError):
        return text
    if path.suffix.lower() in HTML_SUFFIXES:
        return _read_html(text, path)
    return _read_text(text, path)


def _checked(item: Report | ReadError) -> Report | ReadError:
    if isinstance(item, Report) and not item.text.strip():
        return ReadError(item.path or item.key, "empty report (no text)")
    return item


def _read_text(text: str, path: Path) -> Report | ReadError:
    meta: dict = {}
    body = text
    if text.startswith("---"):
        parts = text.split("\n---", 1)
        if len(parts) == 2 and "\n" in parts[1]:
            try:
                meta = yaml.safe_load(parts[0][3:]) or {}
            except yaml.YAMLError as exc:
                return ReadError(str(path), f"front matter is not valid YAML: {exc}")
            if not isinstance(meta, dict):
                return ReadError(str(path), "front matter must be a mapping of fields")
            body = parts[1].split("\n", 1)[1]
    published = _parse_date(meta.get("published") or meta.get("date"))
    if isinstance(published, ReadError):
        return ReadError(str(path), published.message)
    return Report(
        key=str(meta.get("id") or path.stem),
        text=body.strip("\n"),
        published=published,
        title=_str(meta.get("title")),
        url=_str(meta.get("url")),
        publisher=_str(meta.get("publisher")),
        format="md" if path.suffix.lower() == ".md" else "txt",
        path=str(path),
    )


def _read_html(text: str, path: Path) -> Report | ReadError:
    from armtrace.reports.html import NoMainText, html_to_report

    try:
        return html_to_report(text, key=path.stem, path=str(path))
    except NoMainText as exc:
        return ReadError(str(path), str(exc))


def _open_jsonl(path: Path, max_bytes: int) -> Iterator[Report | ReadError]:
    try:
        with path.open("rb") as handle:
            if b"\x00" in handle.peek(4096)[:4096]:
                yield ReadError(str(path), "binary file (contains NUL bytes), not JSON lines")
                return
            yield from _jsonl_lines(handle, str(path), max_bytes)
    except OSError as exc:
        yield ReadError(str(path), f"cannot read: {exc.strerror or exc}")


def _jsonl_lines(handle: BinaryIO, path: str, max_bytes: int) -> Iterator[Report | ReadError]:
    number = 0
    while True:
        # readline with a limit: a line with no end in sight is never held whole in memory
        raw = handle.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            size = len(raw) + _skip_line(handle)
            yield ReadError(path, _too_large(size, max_bytes), number)
            continue
        text = _decode(raw, path)
        if isinstance(text, ReadError):
            yield ReadError(path, text.message, number)
        else:
            yield from _jsonl_line(text, path, number)


def _skip_line(handle: BinaryIO) -> int:
    skipped = 0
    while chunk := handle.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def read_jsonl(text: str, path: str) -> Iterator[Report | ReadError]:
    """Lines of {id, text, published, url, title, publisher}; a bad line is reported by its number."""
    for number, line in enumerate(text.splitlines(), start=1):
        yield from _jsonl_line(line, path, number)


def _jsonl_line(line: str, path: str, number: int) -> Iterator[Report | ReadError]:
    if not line.strip():
        return
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        yield ReadError(path, f"malformed JSON: {exc.msg} at column {exc.colno}", number)
        return
    if not isinstance(obj, dict):
        yield ReadError(path, "each line must be a JSON object", number)
        return
    body = obj.get("text")
    if not isinstance(body, str) or not body.strip():
        yield ReadError(path, "missing or empty 'text'", number)
        return
    published = _parse_date(obj.get("published"))
    if isinstance(published, ReadError):
        yield ReadError(path, published.message, number)
        return
    yield Report(
        key=str(obj.get("id") or f"{Path(path).stem}-{number}"),
        text=body,
        published=published,
        title=_str(obj.get("title")),
        url=_str(obj.get("url")),
        publisher=_str(obj.get("publisher")),
        format="jsonl",
        path=f"{path}:{number}",
    )


def _parse_date(value: object) -> date | None | ReadError:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return ReadError("", f"publication date {value!r} is not YYYY-MM-DD")


def _str(value: object) -> str | None:
    return None if value is None else str(value)

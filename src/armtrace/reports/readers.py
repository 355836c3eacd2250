"""Readers: files and folders of .txt/.md/.html and JSONL lines to Reports, with errors kept apart.

A reader never raises for bad input: it yields a ReadError naming the file (and line) and goes on, so
one broken file never stops a batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from armtrace.reports.document import Report

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


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


def read_paths(paths: Iterable[str | Path]) -> Iterator[Report | ReadError]:
    for item in iter_files(paths):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_file(item)


def read_file(path: Path) -> Iterator[Report | ReadError]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield ReadError(
            str(path),
            f"unsupported file type {suffix or '(none)'}; "
            f"expected one of {', '.join(sorted(SUFFIXES))}",
        )
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield ReadError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if b"\x00" in data[:4096]:
        yield ReadError(str(path), "binary file (contains NUL bytes), not a text report")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield ReadError(
            str(path),
            f"not UTF-8 (byte {exc.start}: {data[exc.start]:#04x}); "
            "convert it with e.g. `iconv -f latin1 -t utf-8`",
        )
        return
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(text, str(path))
    elif suffix in HTML_SUFFIXES:
        yield _checked(_read_html(text, path))
    else:
        yield _checked(_read_text(text, path))


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
    from armtrace.reports.html import html_to_report

    return html_to_report(text, key=path.stem, path=str(path))


def read_jsonl(text: str, path: str) -> Iterator[Report | ReadError]:
    """Lines of {id, text, published, url, title, publisher}; a bad line is reported by its number."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(path, f"malformed JSON: {exc.msg} at column {exc.colno}", number)
            continue
        if not isinstance(obj, dict):
            yield ReadError(path, "each line must be a JSON object", number)
            continue
        body = obj.get("text")
        if not isinstance(body, str) or not body.strip():
            yield ReadError(path, "missing or empty 'text'", number)
            continue
        published = _parse_date(obj.get("published"))
        if isinstance(published, ReadError):
            yield ReadError(path, published.message, number)
            continue
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

"""PDF and HTML reports, size limits and bad input kept to the file that has it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from armtrace.reports.document import page_at
from armtrace.reports.ingest import ingest_paths
from armtrace.reports.readers import ReadError, read_paths
from armtrace.store import Store
from armtrace.store.models import Statement
from tests.reports.pdfs import make_pdf

FIXTURES = Path(__file__).parent / "fixtures"
HTML = FIXTURES / "html"
PANEL = [
    ["Panel of Experts on Libya.", "Final report (2013)."],
    ["Egyptian border guards seized 40 Grad rockets near Sollum on 12 March 2013."],
    ["Annex 4. Photographs of the rockets."],
]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _errors(items: list) -> dict[str, str]:
    return {Path(e.path).name: e.message for e in items if isinstance(e, ReadError)}


def test_pdf_text_keeps_its_pages(tmp_path: Path) -> None:
    path = _write(tmp_path, "panel.pdf", make_pdf(PANEL, title="Panel report"))
    [report] = read_paths([path])
    assert report.format == "pdf" and report.title == "Panel report"
    assert len(report.pages) == 3
    offset = report.text.index("Egyptian border guards")
    assert report.page_at(offset) == 2 == page_at(report.text, offset)
    assert report.page_at(report.text.index("Annex 4")) == 3
    start, end = report.pages[1]
    assert report.text[start:end].startswith("Egyptian")


def test_pdf_evidence_is_stored_with_its_page(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, "panel.pdf", make_pdf(PANEL))
    result = ingest_paths(store, [path])
    assert result.added == 1 and result.incidents >= 1
    with store.session() as session:
        pages = session.query(Statement).filter_by(field="page").all()
        evidence = session.query(Statement).filter_by(field="evidence").all()
    assert pages and {p.value for p in pages} >= {"2"}
    assert {(p.start, p.end) for p in pages} == {(e.start, e.end) for e in evidence}


def test_evidence_over_a_page_break_cites_both_pages(store: Store, tmp_path: Path) -> None:
    pages = [["Border guards seized 40 Grad rockets"], ["near Sollum on 12 March 2013."]]
    ingest_paths(store, [_write(tmp_path, "split.pdf", make_pdf(pages))])
    with store.session() as session:
        values = {s.value for s in session.query(Statement).filter_by(field="page")}
    assert values == {"1-2"}


def test_scanned_and_damaged_pdfs_are_named(tmp_path: Path) -> None:
    scan = _write(tmp_path, "scan.pdf", make_pdf([[], []]))
    broken = _write(tmp_path, "broken.pdf", b"%PDF-1.4\n1 0 obj <<")
    good = _write(tmp_path, "panel.pdf", make_pdf(PANEL))
    items = list(read_paths([scan, broken, good]))
    errors = _errors(items)
    assert "no text layer (scanned?)" in errors["scan.pdf"]
    assert "not a readable PDF" in errors["broken.pdf"]
    assert [r.key for r in items if not isinstance(r, ReadError)] == ["panel"]


@pytest.mark.parametrize(
    ("name", "wanted", "boilerplate", "meta"),
    [
        (
            "wire.html",
            ["120 Kalashnikov rifles", "sacks of millet", "third such seizure"],
            ["cookies", "Most read", "Great reporting", "Advertisement", "rights reserved", "999"],
            ("Niger police seize rifles bound for Mali", date(2014, 5, 6), "Sahel Wire"),
        ),
        (
            "brief.html",
            ["Type 56 rifles", "consignment exported", "no evidence that"],
            ["mailing list", "independent project", "About us"],
            ("Arms flows into Darfur: a field brief", date(2015, 2, 11), "Small Arms Field Notes"),
        ),
        (
            "blog.html",
            ["2,000 AK-47", "Dragunov", "heading for Somalia"],
            ["Categories", "Blogroll", "Leave a Reply", "999"],
            (
                "Weekly round-up: seizures in the Gulf of Aden",
                date(2016, 3, 20),
                "Maritime Arms Blog",
            ),
        ),
    ],
)
def test_news_pages_main_text_and_metadata(
    name: str, wanted: list[str], boilerplate: list[str], meta: tuple
) -> None:
    [report] = read_paths([HTML / name])
    assert all(w in report.text for w in wanted)
    assert not [b for b in boilerplate if b in report.text]
    assert (report.title, report.published, report.publisher) == meta


def test_publication_date_is_never_guessed_from_the_text(tmp_path: Path) -> None:
    page = (
        "<html><head><title>T</title></head><body><article><p>Police seized 10 pistols in Gao "
        "on Monday, the army said in a statement to the press.</p><p>Updated 2019-01-01.</p>"
        "</article></body></html>"
    )
    [report] = read_paths([_write(tmp_path, "undated.html", page.encode())])
    assert report.published is None and "10 pistols" in report.text


def test_page_of_scripts_has_no_main_text() -> None:
    items = list(read_paths([HTML / "scripts.html", FIXTURES / "page.html"]))
    assert "no main text" in _errors(items)["scripts.html"]
    assert [r.key for r in items if not isinstance(r, ReadError)] == ["page"]


def test_files_above_the_size_limit_are_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 200 MB on paper, no disk used
        handle.truncate(200 * 1024 * 1024)
    items = list(read_paths([huge, FIXTURES / "sollum.txt"]))
    assert "too large (200.0 MiB > limit 64.0 MiB)" in _errors(items)["huge.txt"]
    assert [r.key for r in items if not isinstance(r, ReadError)] == ["sollum"]
    small = list(read_paths([FIXTURES / "sollum.txt"], max_bytes=100))
    assert "too large" in _errors(small)["sollum.txt"]


def test_jsonl_lines_above_the_limit_are_refused_and_the_rest_read(tmp_path: Path) -> None:
    big = '{"id": "big", "text": "' + "x" * 5000 + '"}'
    ok = '{"id": "ok", "text": "Police seized 10 pistols in Gao."}'
    path = _write(tmp_path, "mixed.jsonl", f"{ok}\n{big}\n{ok}".encode())
    items = list(read_paths([path], max_bytes=1000))
    bad = [e for e in items if isinstance(e, ReadError)]
    assert [(e.line, "too large" in e.message) for e in bad] == [(2, True)]
    assert [r.path for r in items if not isinstance(r, ReadError)] == [
        f"{path}:1",
        f"{path}:3",
    ]

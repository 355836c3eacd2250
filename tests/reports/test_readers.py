from datetime import date
from pathlib import Path

from armtrace.reports.readers import ReadError, read_paths

FIXTURES = Path(__file__).parent / "fixtures"


def _read(*names: str) -> list:
    return list(read_paths([FIXTURES / n for n in names]))


def test_text_with_front_matter() -> None:
    [report] = _read("sollum.txt")
    assert report.key == "sollum"
    assert report.published == date(2013, 3, 14)
    assert report.title == "Border guards stop rocket convoy near Sollum"
    assert report.url == "https://example.org/test/sollum"
    assert report.text.startswith("Egyptian border guards seized 40 Grad rockets")


def test_bad_files_are_named_and_do_not_stop_the_batch() -> None:
    items = _read("latin1.txt", "binary.txt", "empty.txt", "sollum.txt", "missing.txt")
    errors = {Path(e.path).name: e.message for e in items if isinstance(e, ReadError)}
    assert "not UTF-8" in errors["latin1.txt"]
    assert "binary" in errors["binary.txt"]
    assert "empty" in errors["empty.txt"]
    assert "no such file" in errors["missing.txt"]
    assert [r.key for r in items if not isinstance(r, ReadError)] == ["sollum"]


def test_jsonl_reports_and_bad_lines_by_number() -> None:
    items = _read("batch.jsonl")
    good = [i for i in items if not isinstance(i, ReadError)]
    bad = {e.line: e.message for e in items if isinstance(e, ReadError)}
    assert [r.key for r in good] == ["j1", "j5"]
    assert good[0].published == date(2014, 5, 5) and good[0].title == "Agadez seizure"
    assert "not YYYY-MM-DD" in bad[2]
    assert "malformed JSON" in bad[3]
    assert "empty 'text'" in bad[4]
    assert str([e for e in items if isinstance(e, ReadError)][1]).endswith(
        "batch.jsonl:3: malformed JSON: Expecting property name enclosed in double quotes at column 2"
    )


def test_html_main_text_and_metadata_without_scripts() -> None:
    [report] = _read("page.html")
    assert report.title == "Seizure in Sinai"
    assert report.publisher == "Test Monitor"
    assert report.published == date(2013, 8, 2)
    assert "15 anti-aircraft missiles" in report.text
    assert "999" not in report.text and "Home" not in report.text and "Copyright" not in report.text


def test_folders_are_walked_in_order() -> None:
    items = list(read_paths([FIXTURES]))
    paths = [Path(i.path.split(":")[0]).relative_to(FIXTURES) for i in items]
    assert paths == sorted(paths)
    assert Path("same_event/wire.txt") in paths  # sub-folders too

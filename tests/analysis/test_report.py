"""The printable report: self-contained, escaped, cited, and rendered by headless Chromium into a
screenshot that shows the map.

Chromium is installed when missing (CI runs as root); otherwise the test fails and says how. It is never
skipped silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from typer.testing import CliRunner

from armtrace.analysis.build_basemap import HEIGHT, WIDTH, project
from armtrace.analysis.flows import FlowFilter
from armtrace.analysis.report import COLOURS, basemap, build_report, render_html, write_report
from armtrace.cli import app
from armtrace.store import open_store
from armtrace.store.models import Source
from tests.analysis.conftest import add_incident

INSTALL = "apt-get install -y chromium"
HOSTILE = '<script>alert("x")</script> & "quotes"'


def _seed(session) -> None:  # type: ignore[no-untyped-def]
    add_incident(session, "a", origin="LY", destination="ML", weapons=(("manpads", 20),))
    add_incident(session, "b", source="s2", origin="LY", destination="ML", date="2013-01")
    add_incident(session, "c", source="s3", origin="LY", country="EG", via=("SD",), date="2012")
    add_incident(
        session,
        "d",
        "transfer",
        source="s4",
        origin="FR",
        destination="LY",
        date="2011-06-29",
        actors=(("France", "supplier", None), ("rebels", "recipient", None)),
    )
    add_incident(session, "x", source="s5", origin="LY", destination="NE", modality="negated")
    session.commit()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    store = open_store(url)
    with store.session() as s:
        _seed(s)
        first = s.scalars(select(Source).order_by(Source.key)).first()
        first.title, first.url = HOSTILE, "javascript:alert(1)"
        s.commit()
    store.dispose()
    return url


def test_basemap_shipped_and_projection() -> None:
    data = basemap()
    assert {"LY", "ML", "FR", "US", "XK"} <= set(data["countries"])
    assert data["width"] == WIDTH and data["height"] == HEIGHT
    assert "Natural Earth" in data["source"]
    x, y = project(0, 0)
    assert x == pytest.approx(WIDTH / 2) and 0 < y < HEIGHT
    assert project(-180, 0)[0] == pytest.approx(0, abs=1e-6)


def test_report_is_self_contained_escaped_and_cited(db: str) -> None:
    store = open_store(db)
    with store.session() as s:
        report = build_report(s, FlowFilter())
    html = render_html(report)
    store.dispose()
    assert "<script" not in html and "&lt;script&gt;" in html  # report text is escaped
    assert 'href="javascript:' not in html  # a non-web url stays text
    # nothing loads from elsewhere: no external stylesheet, script, image, font or frame
    assert not re.search(r"<(link|script|img|iframe|object|embed)\b", html)
    assert not re.search(r"url\((?!#)|@import|@font-face", html)
    assert "https://" not in re.sub(r'href="https?://[^"]*"|>https?://[^<]*<', "", html)
    flows = {r["path"]: r for r in report.flows}
    ly_ml = flows["Libya (LY) → Mali (ML)"]
    assert ly_ml["incidents"] == 2 and ly_ml["incident_ids"] == ["a", "b"] and ly_ml["notes"]
    assert 'href="#inc-a"' in html and 'id="inc-a"' in html
    assert all(f'id="src-{n}"' in html for n in ly_ml["notes"])
    assert "x" not in {i["id"] for i in report.incidents}  # the negated claim is not cited
    assert any(f["incident"] == "d" for f in report.flags)  # France → Libya 2011 under embargo
    assert report.routes and report.actors
    assert report.totals["incidents"] == 4


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "chromium"], check=False, capture_output=True)
        found = shutil.which("chromium")
    if not found:
        pytest.fail(f"headless Chromium is needed to check the report; install it: {INSTALL}")
    return found


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _near(pixel: tuple[int, ...], colour: str, tolerance: int = 12) -> bool:
    return all(abs(p - c) <= tolerance for p, c in zip(pixel[:3], _rgb(colour), strict=True))


def test_report_renders_in_headless_chromium(db: str, tmp_path: Path) -> None:
    chromium = _chromium()
    out = tmp_path / "report.html"
    store = open_store(db)
    with store.session() as s:
        write_report(s, FlowFilter(), out)
    store.dispose()
    png = tmp_path / "shot.png"
    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={png}",
        "--window-size=1200,1600",
        out.as_uri(),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    image = Image.open(png).convert("RGB")
    assert image.size == (1200, 1600)
    colours = image.getcolors(maxcolors=1200 * 1600)  # (count, rgb): far fewer than the pixels
    assert colours is not None and len(colours) > 50  # not blank: text, map and charts

    def count(colour: str, tolerance: int = 12) -> int:
        return sum(n for n, rgb in colours if _near(rgb, colour, tolerance))

    origin, destination = count(COLOURS["origin"]), count(COLOURS["destination"])
    flow = count(COLOURS["flow"], 30)
    assert origin > 200 and destination > 200 and flow > 200, (origin, destination, flow)


def test_cli_report(db: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        app, ["report", "--db", db, "--country", "ML", "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0 and str(out) in result.output.replace("\n", "")
    html = out.read_text(encoding="utf-8")
    assert "Filters: country ML" in html and "Mali (ML)" in html and 'id="inc-d"' not in html

"""The app in a real browser: Playwright driving Debian's Chromium (headless, no downloads) against
`armtrace serve` on a free loopback port, over a SQLite database seeded by `armtrace ingest` from two
sample reports and `armtrace users add`. Log in, filter the map, open an incident, accept it in the
review queue, and find the decision in the audit log. Screenshots go to test-artifacts/.

Chromium comes from the apt package: installed here when missing and we are root (CI), otherwise the
test fails saying the command to run. Browsers are never downloaded by Playwright.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.serving import armtrace_serve

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = ["apt-get", "install", "-y", "chromium"]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "src/armtrace/reports/devset/dev"
SEED = ["eg-2012-sollum-fishing-boat.txt", "ly-2014-kufra-sudanese-plane.txt"]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
PASSWORD = "field-laptop-pass"
BIN = Path(sys.executable).parent


def _chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update"], check=False, capture_output=True)
        done = subprocess.run(
            INSTALL,
            capture_output=True,
            text=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        if done.returncode == 0 and CHROMIUM.exists():
            return CHROMIUM
        pytest.fail(f"`{' '.join(INSTALL)}` failed:\n{done.stderr[-2000:]}")
    pytest.fail(f"Chromium is missing: run `sudo {' '.join(INSTALL)}`")


def _armtrace(*args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [str(BIN / "armtrace"), *args], input=stdin, text=True, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "app.db"
    _armtrace("ingest", "--db", str(db), *(str(REPORTS / name) for name in SEED))
    _armtrace(
        "users",
        "add",
        "alice",
        "--role",
        "analyst",
        "--password-stdin",
        "--db",
        str(db),
        stdin=PASSWORD + "\n",
    )
    log = tmp_path_factory.getbasetemp() / "serve.log"
    with armtrace_serve(str(db), log, 20) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(executable), headless=True, args=ARGS)
        yield b
        b.close()


def test_login_filter_map_open_incident_accept_and_audit(server: str, browser: object) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(5000)
    elsewhere: list[str] = []

    def offline_only(route: object) -> None:  # the app must fetch nothing off the loopback server
        url = route.request.url  # type: ignore[attr-defined]
        if urlparse(url).hostname != "127.0.0.1":
            elsewhere.append(url)
            route.abort()  # type: ignore[attr-defined]
        else:
            route.continue_()  # type: ignore[attr-defined]

    page.route("**/*", offline_only)
    try:
        page.goto(server + "/incidents")
        assert page.url.endswith("/login")
        page.fill("input[name=name]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("button:has-text('Log in')")
        page.wait_for_url("**/incidents")
        page.screenshot(path=str(ARTIFACTS / "1-incidents.png"), full_page=True)

        page.click("nav >> text=Map")
        page.wait_for_url("**/map")
        # the Natural Earth outlines: one SVG file from this server, drawn under the flows
        drawn = page.evaluate(
            "() => new Promise(ok => { const i = new Image(); i.onload = () => ok(i.naturalWidth);"
            " i.onerror = () => ok(0); i.src = document.querySelector('svg#map image')"
            ".getAttribute('href'); })"
        )
        assert drawn > 100
        assert page.locator("circle.incident").count() == 2
        page.fill("#map-filters input[name=country]", "EG")
        page.select_option("#map-filters select[name=type]", "seizure")
        page.click("#map-filters button")
        page.wait_for_url("**/map?*country=EG*")
        assert page.locator("circle.incident").count() == 1
        rows = page.locator("table#incidents a")
        assert rows.count() == 1 and rows.first.inner_text() == "seizure"
        page.screenshot(path=str(ARTIFACTS / "2-map-filtered.png"), full_page=True)

        rows.first.click()
        page.wait_for_url("**/incidents/*")
        incident_id = page.url.rsplit("/", 1)[1]
        assert "Sollum" in page.inner_text("body")
        assert page.locator("mark").count() >= 1  # the evidence span highlighted
        page.screenshot(path=str(ARTIFACTS / "3-incident.png"), full_page=True)

        page.click("nav >> text=Review queue")
        page.wait_for_url("**/review")
        row = page.locator("tr", has=page.locator(f"a[href='/incidents/{incident_id}']"))
        assert row.count() == 1
        row.locator("button:has-text('Accept')").click()
        page.wait_for_url("**/review")
        assert page.locator(f"a[href='/incidents/{incident_id}']").count() == 0
        page.screenshot(path=str(ARTIFACTS / "4-review-after-accept.png"), full_page=True)

        page.goto(server + "/api/audit")
        entries = json.loads(page.inner_text("body"))["items"]
        newest = entries[0]
        assert (newest["actor"], newest["action"], newest["target_id"]) == (
            "alice",
            "incident.accept",
            incident_id,
        )

        # keyboard: j/k move the selection (clamped at the ends), r rejects the selected incident
        page.goto(server + "/review")
        rows = page.locator("table#queue tr[data-incident]")
        waiting = rows.count()
        assert waiting >= 1
        page.keyboard.press("j")
        page.keyboard.press("k")
        assert "selected" in (rows.nth(0).get_attribute("class") or "")
        second = rows.nth(0).get_attribute("data-incident")
        with page.expect_navigation():
            page.keyboard.press("r")
        assert rows.count() == waiting - 1
        assert page.locator(f"tr[data-incident='{second}']").count() == 0
        page.goto(server + "/api/audit")
        newest = json.loads(page.inner_text("body"))["items"][0]
        assert (newest["action"], newest["target_id"]) == ("incident.reject", second)  # by the key
        page.screenshot(path=str(ARTIFACTS / "5-audit.png"), full_page=True)
        page.goto(server + f"/incidents/{incident_id}")
        assert "accepted" in page.inner_text("body")
        assert elsewhere == []
    finally:
        page.screenshot(path=str(ARTIFACTS / "last.png"), full_page=True)
        context.close()

"""The map page: inline SVG on the shipped outlines, nothing fetched from elsewhere, filters applied,
text escaped, and nothing restricted shown to a viewer."""

from __future__ import annotations

import re

from armtrace.store.models import Incident, IncidentActor, IncidentWeapon, Statement
from tests.web.conftest import NOW, World
from tests.web.test_pages import _login

EXTERNAL = re.compile(
    r"""(?:https?:)?//[^\s"'<>]+|url\(|@import|<script|<link|<img|<iframe""", re.I
)


def _no_external(html: str) -> None:
    # The SVG namespace is not a fetch; anything else with a scheme or // is.
    found = [m for m in EXTERNAL.findall(html) if "www.w3.org/2000/svg" not in m]
    assert found == []


def test_map_is_offline_inline_svg_with_flows_and_incidents(world: World) -> None:
    _login(world.client, "analyst")
    r = world.client.get("/map")
    assert r.status_code == 200
    assert "default-src 'none'" in r.headers["content-security-policy"]
    _no_external(r.text)
    assert '<svg id="map"' in r.text and 'data-iso2="EG"' in r.text  # the Natural Earth outlines
    assert r.text.count('class="incident"') >= 3  # dots link to incident pages
    assert 'href="/incidents/inc-pub"' in r.text
    assert "LY → EG" in r.text and 'class="flow"' in r.text
    assert "inc-sec" in r.text  # analysts see restricted incidents


def test_map_filters(world: World) -> None:
    _login(world.client, "analyst")
    seizures = world.client.get("/map", params={"type": "seizure", "country": "eg"}).text
    assert 'href="/incidents/inc-pub"' in seizures and "inc-sec" not in seizures
    assert "inc-mixed" not in seizures and "SD → TD" not in seizures
    assert 'value="EG"' in seizures and "<option selected>seizure</option>" in seizures
    actor = world.client.get("/map", params={"actor": "actor of inc-sec"}).text
    assert 'href="/incidents/inc-sec"' in actor and "inc-pub" not in actor
    assert "LY → NE" in actor
    late = world.client.get("/map", params={"since": "2014"}).text
    assert "0 incidents" in late and "No flows match." in late
    graded = world.client.get("/map", params={"grade": "confirmed"}).text
    assert "0 incidents" in graded
    assault = world.client.get("/map", params={"category": "assault_rifle"}).text
    assert "inc-pub" in assault
    rockets = world.client.get("/map", params={"category": "mortar"}).text
    assert "0 incidents" in rockets
    # bad values are dropped, not errors
    bad = world.client.get("/map", params={"since": "x'--", "type": "nope", "country": "ZZZ"})
    assert bad.status_code == 200 and "inc-pub" in bad.text


def test_map_hides_restricted_from_viewers_and_needs_login(world: World) -> None:
    assert world.client.get("/map", follow_redirects=False).status_code == 303
    _login(world.client, "viewer")
    page = world.client.get("/map").text
    assert "inc-pub" in page
    for word in ("inc-sec", "inc-mixed", "Agadez", "LY → NE", "SD → TD"):
        assert word not in page


def test_map_escapes_text(world: World) -> None:
    evil = "<script>alert('x')</script>"
    with world.store.transaction() as s:
        inc = Incident(
            id="inc-evil",
            source_id="pub-src",
            position=9,
            type="seizure",
            date="2013-05-01",
            grade="reported",
            modality="asserted",
            created_at=NOW,
            place=evil,
            country="EG",
        )
        inc.weapons = [IncidentWeapon(position=0, category="pistol", quantity=1)]
        inc.actors = [IncidentActor(position=0, name=evil, role="trafficker")]
        inc.statements = [
            Statement(
                field="type",
                value="seizure",
                source_id="pub-src",
                start=0,
                end=5,
                grade="reported",
                author="extractor",
                created_at=NOW,
            )
        ]
        s.add(inc)
    _login(world.client, "analyst")
    page = world.client.get("/map", params={"actor": evil}).text
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'href="/incidents/inc-evil"' in page
    _no_external(page)


def _add_dated(world: World) -> None:
    from tests.web.conftest import _incident

    with world.store.transaction() as s:
        late = _incident("inc-2016", "pub-src", (0, 58), type="seizure", origin="LY", country="EG")
        late.date = "2016-05-01"
        undated = _incident("inc-undated", "pub-src", (0, 58), origin="LY", destination="TN")
        undated.date = None
        s.add_all([late, undated])


def test_period_slider_and_year_bars(world: World) -> None:
    _add_dated(world)
    _login(world.client, "analyst")
    page = world.client.get("/map").text
    assert 'type="range" name="from" min="2013" max="2016" step="1" value="2013"' in page
    assert 'name="to" min="2013" max="2016" step="1" value="2016"' in page
    assert "inc-undated" in page  # sliders at their ends: no limit, undated incidents stay
    table = page[page.index('<table id="incidents">') :]
    assert table.index("inc-2016") < table.index("inc-pub") < table.index("inc-undated")
    assert page.count('class="year chosen"') == 2  # 2013 and 2016 have incidents
    late = world.client.get("/map", params={"from": "2016", "to": "2016"}).text
    assert "inc-2016" in late and "inc-pub" not in late and "inc-undated" not in late
    assert 'class="year"' in late and late.count('class="year chosen"') == 1
    early = world.client.get("/map", params={"from": "2013", "to": "2014"}).text
    assert "inc-pub" in early and "inc-2016" not in early
    assert "inc-undated" not in early  # an upper limit: unknown dates are not known to be before it
    nonsense = world.client.get("/map", params={"from": "1900", "to": "x"}).text
    assert "inc-2016" in nonsense and "inc-undated" in nonsense
    bars = world.client.get("/map", params={"country": "EG"}).text
    assert 'href="/map?country=EG&amp;since=2016&amp;until=2016"' in bars
    _no_external(bars)


def test_basemap_is_one_cached_file_and_pages_carry_only_coloured_countries(world: World) -> None:
    svg = world.client.get("/map/basemap.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert "max-age" in svg.headers["cache-control"]
    assert svg.text.count("<path") > 100 and 'data-iso2="FR"' in svg.text
    _no_external(svg.text)
    _login(world.client, "analyst")
    page = world.client.get("/map")
    assert '<image href="/map/basemap.svg"' in page.text
    assert "img-src 'self'" in page.headers["content-security-policy"]
    assert 'data-iso2="LY"' in page.text and 'data-iso2="FR"' not in page.text
    assert len(page.content) < len(svg.content)

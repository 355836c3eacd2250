"""Flows, routes and actor chains on both backends."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from armtrace.analysis.flows import FlowFilter, actor_flows, country_flows, transit_routes
from armtrace.cli import app
from tests.analysis.conftest import add_incident


def _seed(session) -> None:  # type: ignore[no-untyped-def]
    add_incident(
        session,
        "a",
        "seizure",
        origin="LY",
        country="EG",
        date="2012-06-11",
        weapons=(("manpads", 69), ("ammunition", None)),
        source="s1",
        extra_sources=("s2",),
    )
    add_incident(
        session,
        "b",
        "trafficking",
        origin="LY",
        destination="EG",
        via=("TN",),
        date="2013-01",
        weapons=(("assault_rifle", 30),),
        grade="alleged",
        source="s3",
    )
    add_incident(  # a denial is never a flow
        session,
        "c",
        "transfer",
        origin="LY",
        destination="EG",
        modality="negated",
        weapons=(("manpads", 1000),),
    )
    add_incident(
        session,
        "d",
        "transfer",
        origin="QA",
        destination="LY",
        date="2011-05",
        grade="corroborated",
        weapons=(("atgm", 20),),
        actors=(("Qatar", "supplier", None), ("rebels", "recipient", None)),
    )
    add_incident(
        session,
        "e",
        "trafficking",
        origin="LY",
        destination="ML",
        via=("NE", "DZ"),
        date="2012-02",
        weapons=(("manpads", None),),
        actors=(
            ("Libyan army", "supplier", None),
            ("smugglers", "trafficker", None),
            ("AQIM", "recipient", "aqim"),
        ),
    )
    add_incident(session, "f", "seizure", origin="LY", country="LY")  # no movement
    session.commit()


def test_country_flows_count_incidents_items_grades_and_sources(session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    flows = {a.path: a for a in country_flows(session)}
    assert set(flows) == {("LY", "EG"), ("QA", "LY"), ("LY", "ML")}
    ly_eg = flows[("LY", "EG")]
    assert ly_eg.incidents == {"a", "b"}  # the negated claim 'c' is not counted
    assert ly_eg.items == 99 and ly_eg.unquantified == 1
    assert ly_eg.category_items == {"manpads": 69, "assault_rifle": 30}
    assert ly_eg.grades == {"reported": 1, "alleged": 1}
    assert (ly_eg.first, ly_eg.last) == ("2012-06-11", "2013-01")
    assert len(ly_eg.sources) == 3  # s1 and s2 behind 'a', s3 behind 'b'


def test_filters(session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    paths = lambda flt: sorted(a.path for a in country_flows(session, flt))  # noqa: E731
    assert paths(FlowFilter(grade_at_least="reported")) == [
        ("LY", "EG"),
        ("LY", "ML"),
        ("QA", "LY"),
    ]
    assert paths(FlowFilter(grade_at_least="corroborated")) == [("QA", "LY")]
    assert paths(FlowFilter(since="2012-03", until="2013")) == [("LY", "EG")]
    assert paths(FlowFilter(country="DZ")) == [("LY", "ML")]  # a transit country
    assert paths(FlowFilter(actor="aqim")) == [("LY", "ML")]
    assert paths(FlowFilter(actor="QATAR")) == [("QA", "LY")]
    only = country_flows(session, FlowFilter(category="manpads"))
    assert [(a.path, a.items, a.unquantified) for a in only] == [
        (("LY", "EG"), 69, 0),  # the ammunition beside the missiles is not counted
        (("LY", "ML"), 0, 1),
    ]


def test_routes_and_actor_chains(session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    assert [r.path for r in transit_routes(session)] == [  # more items first
        ("LY", "TN", "EG"),
        ("LY", "NE", "DZ", "ML"),
    ]
    chains = {a.path for a in actor_flows(session)}
    assert chains == {("Qatar", "rebels"), ("Libyan army", "smugglers"), ("smugglers", "aqim")}


def test_cli_formats(store_url: str) -> None:
    from armtrace.store import open_store

    store = open_store(store_url)
    with store.session() as s:
        _seed(s)
    runner = CliRunner()
    table = runner.invoke(app, ["flows", "--db", store_url], catch_exceptions=False)
    assert table.exit_code == 0 and "LY → EG" in table.output
    raw = runner.invoke(app, ["flows", "--db", store_url, "--format", "json"]).output
    data = json.loads(raw)
    assert data[0]["path"] == ["LY", "EG"] and data[0]["incident_ids"] == ["a", "b"]
    geo = json.loads(
        runner.invoke(app, ["routes", "--db", store_url, "--format", "geojson"]).output
    )
    assert geo["features"][0]["geometry"]["type"] == "LineString"
    assert [len(f["geometry"]["coordinates"]) for f in geo["features"]] == [3, 4]
    csv_out = runner.invoke(app, ["actors", "--db", store_url, "--format", "csv"]).output
    assert csv_out.splitlines()[0].startswith("path,incidents,items")
    assert "AQIM" in runner.invoke(app, ["actors", "--db", store_url]).output
    bad = runner.invoke(app, ["flows", "--db", store_url, "--grade", "rumour"])
    assert bad.exit_code == 2
    store.dispose()

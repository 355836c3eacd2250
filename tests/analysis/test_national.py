"""National reporting (ATT annual report, PoA/ITI) and the FollowTheMoney export, on both backends."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

from typer.testing import CliRunner

from armtrace.analysis.national import att_category, national_report, to_csv, to_markdown
from armtrace.cli import app
from armtrace.exports.ftm import ftm_entities
from armtrace.records.models import Item, Record, TraceRequest
from armtrace.store import open_store
from tests.analysis.conftest import add_incident

NOW = datetime(2024, 1, 1)


def _record(rid: str, **kw) -> Record:  # type: ignore[no-untyped-def]
    return Record(id=rid, kind="transfer", source_file="t.csv", row_number=1, imported_at=NOW, **kw)


def _seed(session) -> None:  # type: ignore[no-untyped-def]
    session.add_all(
        [
            _record(
                "r1",
                exporter="FR",
                importer="QA",
                category="assault_rifle",
                model="FAMAS",
                quantity=200,
                date="2011-03-02",
                reference="LIC-1",
            ),
            _record(
                "r2",
                exporter="FR",
                importer="QA",
                category="assault_rifle",
                model="HK416",
                quantity=50,
                date="2011-09-01",
                reference="LIC-2",
            ),
            _record(
                "r3",
                exporter="FR",
                importer="AE",
                category="manpads",
                quantity=10,
                date="2011-05-01",
            ),
            _record(
                "r4",
                exporter="FR",
                importer="QA",
                category="ammunition",
                quantity=100000,
                date="2011-05-01",
            ),
            _record(
                "r5", exporter="FR", importer="QA", category="pistol", quantity=5, date="2010-05-01"
            ),  # another year
            _record(
                "r6",
                exporter="BE",
                importer="FR",
                category="heavy_machine_gun",
                serial="A123",
                date="2011-07-07",
            ),  # an import, one item by its serial
            Record(
                id="r7",
                kind="stockpile",
                source_file="s.csv",
                row_number=1,
                imported_at=NOW,
                country="FR",
                category="pistol",
                serial="P1",
                manufacturer="MAS",
                date="2011-01-01",
            ),
            Item(
                id="i1",
                serial="123?5",
                country="FR",
                date="2011-04-01",
                category="assault_rifle",
                model="AK-47",
                country_mark="SU",
                year_mark="1979",
                created_at=NOW,
            ),
            Item(
                id="i2",
                serial="77",
                country="FR",
                date="2011-04-02",
                manufacturer="Norinco",
                created_at=NOW,
                incident_id="a",
            ),
            Item(id="i3", serial="88", country="ML", date="2011-04-02", created_at=NOW),
        ]
    )
    session.flush()
    session.add_all(
        [
            TraceRequest(
                item_id="i1",
                state="RU",
                reason="seized",
                intended_use="inquiry",
                requester="FR police",
                status="answered",
                created_at=NOW,
                sent_on=date(2011, 5, 1),
                answered_on=date(2011, 5, 31),
            ),
            TraceRequest(
                item_id="i2",
                state="CN",
                reason="seized",
                intended_use="inquiry",
                requester="FR police",
                status="sent",
                created_at=NOW,
                sent_on=date(2011, 6, 1),
            ),
            TraceRequest(
                item_id="i3",
                state="FR",
                reason="found",
                intended_use="panel",
                requester="UN panel",
                status="acknowledged",
                created_at=NOW,
                sent_on=date(2011, 8, 1),
            ),
        ]
    )
    session.commit()


def _rows(table) -> list[list]:  # type: ignore[no-untyped-def]
    return [list(r) for r in table.rows]


def test_att_categories_follow_the_reporting_template() -> None:
    assert att_category("assault_rifle") == ("VIII. Small arms", "Assault rifles")
    assert att_category("heavy_machine_gun")[0] == "VIII. Light weapons"
    assert att_category("manpads") == ("VII. Missiles and missile launchers", "MANPADS")
    assert att_category("ammunition")[0].startswith("Ammunition")


def test_att_exports_and_imports_by_category_and_partner(session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    report = national_report(session, "fr", 2011)
    exports, imports = report.att
    rows = _rows(exports)
    salw = [r for r in rows if r[0] == "VIII. Small arms"]
    assert salw == [
        ["VIII. Small arms", "Assault rifles", "QA", 250, 2, "FAMAS, HK416", "LIC-1; LIC-2"]
    ]  # 2010's pistols are another year
    assert ["VII. Missiles and missile launchers", "MANPADS", "AE", 10, 1, "", ""] in rows
    assert any(r[0].startswith("Ammunition") and r[3] == 100000 for r in rows)
    assert ["Total VIII. Small arms", "", "", 250, "", "", ""] in rows
    assert _rows(imports)[0][:5] == ["VIII. Light weapons", "Heavy machine guns", "BE", 1, 1]


def test_poa_iti_marking_records_and_tracing(session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    marking, records, tracing = national_report(session, "FR", 2011).poa
    m = {r[0]: r[1] for r in marking.rows}
    assert m["items documented"] == 2 and m["serial fully legible"] == 1
    assert m["country-of-manufacture mark"] == 1 and m["manufacturer identified"] == 1
    kinds = {r[0]: r for r in records.rows}
    assert kinds["transfer"][1] == 6 and kinds["transfer"][6] == 2  # two with a licence reference
    assert kinds["stockpile"][3] == 1
    t = {(r[0], r[1]): r for r in tracing.rows}
    assert t[("received", "FR")][2:7] == [1, 0, 0, 1, 0]
    assert t[("made about items found here", "RU")][-1] == "30"
    assert t[("made about items found here", "CN")][4] == 1


def test_markdown_and_csv_renderings(session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    report = national_report(session, "FR", 2011)
    md = to_markdown(report)
    assert "## ATT annual report" in md and "## UN PoA / ITI" in md
    assert "| VIII. Small arms | Assault rifles | QA | 250 |" in md
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert rows[0][0] == "table"
    assert any(r[0] == "ATT annual report 2011: exports of FR" and r[3] == "QA" for r in rows)


def test_ftm_export_shapes(session) -> None:  # type: ignore[no-untyped-def]
    add_incident(
        session,
        "a",
        "trafficking",
        origin="LY",
        destination="ML",
        via=("NE",),
        actors=(("AQIM", "recipient", "aqim"), ("smugglers", "trafficker", None)),
    )
    add_incident(session, "z", "transfer", origin="LY", destination="EG", modality="negated")
    session.commit()
    _seed(session)
    entities = list(ftm_entities(session))
    by_id = {e["id"]: e for e in entities}
    for e in entities:
        assert set(e) == {"id", "schema", "properties"}
        assert all(
            isinstance(v, list) and all(isinstance(x, str) for x in v)
            for v in e["properties"].values()
        )
    event = by_id["armtrace-incident-a"]
    assert event["schema"] == "Event"
    assert set(event["properties"]["country"]) >= {"ly", "ml", "ne"}
    assert "armtrace-actor-aqim" in event["properties"]["involved"]
    assert any(n.startswith("type: trafficking") for n in event["properties"]["notes"])
    assert "armtrace-incident-z" not in by_id  # a denial is not an event
    assert by_id["armtrace-actor-aqim"]["schema"] == "Organization"
    smugglers = [e for e in entities if e["properties"].get("name") == ["smugglers"]]
    assert smugglers[0]["schema"] == "LegalEntity"
    assert by_id["armtrace-item-i2"]["schema"] == "Asset"
    link = by_id["armtrace-link-i2-a"]
    assert link["schema"] == "UnknownLink"
    assert link["properties"]["subject"] == ["armtrace-incident-a"]
    json.dumps(entities)


def test_cli_national_report_and_export_ftm(store_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_url)
    with store.session() as s:
        _seed(s)
    store.dispose()
    url = store_url
    runner = CliRunner()
    res = runner.invoke(app, ["national-report", "--db", url, "--country", "FR", "--year", "2011"])
    assert res.exit_code == 0, res.output
    assert "Assault rifles" in res.output
    res = runner.invoke(
        app,
        ["national-report", "--db", url, "--country", "FR", "--year", "2011", "--format", "csv"],
    )
    assert res.exit_code == 0 and res.output.startswith("table,")
    out = tmp_path / "ftm.jsonl"
    res = runner.invoke(app, ["export-ftm", "--db", url, "-o", str(out)])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert {e["schema"] for e in lines} >= {"Asset"}


def test_export_format_ftm_follows_the_filters(store_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_url)
    with store.session() as s:
        add_incident(
            s,
            "a",
            "trafficking",
            origin="LY",
            destination="ML",
            actors=(("AQIM", "recipient", "aqim"),),
        )
        add_incident(
            s,
            "b",
            "seizure",
            origin="SD",
            destination="TD",
            actors=(("smugglers", "trafficker", None),),
        )
        s.commit()
        _seed(s)
        s.commit()
    store.dispose()
    runner = CliRunner()
    everything = tmp_path / "all.jsonl"
    res = runner.invoke(
        app, ["export", "--db", store_url, "--format", "ftm", "-o", str(everything)]
    )
    assert res.exit_code == 0, res.output
    alias = tmp_path / "alias.jsonl"
    assert runner.invoke(app, ["export-ftm", "--db", store_url, "-o", str(alias)]).exit_code == 0
    assert everything.read_text() == alias.read_text()  # the old command is the same export
    res = runner.invoke(app, ["export", "--db", store_url, "--format", "ftm", "--country", "ML"])
    assert res.exit_code == 0, res.output
    ids = {json.loads(x)["id"] for x in res.stdout.splitlines() if x.startswith("{")}
    assert "armtrace-incident-a" in ids and "armtrace-actor-aqim" in ids
    assert "armtrace-item-i2" in ids  # documented in incident a
    assert not ids & {"armtrace-incident-b", "armtrace-item-i3"}
    assert not any(i.startswith("armtrace-actor-") and i != "armtrace-actor-aqim" for i in ids)

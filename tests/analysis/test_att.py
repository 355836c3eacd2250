"""ATT risk evidence on both backends: each section finds what was seeded, with its citations, and
nothing decides."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from typer.testing import CliRunner

from armtrace.analysis.att import assess, resolve_party
from armtrace.analysis.screening import screen
from armtrace.cli import app
from armtrace.records.models import Item, MatchDecision, Record, TraceRequest
from tests.analysis.conftest import add_incident

NOW = datetime(2024, 1, 1)
AS_OF = date(2024, 1, 1)


def _seed_incidents(session) -> None:  # type: ignore[no-untyped-def]
    add_incident(session, "fr", "transfer", origin="FR", destination="LY", date="2011-06-29")
    add_incident(
        session, "out", "trafficking", source="s2", origin="LY", destination="ML", date="2012"
    )
    add_incident(
        session,
        "mp",
        "seizure",
        source="s3",
        origin="LY",
        country="EG",
        date="2012-06",
        weapons=(("manpads", 12),),
    )
    add_incident(session, "loot", "looting", source="s4", country="LY", date="2011-03")
    add_incident(session, "misrata", "use", source="s5", country="LY", date="2011-04-14")
    add_incident(  # weapons reach a group in Libya, which later uses weapons in Tunisia
        session,
        "to_as",
        "transfer",
        origin="QA",
        destination="LY",
        date="2011-05",
        actors=(("Ansar al-Sharia", "recipient", "ansar_sharia_ly"),),
    )
    add_incident(
        session,
        "as_use",
        "use",
        source="s6",
        country="TN",
        date="2015-03",
        actors=(("Ansar al-Sharia", "user", "ansar_sharia_ly"),),
    )
    add_incident(  # a denied claim is no evidence
        session, "denied", "trafficking", origin="LY", destination="NE", modality="negated"
    )
    session.commit()


def _seed_tracing(session) -> None:  # type: ignore[no-untyped-def]
    record = Record(
        id="r1",
        kind="transfer",
        source_file="att_report.csv",
        row_number=3,
        category="assault_rifle",
        serial="AB123",
        exporter="BG",
        importer="LY",
        quantity=1,
        imported_at=NOW,
    )
    re_export = Record(
        id="r2",
        kind="transfer",
        source_file="att_report.csv",
        row_number=4,
        exporter="LY",
        importer="SD",
        category="rifle",
        quantity=40,
        imported_at=NOW,
    )
    item = Item(id="i1", serial="AB123", country="ML", date="2013-02", created_at=NOW)
    other = Item(id="i2", serial="ZZ9", country="NE", created_at=NOW)
    session.add_all([record, re_export, item, other])
    session.flush()
    decisions = [  # i1 confirmed; i2 confirmed then rejected: the latest decision stands
        ("i1", "confirmed", datetime(2023, 1, 1)),
        ("i2", "confirmed", datetime(2023, 1, 1)),
        ("i2", "rejected", datetime(2023, 2, 1)),
    ]
    for item_id, decision, when in decisions:
        session.add(
            MatchDecision(
                item_id=item_id, record_id="r1", decision=decision, analyst="a", decided_at=when
            )
        )
    for item_id, sent, answered in (
        ("i1", date(2023, 3, 1), date(2023, 4, 10)),
        ("i2", None, None),
    ):
        session.add(
            TraceRequest(
                item_id=item_id,
                state="LY",
                reason="found in Mali",
                intended_use="research",
                requester="r",
                status="answered" if answered else ("sent" if sent else "draft"),
                created_at=NOW,
                sent_on=sent,
                answered_on=answered,
            )
        )
    session.add(  # sent long ago and never answered: overdue by the 90-day default
        TraceRequest(
            item_id="i2",
            state="LY",
            reason="r",
            intended_use="u",
            requester="r",
            status="sent",
            created_at=NOW,
            sent_on=date(2023, 5, 1),
        )
    )
    session.commit()


def test_sections_find_the_evidence(session) -> None:  # type: ignore[no-untyped-def]
    _seed_incidents(session)
    _seed_tracing(session)
    screen(session)
    a = assess(session, "fr", "ly", as_of=AS_OF)
    emb = a.section("embargo")
    assert emb.indicators["in_force"] == ["libya"]
    assert "ansar_sharia_ly" in emb.indicators["listed_groups_based_in_importer"]
    libya = emb.evidence[0]
    assert libya["status"] == "in force" and libya["resolutions"][0]["label"] == "1970 (2011)"
    assert all(r["cite"] for r in libya["resolutions"])
    assert emb.indicators["screening_flags"] >= 1  # the stored flags for LY are cited

    div = a.section("diversion")
    ids = {e["incident"] for e in div.evidence if "incident" in e}
    assert ids == {"out", "mp", "loot"}  # the denied one never counts; transfers are onward flows
    loot = next(e for e in div.evidence if e.get("incident") == "loot")
    assert loot["why"] == ["looting in LY"] and loot["sources"] and loot["quote"]["text"]
    traced = [e["traced_item"] for e in div.evidence if "traced_item" in e]
    assert [(t["item"], t["found_in"], t["record"]) for t in traced] == [("i1", "ML", "r1")]
    assert div.indicators["traced_items_found_outside"] == 1

    onward = a.section("onward")
    assert set(onward.indicators["destinations"]) == {"ML", "EG"}
    assert onward.indicators["recorded_transfers_from"] == 1

    misuse = a.section("misuse")
    whys = {e["incident"]: e["why"] for e in misuse.evidence}
    assert whys["misrata"] == ["use in LY"]
    assert whys["as_use"] == ["use by ansar_sharia_ly (recipient of weapons into LY)"]

    coop = a.section("cooperation").indicators
    assert (coop["requests_sent"], coop["answered"], coop["overdue"]) == (2, 1, 1)
    assert coop["response_rate"] == 0.5 and coop["median_days_to_answer"] == 40

    assert a.section("prior").indicators["incidents"] == 1
    assert a.as_dict()["decision"] is None
    cited = {s for sec in a.sections for e in sec.evidence for s in e.get("sources", ())}
    assert cited <= set(a.sources) and cited


def test_category_and_end_user(session) -> None:  # type: ignore[no-untyped-def]
    _seed_incidents(session)
    a = assess(session, "FR", "LY", end_user="AQIM", category="manpads", as_of=AS_OF)
    assert {e["incident"] for e in a.section("diversion").evidence} == {"mp"}
    listed = [e for e in a.section("embargo").evidence if e.get("party") == "AQIM"]
    assert listed and listed[0]["embargo"] == "al_qaida_isil" and listed[0]["status"] == "in force"
    assert a.section("diversion_end_user").title.endswith("DZ")  # AQIM's home country
    assert a.section("cooperation").notes  # nothing recorded: unknown, not good


def test_lifted_embargo_and_bad_input(session) -> None:  # type: ignore[no-untyped-def]
    a = assess(session, "IT", "SO", as_of=AS_OF)
    somalia = a.section("embargo").evidence[0]
    assert somalia["status"] == "lifted" and a.section("embargo").indicators["lifted"] == [
        "somalia"
    ]
    assert resolve_party("Ansar Dine").actor.id == "ansar_dine"
    with pytest.raises(ValueError):
        assess(session, "FR", "Libya")


def test_cli(store_url: str) -> None:
    from armtrace.store import open_store

    store = open_store(store_url)
    with store.session() as s:
        _seed_incidents(s)
    runner = CliRunner()
    args = ["att-assess", "--db", store_url, "--exporter", "FR", "--importer", "LY"]
    table = runner.invoke(app, [*args, "--as-of", "2024-01-01"], catch_exceptions=False)
    assert table.exit_code == 0, table.output
    assert "1970 (2011)" in table.output and "looting in LY" in table.output
    assert "decision are the analyst's" in table.output
    raw = runner.invoke(app, [*args, "--format", "json"], catch_exceptions=False).stdout
    data = json.loads(raw)
    assert data["decision"] is None and [s["key"] for s in data["sections"]][0] == "embargo"
    bad = runner.invoke(
        app, ["att-assess", "--db", store_url, "--exporter", "FR", "--importer", "X"]
    )
    assert bad.exit_code == 2
    store.dispose()

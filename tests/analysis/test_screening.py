"""Embargo screening on both backends, the embargo table and the sanctions-list importers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from armtrace.analysis.embargoes import load_embargoes, overlap, period
from armtrace.analysis.models import SanctionsListing
from armtrace.analysis.sanctions import import_list
from armtrace.analysis.screening import exempt, list_flags, screen
from armtrace.cli import app
from tests.analysis.conftest import add_incident

FIXTURES = Path(__file__).with_name("fixtures")


def test_table_is_cited_and_dated() -> None:
    embargoes = {e.id: e for e in load_embargoes()}
    libya = embargoes["libya"]
    assert libya.start == date(2011, 2, 26) and libya.resolutions[0].label == "1970 (2011)"
    assert [r.label for r in libya.in_force(date(2013, 1, 1))] == [
        "1970 (2011)",
        "1973 (2011)",
        "2009 (2011)",
    ]
    assert all(r.cite for e in embargoes.values() for r in e.resolutions)
    assert {x.actor for x in embargoes["al_qaida_isil"].listed} >= {"aqim", "mujao", "ansar_dine"}


def test_partial_dates() -> None:
    start = date(2011, 2, 26)
    assert overlap(*period("2011-06-29"), start, None) == "certain"
    assert overlap(*period("2011"), start, None) == "possible"  # maybe before 26 February
    assert overlap(*period("2010-12"), start, None) is None
    assert overlap(*period("2024"), date(1992, 1, 23), date(2023, 12, 1)) is None


def _seed(session) -> None:  # type: ignore[no-untyped-def]
    add_incident(session, "fr", "transfer", origin="FR", destination="LY", date="2011-06-29")
    add_incident(session, "early", "transfer", origin="FR", destination="LY", date="2010-05")
    add_incident(session, "seized", "seizure", origin="XX", destination="LY", date="2012")
    add_incident(
        session,
        "denied",
        "transfer",
        origin="QA",
        destination="LY",
        date="2011-07",
        modality="negated",
    )
    add_incident(  # supplies to a listed group, after its listing
        session,
        "mujao",
        "trafficking",
        origin="DZ",
        destination="ML",
        date="2013-02",
        actors=(("MUJAO", "recipient", "mujao"),),
    )
    add_incident(  # ... and before Ansar Dine's listing (20 March 2013): no flag
        session,
        "ad",
        "trafficking",
        origin="DZ",
        destination="ML",
        date="2012-06",
        actors=(("Ansar Dine", "recipient", "ansar_dine"),),
    )
    add_incident(  # Lebanon: arms to non-state recipients only
        session,
        "lb",
        "transfer",
        origin="SY",
        destination="LB",
        date="2012-04",
        actors=(("rebels", "recipient", None),),
    )
    add_incident(session, "lb_state", "transfer", origin="US", destination="LB", date="2012-04")
    session.commit()


def test_screen_flags_and_exemption_survives(session) -> None:  # type: ignore[no-untyped-def]
    _seed(session)
    total, new = screen(session)
    flags = {(f.incident_id, f.embargo_id, f.basis) for f in list_flags(session)}
    assert flags == {
        ("fr", "libya", "destination"),
        ("mujao", "al_qaida_isil", "recipient"),
        ("lb", "lebanon", "destination"),
    }
    assert (total, new) == (3, 3)
    fr = next(f for f in list_flags(session) if f.incident_id == "fr")
    assert fr.resolutions == "1970 (2011); 1973 (2011)" and fr.certainty == "certain"
    evidence = json.loads(fr.evidence)
    assert evidence and evidence[0]["text"] == "Report s1."  # the span the statement points to
    exempt(session, fr.id[:8], "Committee notified (test)", "analyst")
    assert screen(session) == (3, 0)
    again = session.get(type(fr), fr.id)
    assert again.status == "exempted" and again.exemption_reason == "Committee notified (test)"


def test_imported_listing_extends_screening(session) -> None:  # type: ignore[no-untyped-def]
    n, matched = import_list(session, FIXTURES / "un_consolidated.xml")
    session.commit()
    assert (n, matched) == (3, 1)
    ad = session.get(SanctionsListing, "un:QDe.135")
    assert ad.actor_id == "ansar_dine" and ad.embargo_id == "al_qaida_isil"
    assert ad.listed_on == date(2013, 3, 20)
    assert session.get(SanctionsListing, "un:CDe.999").embargo_id is None  # no table entry
    n, matched = import_list(session, FIXTURES / "opensanctions.ftm.json")
    session.commit()
    assert (n, matched) == (2, 1)
    bh = session.get(SanctionsListing, "os:NK-bokoharam")
    assert (bh.actor_id, bh.matched_alias, bh.reference) == ("boko_haram", "Boko Haram", "QDe.138")
    assert bh.listed_on == date(2014, 5, 22)


def test_cli(store_url: str) -> None:
    from armtrace.store import open_store

    store = open_store(store_url)
    with store.session() as s:
        _seed(s)
    runner = CliRunner()
    result = runner.invoke(app, ["screen", "--db", store_url], catch_exceptions=False)
    assert result.exit_code == 0 and "1970 (2011)" in result.output and "3 flags" in result.output
    data = json.loads(runner.invoke(app, ["screen", "--db", store_url, "--format", "json"]).stdout)
    flag = next(f for f in data if f["incident_id"] == "mujao")
    done = runner.invoke(
        app, ["screen-exempt", flag["id"], "--reason", "test", "--analyst", "me", "--db", store_url]
    )
    assert done.exit_code == 0
    left = runner.invoke(app, ["screen", "--db", store_url, "--status", "open", "--format", "json"])
    assert len(json.loads(left.stdout)) == 2
    imported = runner.invoke(
        app, ["sanctions-import", str(FIXTURES / "un_consolidated.xml"), "--db", store_url]
    )
    assert "3 listings, 1 matched" in imported.output
    assert "1970 (2011)" in runner.invoke(app, ["embargoes"]).output
    store.dispose()


def test_listed_group_moving_arms_is_flagged(session) -> None:  # type: ignore[no-untyped-def]
    bh = (("Boko Haram", "trafficker", "boko_haram"),)
    add_incident(session, "bh_after", "seizure", origin="LY", destination="TD", date="2016-04-04",
                 actors=bh)  # fmt: skip
    add_incident(
        session, "bh_before", "seizure", origin="LY", destination="NG", date="2013-06-09", actors=bh
    )  # fmt: skip  (listed 22 May 2014)
    add_incident(session, "bh_use", "use", country="NG", date="2016-05-01",
                 actors=(("Boko Haram", "trafficker", "boko_haram"),))  # fmt: skip
    session.commit()
    assert screen(session) == (1, 1)
    (flag,) = list_flags(session)
    assert (flag.incident_id, flag.embargo_id, flag.basis, flag.target) == (
        "bh_after",
        "al_qaida_isil",
        "trafficker",
        "boko_haram",
    )
    assert flag.resolutions.endswith("2253 (2015)") and flag.certainty == "certain"

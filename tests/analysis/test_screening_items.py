"""Screening of traced items: an item confirmed against a transfer record is flagged when the record's
importer, exporter (Libya) or end user was under a UN arms embargo at the record's date."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from armtrace.analysis.screening import exempt, list_flags, screen
from armtrace.cli import app
from armtrace.records.importer import import_records, iter_records
from armtrace.records.items import ItemInput, add_item
from armtrace.store import Store
from armtrace.tracing.service import decide

TRANSFERS = """exporter,importer,end_user,date,model,serial,reference
FR,LY,Zintan brigade,2011-06-29,FN FAL,FR-1,AIRDROP-1
RU,LY,Libyan Army,1979-05-02,AKM,AK14001,C-1979-33
LY,ML,MUJAO,2013-02,PKM,PK-77,NONE-1
BE,LY,,,FN FAL,BE-5,UNDATED-1
FR,LY,Zintan brigade,2011-07-01,FN FAL,FR-2,AIRDROP-2
"""


def _world(store: Store, tmp_path: Path) -> dict[str, str]:
    """Items matched to the records above; returns record ids by reference."""
    (tmp_path / "transfers.csv").write_text(TRANSFERS)
    assert import_records(store, tmp_path / "transfers.csv", "transfer").ok
    records = {r.reference: r.id for r in iter_records(store, ["transfer"])}
    for item_id, serial, place, day in (
        ("fal-1", "FR-1", "LY", "2011-09-01"),
        ("akm-1", "AK14001", "ML", "2013-01-20"),
        ("pkm-1", "PK-77", "ML", "2013-03-02"),
        ("fal-5", "BE-5", "ML", "2013-05-05"),
        ("fal-2", "FR-2", "LY", "2011-09-01"),
    ):
        add_item(store, ItemInput(id=item_id, serial=serial, country=place, date=day))
    for item_id, ref in (
        ("fal-1", "AIRDROP-1"),
        ("akm-1", "C-1979-33"),
        ("pkm-1", "NONE-1"),
        ("fal-5", "UNDATED-1"),
    ):
        decide(store, item_id, records[ref], "confirmed", "analyst A", note="serial read on photo")
    # confirmed, then rejected: the latest decision stands, no flag
    decide(store, "fal-2", records["AIRDROP-2"], "confirmed", "analyst A")
    decide(store, "fal-2", records["AIRDROP-2"], "rejected", "analyst B")
    return records


def test_traced_items_are_flagged(store: Store, tmp_path: Path) -> None:
    records = _world(store, tmp_path)
    with store.session() as session:
        assert screen(session) == (4, 4)
        flags = {(f.item_id, f.embargo_id, f.basis, f.target): f for f in list_flags(session)}
    assert set(flags) == {
        ("fal-1", "libya", "traced_importer", "LY"),
        ("pkm-1", "libya", "traced_exporter", "LY"),
        ("pkm-1", "al_qaida_isil", "traced_end_user", "mujao"),
        ("fal-5", "libya", "traced_importer", "LY"),
    }
    airdrop = flags[("fal-1", "libya", "traced_importer", "LY")]
    assert airdrop.record_id == records["AIRDROP-1"] and airdrop.incident_id is None
    assert (airdrop.certainty, airdrop.date_basis, airdrop.grade) == (
        "certain",
        "record",
        "confirmed",
    )
    assert airdrop.resolutions == "1970 (2011); 1973 (2011)"
    evidence = json.loads(airdrop.evidence)
    assert [e["field"] for e in evidence] == ["item", "transfer_record", "match"]
    assert "FR → LY for Zintan brigade (AIRDROP-1) on 2011-06-29" in evidence[1]["text"]
    assert evidence[2]["source"] == "analyst:analyst A"
    mujao = flags[("pkm-1", "al_qaida_isil", "traced_end_user", "mujao")]
    assert mujao.certainty == "certain" and "2083 (2012)" in mujao.resolutions
    undated = flags[("fal-5", "libya", "traced_importer", "LY")]
    assert (undated.certainty, undated.date_basis) == ("possible", "documented")


def test_item_exemption_survives_and_cli_shows_items(store: Store, tmp_path: Path) -> None:
    _world(store, tmp_path)
    with store.session() as session:
        screen(session)
        flag = next(f for f in list_flags(session) if f.item_id == "fal-1")
        exempt(session, flag.id, "Authorised under 1973 (2011) para 4 (test)", "analyst C")
        assert screen(session) == (4, 0)
        again = next(f for f in list_flags(session) if f.item_id == "fal-1")
        assert again.status == "exempted"
    result = CliRunner().invoke(app, ["screen", "--db", store.url, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["item_id"] for r in rows} == {"fal-1", "pkm-1", "fal-5"}
    table = CliRunner().invoke(app, ["screen", "--db", store.url], env={"COLUMNS": "250"})
    assert "item fal-1" in table.output and "traced_importer" in table.output

"""A small stored world: a ledger, a transfer, documented items."""

from __future__ import annotations

from pathlib import Path

import pytest

from armtrace.records.importer import import_records
from armtrace.records.items import ItemInput, add_item
from armtrace.store import Store

LEDGER = """\
holder,depot,place,country,model,manufacturer,country_of_manufacture,calibre,serial,year,status,as_of
Ministry of Defence,Depot 7,Mizda,LY,AKM,Izhmash,RU,7.62x39,AK 1-4172,1978,looted,2011-03-01
Ministry of Defence,Depot 7,Mizda,LY,AKM,Izhmash,RU,7.62x39,AK 1-5872,1978,in_store,2011-03-01
"""
TRANSFERS = """exporter,importer,end_user,date,model,serial_from,serial_to,reference
RU,LY,Libyan Army,1979-05-02,AKM,AK14000,AK14999,C-1979-33
"""


@pytest.fixture
def world(store: Store, tmp_path: Path) -> Store:
    (tmp_path / "ledger.csv").write_text(LEDGER)
    (tmp_path / "transfers.csv").write_text(TRANSFERS)
    assert import_records(store, tmp_path / "ledger.csv", "stockpile").ok
    assert import_records(store, tmp_path / "transfers.csv", "transfer").ok
    add_item(store, ItemInput(id="gao-1", serial="AK 1-4?72", model="AKM", manufacturer="Izhmash",
                              year_mark="1978", place="Gao", country="ML", date="2013-02-10",
                              context="seized from a pickup", documented_by="team A"))  # fmt: skip
    add_item(store, ItemInput(id="gao-2", serial="XQ-9911", model="PKM"))
    return store

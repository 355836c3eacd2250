"""The store on both backends: migrations, writes, idempotent re-ingest, rollback of a failed report."""

from datetime import date

import pytest
from sqlalchemy import func, select

from armtrace.reports.document import Report
from armtrace.reports.extraction import Claim, ExtractedIncident, ExtractedWeapon
from armtrace.reports.ingest import ingest_items, write_report
from armtrace.store import Store
from armtrace.store.models import Incident, Source, Statement


def _report(text: str = "Egyptian border guards seized 40 Grad rockets near Sollum.") -> Report:
    return Report(key="r1", text=text, published=date(2013, 3, 14), title="t", format="txt")


def _count(store: Store, model) -> int:  # type: ignore[no-untyped-def]
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_migrations_are_idempotent(store: Store) -> None:
    store.migrate()
    store.migrate()
    assert store.is_initialised()


def test_write_and_read_back_with_statements(store: Store) -> None:
    incident = ExtractedIncident(
        type="seizure",
        weapons=[ExtractedWeapon("artillery_rocket", "Grad", 40, "40")],
        origin="LY",
        via=["SD"],
        destination="EG",
        location="EG",
        place="Sollum",
        claims=[Claim("weapon", "artillery_rocket|Grad|40", 30, 49)],
    )
    with store.transaction() as session:
        write_report(session, _report(), [incident])
    with store.session() as session:
        row = session.scalars(select(Incident)).one()
        assert (row.type, row.origin, row.via, row.destination, row.place) == (
            "seizure",
            "LY",
            ["SD"],
            "EG",
            "Sollum",
        )
        assert row.weapons[0].model == "Grad" and row.weapons[0].quantity == 40
        [statement] = row.statements
        assert (statement.field, statement.start, statement.end) == ("weapon", 30, 49)
        assert statement.source_id == row.source_id


def test_reingest_changes_nothing(store: Store) -> None:
    first = ingest_items(store, [_report()])
    second = ingest_items(store, [_report()])
    assert (first.added, second.added, second.skipped) == (1, 0, 1)
    assert _count(store, Source) == 1
    assert _count(store, Incident) == first.incidents


def test_failed_report_is_rolled_back_and_the_rest_ingested(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import armtrace.reports.ingest as ingest_module

    real = ingest_module.write_report

    def flaky(session, report, incidents, *writer):  # type: ignore[no-untyped-def]
        source = real(session, report, incidents, *writer)
        if report.key == "bad":
            raise RuntimeError("disk full")  # after rows were written: they must not survive
        return source

    monkeypatch.setattr(ingest_module, "write_report", flaky)
    bad = Report(key="bad", text="Malian troops seized 3 PKM machine guns in Gao.", format="txt")
    result = ingest_items(store, [bad, _report()])
    assert result.added == 1
    assert [str(e) for e in result.errors] == ["bad: RuntimeError: disk full"]
    with store.session() as s:
        assert s.scalars(select(Source.key)).all() == ["r1"]
        assert s.scalar(select(func.count()).select_from(Statement)) == sum(
            len(i.statements) for i in s.scalars(select(Incident))
        )

"""One incident per event: several reports of one seizure become one incident with several sources."""

from pathlib import Path

import pytest
from sqlalchemy import select

import armtrace.reports.ingest as ingest_module
from armtrace.reports.grading import grade_incident
from armtrace.reports.ingest import Writer, ingest_items, ingest_paths
from armtrace.reports.readers import read_paths
from armtrace.store import Store, open_store
from armtrace.store.models import Incident, Source
from armtrace.store.queries import grade_reason, incident_record, iter_incidents

FIXTURES = Path(__file__).parent / "fixtures" / "same_event"


def _seizures(store: Store) -> list[Incident]:
    with store.session() as session:
        rows = session.scalars(select(Incident).where(Incident.type == "seizure")).all()
        for row in rows:  # load while the session is open
            _ = [s.source_id for s in row.statements], row.weapons
        return list(rows)


def test_three_reports_of_one_seizure_are_one_corroborated_incident(store: Store) -> None:
    result = ingest_paths(store, [FIXTURES / n for n in ("wire.txt", "daily.txt", "monitor.txt")])
    assert result.ok and result.added == 3
    [incident] = [i for i in _seizures(store) if i.country == "EG"]
    assert len({s.source_id for s in incident.statements}) == 3
    assert incident.grade == "corroborated"
    [grade] = [s.value for s in incident.statements if s.field == "grade"][-1:]
    assert grade.startswith("corroborated: 3 independent sources: Test Wire, Cairo Daily Test")
    same = [s.value for s in incident.statements if s.field == "same_event"]
    assert same and "weapons in common: artillery_rocket" in same[0]
    # every source keeps its own spans
    assert {s.field for s in incident.statements if s.field == "evidence"} == {"evidence"}


def test_a_syndicated_copy_is_not_an_independent_source(store: Store) -> None:
    ingest_paths(store, [FIXTURES / "wire.txt", FIXTURES / "wire-copy.txt"])
    [incident] = [i for i in _seizures(store) if i.country == "EG"]
    assert len({s.source_id for s in incident.statements}) == 2
    assert incident.grade == "reported"


def test_a_different_event_stays_apart(store: Store) -> None:
    ingest_paths(store, [FIXTURES / "wire.txt", FIXTURES / "other-event.txt"])
    countries = sorted(i.country for i in _seizures(store))
    assert countries == ["EG", "TN"]


def test_the_devset_group_of_three_reports_of_one_cache_is_one_incident(store: Store) -> None:
    """The development set keeps such groups (docs/annotation.md): a communiqué, a wire story filed
    from Bamako and a blog post about the Bordj Badji Mokhtar cache of January 2015."""
    dev = Path(__file__).parents[2] / "src/armtrace/reports/devset/dev"
    names = ("dz-2015-bbm-cache-communique", "dz-2015-bbm-cache-wire", "dz-2015-bbm-cache-blog")
    result = ingest_paths(store, [dev / f"{n}.txt" for n in names])
    assert result.ok and result.added == 3
    [incident] = [i for i in _seizures(store) if i.country == "DZ"]
    assert len({s.source_id for s in incident.statements}) == 3
    assert incident.grade == "corroborated"


DEV = Path(__file__).parents[2] / "src/armtrace/reports/devset/dev"


def _everything(store: Store) -> list[dict]:
    with store.session() as session:
        return [incident_record(i) for i in iter_incidents(session)]


def test_incremental_grades_are_those_computed_from_all_sources(store: Store) -> None:
    """The writer updates a grade from the incident's voices; grading every source's text again
    must give the same grade and explanation."""
    ingest_paths(store, [DEV, FIXTURES])
    joined = 0
    with store.session() as session:
        for incident in session.scalars(select(Incident)):
            ids = {s.source_id for s in incident.statements}
            if len(ids) < 2:
                continue
            joined += 1
            sources = session.scalars(select(Source).where(Source.id.in_(ids)).order_by(Source.id))
            graded = grade_incident(incident, list(sources))
            assert incident.grade == graded.grade
            assert grade_reason(incident) == graded.reason
    assert joined >= 3


def test_details_read_back_from_the_database_give_the_same_incidents(
    store: Store, tmp_path: Path
) -> None:
    """With room for one incident's details, every join reads the incident back (its voices
    built again from the stored texts): the database must be the same as with the default."""
    ingest_items(store, read_paths([DEV, FIXTURES]))
    small = open_store(f"sqlite:///{tmp_path / 'small.db'}")
    ingest_items(small, read_paths([DEV, FIXTURES]), writer=Writer(keep=1))
    assert _everything(small) == _everything(store)
    small.dispose()


def test_a_rolled_back_report_is_never_joined(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first report of an event fails after its incident entered the writer's index: the
    next reports must make their own incident, not join one that was never stored."""
    real = ingest_module.write_report

    def flaky(session, report, incidents, *writer):  # type: ignore[no-untyped-def]
        real(session, report, incidents, *writer)
        if report.key == "wire":
            raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_module, "write_report", flaky)
    paths = [FIXTURES / n for n in ("wire.txt", "daily.txt", "monitor.txt")]
    result = ingest_paths(store, paths)
    assert result.added == 2 and [e.message for e in result.errors] == ["RuntimeError: disk full"]
    [incident] = [i for i in _seizures(store) if i.country == "EG"]
    assert len({s.source_id for s in incident.statements}) == 2
    assert incident.grade == "corroborated"

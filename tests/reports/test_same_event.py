"""One incident per event: several reports of one seizure become one incident with several sources."""

from pathlib import Path

from sqlalchemy import select

from armtrace.reports.ingest import ingest_paths
from armtrace.store import Store
from armtrace.store.models import Incident

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

"""Ingest on a real Dask LocalCluster: same database as the serial path, resumable, failures named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from sqlalchemy import func, select

from armtrace.reports.ingest import Writer, ingest_paths
from armtrace.reports.pipeline.dates import DateFinder
from armtrace.reports.readers import read_paths
from armtrace.scale import ingest, ingest_on_cluster
from armtrace.store import Store, open_store
from armtrace.store.models import Incident, Source, Statement
from armtrace.store.queries import incident_record, iter_incidents

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests/reports/fixtures"
CORPUS = [
    ROOT / "src/armtrace/reports/devset/dev",
    FIXTURES / "same_event",
    FIXTURES / "sollum.txt",
]


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # threads in this process: starts in a second, and monkeypatches reach the workers
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def _records(store: Store) -> list[dict]:
    with store.session() as session:
        return [incident_record(i) for i in iter_incidents(session)]


def _count(store: Store, table: type) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(table))


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('serial') / 'a.db'}")
    ingest_paths(store, CORPUS)
    yield store
    store.dispose()


def test_parallel_ingest_matches_the_serial_one(
    store: Store, serial: Store, client: Client
) -> None:
    result = ingest_on_cluster(store, read_paths(CORPUS), client, batch_size=4, window=3)
    assert not result.errors and result.added == _count(serial, Source)
    assert _records(store) == _records(serial)
    again = ingest_on_cluster(store, read_paths(CORPUS), client, batch_size=4)
    assert again.added == 0 and again.skipped == result.added


def test_one_worker_gives_the_same_database(store: Store, serial: Store) -> None:
    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as one,
    ):
        result = ingest_on_cluster(store, read_paths(CORPUS), one, batch_size=7)
    assert not result.errors and _records(store) == _records(serial)


def test_interrupted_ingest_resumes_without_duplicates(
    store: Store, serial: Store, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes = {"n": 0}
    real = Writer.add

    def interrupted(self, connection, report, rows):  # type: ignore[no-untyped-def]
        writes["n"] += 1
        if writes["n"] == 11:  # Ctrl-C in the middle of the third batch's transaction
            raise KeyboardInterrupt
        return real(self, connection, report, rows)

    monkeypatch.setattr(Writer, "add", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest_on_cluster(store, read_paths(CORPUS), client, batch_size=5, window=2)
    assert _count(store, Source) == 10  # two whole batches, nothing of the third
    monkeypatch.setattr(Writer, "add", real)
    result = ingest_on_cluster(store, read_paths(CORPUS), client, batch_size=5)
    assert result.skipped == 10 and not result.errors
    assert _count(store, Source) == _count(serial, Source)
    assert _count(store, Incident) == _count(serial, Incident)
    assert _count(store, Statement) == _count(serial, Statement)


def test_report_whose_component_raises_is_named_and_the_rest_ingested(
    store: Store, client: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    boom = tmp_path / "boom.txt"
    boom.write_text("Police seized 10 pistols in Gao on Monday. BOOM.\n")
    real = DateFinder.__call__

    def fragile(self, doc):  # type: ignore[no-untyped-def]
        if "BOOM" in doc.text:
            raise ValueError("date parser choked")
        return real(self, doc)

    monkeypatch.setattr(DateFinder, "__call__", fragile)
    paths = [FIXTURES / "sollum.txt", boom, FIXTURES / "mali.md"]
    result = ingest_on_cluster(store, read_paths(paths), client, batch_size=2)
    assert [(Path(e.path).name, e.message) for e in result.errors] == [
        ("boom.txt", "extraction failed: ValueError: date parser choked")
    ]
    assert result.added == 2


def test_batch_lost_with_its_worker_is_named_and_retried_next_run(
    store: Store, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ingest.extract_batch

    def dies_on_sollum(reports):  # type: ignore[no-untyped-def]
        if any(r.key == "sollum" for r in reports):
            raise OSError("worker tcp://127.0.0.1:1 lost")  # what a killed worker looks like
        return real(reports)

    monkeypatch.setattr(ingest, "extract_batch", dies_on_sollum)
    paths = [FIXTURES / "mali.md", FIXTURES / "sollum.txt", FIXTURES / "page.html"]
    result = ingest_on_cluster(store, read_paths(paths), client, batch_size=1)
    assert result.added == 2 and [Path(e.path).name for e in result.errors] == ["sollum.txt"]
    assert "run again to retry" in result.errors[0].message
    monkeypatch.setattr(ingest, "extract_batch", real)
    again = ingest_on_cluster(store, read_paths(paths), client, batch_size=1)
    assert (again.added, again.skipped, again.errors) == (1, 2, [])


def test_reports_of_one_event_in_one_batch_make_one_incident(store: Store, client: Client) -> None:
    # the batch's rows wait to be inserted together: the second and third reports must still
    # find the first one's incident, written in the same transaction
    paths = [FIXTURES / "same_event" / n for n in ("wire.txt", "daily.txt", "monitor.txt")]
    result = ingest_on_cluster(store, read_paths(paths), client, batch_size=3)
    assert (result.added, result.errors) == (3, [])
    with store.session() as session:
        [incident] = session.scalars(
            select(Incident).where(Incident.type == "seizure", Incident.country == "EG")
        ).all()
        assert incident.grade == "corroborated"
        assert len({s.source_id for s in incident.statements}) == 3

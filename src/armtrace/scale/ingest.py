"""The client side of a parallel ingest: stream reports in batches to Dask workers for extraction
and write their results in one transaction per batch.

Memory stays flat: the reader is a generator, and at most `window` batches are in flight (sent
and not yet written). Results are written in the order the batches were sent, which makes the
database the same as a serial ingest's (same-event clustering depends on which report came
first); the window keeps the workers busy while the head batch is awaited.

Consistency: a batch is committed whole or not at all; a report already stored (same content id)
is skipped, so after Ctrl-C or a lost worker, running again ingests exactly what is missing.
"""

from __future__ import annotations

import gc
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import count
from typing import Literal

import dask
from distributed import Client, Future, LocalCluster
from sqlalchemy import select
from sqlalchemy.orm import Session

from armtrace.reports.document import Report
from armtrace.reports.ingest import IngestResult, Prepared, Rows, Writer, tally
from armtrace.reports.readers import ReadError
from armtrace.scale import DEFAULT_BATCH
from armtrace.scale.work import extract_batch
from armtrace.store import Store
from armtrace.store.models import Source

Outcome = Prepared | str  # a report ready to write, or why extraction failed
Progress = Callable[[str], None]
Written = Literal["added", "skipped", "failed"]


@contextmanager
def open_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a local cluster of `workers` processes."""
    with dask.config.set(_QUIET), _client(workers, scheduler) as client:
        yield client


# Dask keeps its last 1,000 low-level messages for debugging, task arguments included: 256
# reports a task, that grew the client by the arguments of every task sent (tracemalloc: 25 MiB
# for 80 tasks; 0 keeps none, and 30,000 reports then left the client 82 MiB smaller).
# The scheduler and the nannies of a local cluster run in the client's event loop, and their
# timers (the nannies' memory checks every 100 ms, the system monitor, the 20 ms tick that
# watches for a blocked loop) took 4.4% of a core with 2 idle workers, 0.7% with these
# intervals (/tmp measuring script, machine shared): at ~400 reports/s that is ~0.1 ms a report
# taken from extraction. Workers are still stopped if they outgrow their memory, within 1 s.
_QUIET = {
    "distributed.admin.low-level-log-length": 0,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.tick.interval": "1s",
}


@contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[Client]:
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    # processes, one thread each: extraction is pure Python and holds the GIL
    with (
        LocalCluster(
            n_workers=workers or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def ingest_on_cluster(
    store: Store,
    items: Iterable[Report | ReadError],
    client: Client,
    batch_size: int = DEFAULT_BATCH,
    window: int | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest `items` with extraction on the cluster's workers; see the module's notes."""
    result = IngestResult()
    window = window or 2 * max(1, sum(client.nthreads().values()))
    pending: deque[tuple[list[Report], Future]] = deque()
    writer = Writer()
    try:
        with _collected_per_batch() as collect:
            for batch in _new_batches(store, items, batch_size, result, progress):
                pending.append((batch, client.submit(extract_batch, batch, pure=False)))
                if len(pending) >= window:
                    _write_next(store, writer, pending, result, progress)
                    collect()
            while pending:
                _write_next(store, writer, pending, result, progress)
                collect()
    finally:  # Ctrl-C: what is committed stays, the rest is dropped and found missing next time
        for _, future in pending:
            future.cancel()
    return result


@contextmanager
def _collected_per_batch() -> Iterator[Callable[[], None]]:
    """The garbage collector's automatic runs off during the ingest; instead, the young
    generations are collected after each batch written, and all of them every 64 batches (for
    cycles that were still alive when young, such as Dask's futures of the batches in flight).
    Automatic runs came every 700 allocations, and the objects unpickled from the workers took
    the event-loop thread from 0.12 to 0.2 ms a report (10,000 generated reports, /tmp
    profiling script, machine shared)."""
    was_enabled, written = gc.isenabled(), count(1)

    def collect() -> None:
        gc.collect(2 if next(written) % 64 == 0 else 1)

    gc.disable()
    try:
        yield collect
    finally:
        if was_enabled:
            gc.enable()


def _new_batches(
    store: Store,
    items: Iterable[Report | ReadError],
    size: int,
    result: IngestResult,
    progress: Progress | None,
) -> Iterator[list[Report]]:
    """Batches of reports not yet in the store; read errors and known reports are tallied here."""
    batch: list[Report] = []
    for item in items:
        if isinstance(item, ReadError):
            result.errors.append(item)
            _tell(progress, item.path)
            continue
        batch.append(item)
        if len(batch) == size:
            yield from _unknown(store, batch, result, progress)
            batch = []
    if batch:
        yield from _unknown(store, batch, result, progress)


def _unknown(
    store: Store, batch: list[Report], result: IngestResult, progress: Progress | None
) -> Iterator[list[Report]]:
    # checked before extraction so that a resumed run does not extract its finished part again
    with store.session() as session:
        ids = [r.source_id for r in batch]  # a hash of the whole text: computed once
        known = _stored(session, set(ids))
    fresh = [r for r, sid in zip(batch, ids, strict=True) if sid not in known]
    result.skipped += len(batch) - len(fresh)
    for report, sid in zip(batch, ids, strict=True):
        if sid in known:
            _tell(progress, _name(report))
    if fresh:
        yield fresh


def _write_next(
    store: Store,
    writer: Writer,
    pending: deque[tuple[list[Report], Future]],
    result: IngestResult,
    progress: Progress | None,
) -> None:
    batch, future = pending[0]
    try:
        outcomes: list[Outcome] = future.result()
    except (
        Exception
    ) as exc:  # a worker killed or lost: the batch is not ingested, a re-run retries it
        why = f"extraction failed on the cluster: {type(exc).__name__}: {exc}; run again to retry"
        outcomes = [why] * len(batch)
    pending.popleft()
    _write_batch(store, writer, list(zip(batch, outcomes, strict=True)), result)
    for report in batch:
        _tell(progress, _name(report))


def _write_batch(
    store: Store, writer: Writer, done: list[tuple[Report, Outcome]], result: IngestResult
) -> None:
    try:
        with store.transaction() as session:
            written = _write_all(session, writer, done)
    except Exception:
        # the batch was rolled back whole: write it again one report per transaction, so that
        # only the report that cannot be written is lost, and it is named
        writer.rolled_back()
        for pair in done:
            _write_alone(store, writer, *pair, result)
        return
    writer.committed()
    for (report, outcome), what in zip(done, written, strict=True):
        _tally(result, report, outcome, what)


def _write_alone(
    store: Store, writer: Writer, report: Report, outcome: Outcome, result: IngestResult
) -> None:
    try:
        with store.transaction() as session:
            [what] = _write_all(session, writer, [(report, outcome)])
    except Exception as exc:
        writer.rolled_back()
        result.errors.append(ReadError(_name(report), f"{type(exc).__name__}: {exc}"))
        return
    writer.committed()
    _tally(result, report, outcome, what)


def _write_all(
    session: Session, writer: Writer, done: list[tuple[Report, Outcome]]
) -> list[Written]:
    """Write the reports of a batch not yet stored; their rows are inserted together."""
    # again at write time, in one query: the same text may come twice in one run, or from a
    # concurrent ingest
    known = _stored(session, {o.source_id for _, o in done if isinstance(o, Prepared)})
    connection = session.connection()
    rows = Rows()
    written: list[Written] = []
    for _, outcome in done:
        if isinstance(outcome, str):
            written.append("failed")
        elif outcome.source_id in known:
            written.append("skipped")
        else:
            writer.add(connection, outcome, rows)
            known.add(outcome.source_id)
            written.append("added")
    rows.insert(connection)
    return written


def _stored(session: Session, ids: set[str]) -> set[str]:
    return set(session.scalars(select(Source.id).where(Source.id.in_(ids))))


def _tally(result: IngestResult, report: Report, outcome: Outcome, what: str) -> None:
    if isinstance(outcome, str):
        result.errors.append(ReadError(_name(report), outcome))
    elif what == "skipped":
        result.skipped += 1
    else:
        tally(result, report, len(outcome.incidents), outcome.asserted)


def _name(report: Report) -> str:
    return report.path or report.key


def _tell(progress: Progress | None, name: str) -> None:
    if progress:
        progress(name)

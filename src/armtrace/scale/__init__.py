"""Ingest at scale: extraction spread over Dask workers, writes batched from the client.

from armtrace.scale import ingest_on_cluster, open_client
with open_client(workers=2) as client:            # or open_client(scheduler="tcp://host:8786")
    result = ingest_on_cluster(store, read_paths(paths), client)
"""

from __future__ import annotations

from typing import Any

DEFAULT_BATCH = 256  # ~1 s of extraction a task: the scheduler's per-task cost is negligible, and
# a transaction of 256 reports keeps the writer's cost per report low

__all__ = ["DEFAULT_BATCH", "ingest_on_cluster", "open_client"]


def __getattr__(name: str) -> Any:
    # dask takes about a second to import: the CLI imports it only when --workers/--scheduler ask
    if name in ("ingest_on_cluster", "open_client"):
        from armtrace.scale import ingest

        return getattr(ingest, name)
    raise AttributeError(name)

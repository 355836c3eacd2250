"""Read results cached under a data version, so that 50 analysts looking at the same map or list cost
the database one query, not fifty.

The version is read on every request, from three index-only look-ups: the newest statement id, the
newest audit entry and the number of restrictions. Every change that alters what the list, flows or map
show moves one of them: ingest adds statements with its incidents; a review decision, edit or trace
confirmation is a new statement; a merge, restriction or lift is an audit entry. So a cached result is
never served after such a change: the key it was stored under is simply no longer asked for, and the
LRU drops it.

The key also holds whether the user sees restricted data (viewers and analysts never share an entry) and
the request's own parameters. Each server process keeps its own cache; one computation per key runs at a
time in a process (the others asking for it wait for its result rather than repeat it).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache
from fastapi import Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from armtrace.store.models import Statement
from armtrace.web.models import AuditEntry, Restriction, User
from armtrace.web.visibility import role_sees_restricted

MAX_ENTRIES = 512  # a list page is ~100 KB of JSON at most: tens of MB per process at worst


def version_columns() -> tuple:
    """The three look-ups as scalar subqueries, to select alone or beside other columns."""
    return (
        select(func.max(Statement.id)).scalar_subquery(),
        select(func.max(AuditEntry.seq)).scalar_subquery(),
        select(func.count()).select_from(Restriction).scalar_subquery(),
    )


def data_version(session: Session) -> tuple[int, int, int]:
    """A value that changes whenever an incident, a decision or a restriction does."""
    row = session.connection().execute(select(*version_columns())).one()
    return (row[0] or 0, row[1] or 0, row[2] or 0)


class ResultCache:
    """A thread-safe LRU whose misses are computed once per key (single flight)."""

    def __init__(self, maxsize: int = MAX_ENTRIES) -> None:
        self._data: LRUCache[Hashable, Any] = LRUCache(maxsize)
        self._lock = threading.Lock()
        self._flights: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self.hits += 1
                return self._data[key]
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:  # a second request for the same key waits here for the first one's result
            with self._lock:
                if key in self._data:
                    self.hits += 1
                    return self._data[key]
            try:
                value = compute()
                with self._lock:
                    self.misses += 1
                    self._data[key] = value
            finally:
                with self._lock:
                    self._flights.pop(key, None)
        return value

    def peek(self, key: Hashable) -> Any:
        """The value stored under `key`, or None; never computes."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self.hits += 1
            return value


def read_key(path: str, version: tuple, role: str, params: QueryParams) -> tuple:
    """The key of a JSON read: the data, who may see what, the endpoint and its exact query."""
    return (path, version, role_sees_restricted(role), tuple(sorted(params.multi_items())))


def result_cache(request: Request) -> ResultCache:
    return request.app.state.cache


def cached_json(
    request: Request, session: Session, user: User, compute: Callable[[], Any]
) -> Response:
    """The JSON of `compute()`, serialised once per key: a hit costs the version look-up only."""
    key = read_key(request.url.path, data_version(session), user.role, request.query_params)
    body = result_cache(request).get(key, lambda: _dumps(compute()))
    return Response(body, media_type="application/json")


PAGING = frozenset({"limit", "offset", "after"})


def cached_total(request: Request, session: Session, user: User, count: Callable[[], int]) -> int:
    """A list's total, shared by all its pages: counting a million rows once per filter, not per
    page (the pages themselves are index walks)."""
    params = QueryParams([(k, v) for k, v in request.query_params.multi_items() if k not in PAGING])
    key = read_key(request.url.path + "#total", data_version(session), user.role, params)
    return result_cache(request).get(key, count)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

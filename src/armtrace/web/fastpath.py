"""Cached reads answered before routing: a pure ASGI middleware in front of the app.

A cache hit through FastAPI still costs a few milliseconds of CPU (dependency solving, two ORM look-ups
for the session, the version query, the middleware stack); at 50 concurrent clients on two cores that
is the whole latency budget. Here a GET of a cached read costs one Core query — the caller's role,
checked exactly as the app checks it (session not expired, token not revoked, user active), and the
data version in the same round trip, on the event loop over the middleware's own connection — and
a dictionary look-up. Everything else (a miss, any other
path or method, a caller the query does not recognise) goes on to the app unchanged, which computes the
result, stores it under the same key (cache.read_key), and answers with its own errors.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

from sqlalchemy import Engine, and_, create_engine, select
from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from armtrace.store import Store
from armtrace.web.accounts import digest, now
from armtrace.web.cache import ResultCache, read_key, version_columns
from armtrace.web.deps import SESSION_COOKIE
from armtrace.web.mapview import map_filters, map_key, years_key
from armtrace.web.models import ApiToken, User, WebSession
from armtrace.web.pages import render
from armtrace.web.visibility import role_sees_restricted

JSON_PATHS = frozenset({"/api/incidents", "/api/flows"})
GZIP_MIN = 1024  # smaller bodies gain less than the header costs
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Caller:
    name: str
    role: str
    csrf: str | None  # the session's token (pages carry it in their forms); None for API tokens
    version: tuple[int, int, int]


def _credential(scope: Scope, bearer: bool = True) -> tuple[str, str] | None:
    """("token" | "session", secret) as current_user picks it (a bearer token first), or the
    session cookie alone, as pages take it (`bearer=False`)."""
    headers = Headers(scope=scope)
    auth = headers.get("authorization") if bearer else None
    if auth is not None:
        scheme, _, secret = auth.partition(" ")
        return ("token", secret.strip()) if scheme.lower() == "bearer" and secret else None
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE and value:
            return ("session", value)
    return None


def fastpath_engine(store: Store) -> Engine:
    """A one-connection engine of the store's database for the middleware alone. Its look-ups run
    on the event loop (an index probe: cheaper than a hop to a worker thread), so they must never
    wait for a connection that a request thread holds while the loop is blocked; with their own
    connection they never do."""
    return create_engine(store.url, pool_size=1, max_overflow=0, pool_timeout=5)


def identify(engine: Engine, kind: str, secret: str) -> Caller | None:
    """The caller behind a credential and the data version, in one query; None if not valid."""
    if kind == "token":
        query = select(User.name, User.role, None, *version_columns()).join(
            ApiToken,
            and_(ApiToken.user_id == User.id, ApiToken.token_hash == digest(secret)),
        )
        query = query.where(ApiToken.revoked.is_(False))
    else:
        query = select(User.name, User.role, WebSession.csrf, *version_columns()).join(
            WebSession,
            and_(WebSession.user_id == User.id, WebSession.token_hash == digest(secret)),
        )
        query = query.where(WebSession.expires_at >= now())
    with engine.connect() as conn:
        row = conn.execute(query.where(User.active.is_(True)).limit(1)).first()
    if row is None:
        return None
    return Caller(row[0], row[1], row[2], tuple(v or 0 for v in row[3:]))  # type: ignore[arg-type]


class CachedReads:
    """Answers GETs of cached reads from `cache` (the app's), else hands the request on."""

    def __init__(self, app: ASGIApp, engine: Engine, cache: ResultCache) -> None:
        self.app, self.engine, self.cache = app, engine, cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        served = False
        if scope["type"] == "http" and scope["method"] == "GET":
            if scope["path"] in JSON_PATHS:
                served = await self._serve_json(scope, send)
            elif scope["path"] == "/map":
                served = await self._serve_map(scope, receive, send)
        if not served:
            await self.app(scope, receive, send)

    async def _caller(self, scope: Scope, bearer: bool) -> Caller | None:
        credential = _credential(scope, bearer)
        if credential is None:
            return None
        return identify(self.engine, *credential)

    async def _serve_json(self, scope: Scope, send: Send) -> bool:
        caller = await self._caller(scope, bearer=True)
        if caller is None:
            return False  # the app answers 401 in its own words
        params = QueryParams(scope["query_string"].decode("latin-1"))
        key = read_key(scope["path"], caller.version, caller.role, params)
        body = self.cache.peek(key)
        if body is None:
            return False
        await self._send(scope, send, key, body, [(b"content-type", b"application/json")])
        return True

    async def _serve_map(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """The map's content from the cache inside this caller's page (name, role, CSRF token)."""
        caller = await self._caller(scope, bearer=False)
        if caller is None:
            return False  # the app redirects to the login page
        visible = role_sees_restricted(caller.role)
        bounds = self.cache.peek(years_key(caller.version, visible))
        if bounds is None:
            return False
        params = QueryParams(scope["query_string"].decode("latin-1"))
        key = map_key(caller.version, visible, map_filters(dict(params), bounds))
        content = self.cache.peek(key)
        if content is None:
            return False
        # the whole page once per session and map: the shell holds the caller's name and CSRF token
        page_key = (*key, caller.name, caller.role, caller.csrf)
        page = self.cache.get(
            page_key, lambda: render("map.html", user=caller, csrf=caller.csrf, body=content)
        )
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in page.headers.items()]
        headers = [(k, v) for k, v in headers if k != b"content-length"]
        await self._send(scope, send, page_key, page.body, headers)
        return True

    async def _send(
        self, scope: Scope, send: Send, key: tuple, body: bytes, headers: list[tuple[bytes, bytes]]
    ) -> None:
        """`body`, gzipped (once per key) when the client takes gzip: a map page is ~220 KB of
        HTML, ~10 times less compressed, and sending it is most of what a cached map costs."""
        accepts = Headers(scope=scope).get("accept-encoding", "")
        if "gzip" in accepts and len(body) > GZIP_MIN:
            body = self.cache.get((*key, "gzip"), lambda: gzip.compress(body, GZIP_LEVEL))
            headers = [*headers, (b"content-encoding", b"gzip")]
        headers = [*headers, (b"vary", b"accept-encoding"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

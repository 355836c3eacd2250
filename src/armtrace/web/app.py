"""The web application: `create_app(store)` gives a FastAPI app serving the API (OpenAPI at
/openapi.json, docs at /docs) and the health check."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout

from armtrace import __version__
from armtrace.store import Store, open_store
from armtrace.web import actions, api, api_records, mapview, pages, trace_actions, trace_pages
from armtrace.web.cache import ResultCache
from armtrace.web.fastpath import CachedReads, fastpath_engine

Next = Callable[[Request], Awaitable[Response]]
STATIC = Path(__file__).with_name("static")  # the review queue's shortcuts script


async def _reject_nul(request: Request, call_next: Next) -> Response:
    # PostgreSQL text cannot hold NUL; refuse it at the door as bad input rather than fail inside.
    if "%00" in str(request.url) or "\x00" in request.url.path:
        return JSONResponse({"detail": "NUL characters are not allowed"}, status_code=400)
    if request.method not in ("GET", "HEAD") and b"\\u0000" in await request.body():
        return JSONResponse({"detail": "NUL characters are not allowed"}, status_code=400)
    return await call_next(request)


def create_app(store: Store, migrate: bool = True) -> FastAPI:
    """An app over `store`; its schema is brought up to date first (idempotent)."""
    if migrate:
        store.migrate()
    fast_engine = fastpath_engine(store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        fast_engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="armtrace",
        version=__version__,
        description="Arms-trafficking incidents with provenance: read, review, audit.",
    )
    app.state.store = store
    app.state.cache = ResultCache()
    app.middleware("http")(_reject_nul)
    app.add_exception_handler(PoolTimeout, _overloaded)
    app.add_api_route("/health", _health, methods=["GET"], tags=["health"])
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    routers = (api, api_records, actions, trace_actions, pages, mapview, trace_pages)
    for module in routers:
        app.include_router(module.router)
    # outermost: a cached read is answered before any other middleware or routing runs
    app.add_middleware(CachedReads, engine=fast_engine, cache=app.state.cache)
    return app


def app_from_env() -> FastAPI:
    """The app over ARMTRACE_DATABASE_URL, for `armtrace serve --workers N`: each uvicorn worker
    process imports and builds its own (its own pool and cache); `serve` has migrated already."""
    return create_app(open_store(migrate=False), migrate=False)


def _health(request: Request) -> JSONResponse:
    """200 when the database answers; 503 otherwise."""
    try:
        with request.app.state.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means not healthy
        return JSONResponse({"status": "unavailable", "error": str(exc)[:200]}, status_code=503)
    return JSONResponse({"status": "ok", "version": __version__})


def _overloaded(request: Request, exc: Exception) -> JSONResponse:
    """No database connection came free in time: the server is busy, not broken (503, retry)."""
    return JSONResponse(
        {"detail": "server busy: no database connection free, try again"},
        status_code=503,
        headers={"Retry-After": "5"},
    )

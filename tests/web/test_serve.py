"""`armtrace serve --workers 2`: worker processes build the app from the environment and answer, the
second request of a read from the cache of whichever worker takes it."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from tests.serving import armtrace_serve
from tests.web.conftest import World


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}"} if token else {}
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.status, r.read()


def test_serve_with_two_workers(world: World, tmp_path: Path) -> None:
    with armtrace_serve(world.store.url, tmp_path / "serve.log", 30, "--workers", "2") as base:
        answers = {_get(base + "/api/incidents", world.tokens["viewer"])[1] for _ in range(6)}
        assert len(answers) == 1 and b'"inc-pub"' in answers.pop()  # same bytes, hit or miss

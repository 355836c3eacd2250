"""`armtrace serve --workers 2`: worker processes build the app from the environment and answer, the
second request of a read from the cache of whichever worker takes it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.web.conftest import World


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}"} if token else {}
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.status, r.read()


def test_serve_with_two_workers(world: World, tmp_path: Path) -> None:
    port = _free_port()
    armtrace = Path(sys.executable).parent / "armtrace"
    cmd = [str(armtrace), "serve", "--db", world.store.url, "--port", str(port), "--workers", "2"]
    with (tmp_path / "serve.log").open("w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(base + "/health")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (
                tmp_path / "serve.log"
            ).read_text()
            time.sleep(0.2)
        answers = {_get(base + "/api/incidents", world.tokens["viewer"])[1] for _ in range(6)}
        assert len(answers) == 1 and b'"inc-pub"' in answers.pop()  # same bytes, hit or miss
    finally:
        proc.terminate()
        proc.wait(timeout=20)

"""Helpers for tests that run a server of their own: a free port, and `armtrace serve` in a
subprocess, waited for until /health answers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def armtrace_serve(db: str, log: Path, timeout: float, *options: str) -> Iterator[str]:
    """`armtrace serve --db DB OPTIONS…` on a free port; yields its base URL, stops it after."""
    port = free_port()
    armtrace = Path(sys.executable).parent / "armtrace"
    cmd = [str(armtrace), "serve", "--db", db, "--host", HOST, "--port", str(port), *options]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://{HOST}:{port}"
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(base):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"armtrace serve did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/health", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False

"""End-to-end ingest into SQLite on a generated corpus: reports/s and peak memory, 1 and 2 workers.

The corpus recombines the sentences of the development set (src/armtrace/reports/devset/dev) into
new reports of 5 to 12 sentences, each with its own year, months and quantities, so that reports
are distinct. The same event recurs: a few times in 10,000 reports, but far more than in a news
archive at 100,000 (incidents of up to 51 sources), since the pool is a few hundred sentences.
It is written as JSONL, streamed, and ingested by the real command, in a child process:

    armtrace ingest corpus.jsonl --db sqlite:///… --workers N

Peak memory is the largest sum of RSS over that process and all its children (the Dask worker
processes), sampled every 0.1 s, and the peaks of the client alone and of the workers together.
Run with `make bench-ingest` (2,000 reports, a few minutes) or
`make bench-ingest ARGS="--sizes 10000 100000"`; `--workers 0 1 2` adds the serial path.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psutil

from armtrace.reports.document import Report
from armtrace.reports.readers import read_paths

DEV = Path(__file__).resolve().parents[1] / "src/armtrace/reports/devset/dev"
ARMTRACE = Path(sys.executable).with_name("armtrace")
MONTHS = (
    "January February March April May June July August September October November December"
).split()
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})*\b(?!-)")


def sentences() -> list[str]:
    found: list[str] = []
    for report in read_paths([DEV]):
        if isinstance(report, Report):
            for paragraph in report.text.split("\n\n"):
                found += [s.strip() for s in _SENTENCE_END.split(paragraph) if len(s) > 20]
    return found


def report(rng: random.Random, pool: list[str], number: int) -> dict:
    """One new report: sentences drawn from the pool, its own year, months and quantities."""
    year = rng.randint(1995, 2024)
    published = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
    body = " ".join(rng.sample(pool, rng.randint(5, 12)))
    body = _YEAR.sub(lambda m: str(year - rng.choice((0, 0, 0, 1, 2, 10))), body)
    body = _MONTH.sub(lambda m: rng.choice(MONTHS), body)
    body = _NUMBER.sub(lambda m: _quantity(rng, m.group()), body)
    return {
        "id": f"gen-{number}",
        "text": body,
        "published": published.isoformat(),
        "publisher": f"Outlet {rng.randint(1, 300)}",
    }


def _quantity(rng: random.Random, text: str) -> str:
    value = int(text.replace(",", ""))
    if value < 32 and len(text) <= 2:  # likely a day of the month: keep it a day
        return str(rng.randint(1, 28))
    return f"{max(2, int(value * rng.uniform(0.5, 2.0))):,}"


def generate(path: Path, n: int, seed: int = 7) -> None:
    rng, pool = random.Random(seed), sentences()
    with path.open("w", encoding="utf-8") as out:  # streamed: one line at a time
        for number in range(n):
            out.write(json.dumps(report(rng, pool, number), ensure_ascii=False) + "\n")


def _rss(proc: psutil.Process, cpu: dict[int, float]) -> tuple[int, int]:
    """RSS of the client process, and the sum over its children (Dask workers); records each
    process's CPU seconds so far in `cpu`."""
    children = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            with p.oneshot():
                rss, times = p.memory_info().rss, p.cpu_times()
        except psutil.Error:  # a child that just ended
            continue
        cpu[p.pid] = times.user + times.system
        if p is not proc:
            children += rss
    return proc.memory_info().rss, children


def measure(
    corpus: Path, db: Path, workers: int | None
) -> tuple[float, list[int], list[float], str]:
    """Seconds, peak RSS in bytes (process tree, client, workers), CPU seconds (client, workers),
    and the command's summary. CPU time says where the work goes whatever else the machine runs;
    the last sample before a process ends is kept (at most 0.1 s short)."""
    cmd = [str(ARMTRACE), "ingest", str(corpus), "--db", f"sqlite:///{db}"]
    cmd += ["--workers", str(workers)] if workers else []
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watched, peak, cpu = psutil.Process(proc.pid), [0, 0, 0], {}
    while proc.poll() is None:
        time.sleep(0.1)
        try:
            client, children = _rss(watched, cpu)
        except psutil.Error:  # it just ended
            continue
        peak = [max(peak[0], client + children), max(peak[1], client), max(peak[2], children)]
    elapsed = time.perf_counter() - start
    output = proc.stdout.read() if proc.stdout else ""
    summary = next((line for line in output.splitlines() if "reports added" in line), output[-500:])
    client_cpu = cpu.pop(proc.pid, 0.0)
    return elapsed, peak, [client_cpu, sum(cpu.values())], summary.strip()


def run_size(n: int, modes: list[int | None], folder: Path) -> dict[str, float]:
    corpus = folder / f"corpus-{n}.jsonl"
    start = time.perf_counter()
    generate(corpus, n)
    print(
        f"\n{n:,} reports ({corpus.stat().st_size / 2**20:.0f} MiB JSONL, generated in "
        f"{time.perf_counter() - start:.0f} s)"
    )
    rates: dict[str, float] = {}
    for workers in modes:
        db = folder / f"bench-{n}-{workers}.db"
        elapsed, peak, cpu, summary = measure(corpus, db, workers)
        label = f"{workers} worker{'s' if workers != 1 else ''}" if workers else "serial"
        rates[label] = n / elapsed
        print(
            f"  {label:10} {n / elapsed:7.1f} reports/s  {elapsed:7.1f} s  "
            f"peak RSS {peak[0] / 2**20:6.0f} MiB (client {peak[1] / 2**20:.0f}, workers "
            f"{peak[2] / 2**20:.0f})  CPU ms/report: client {cpu[0] * 1000 / n:.2f}, workers "
            f"{cpu[1] * 1000 / n:.2f}   [{summary}]",
            flush=True,
        )
        db.unlink(missing_ok=True)
    if "1 worker" in rates and "2 workers" in rates:
        print(
            f"  scaling 1 -> 2 workers: {rates['2 workers'] / rates['1 worker']:.2f}x", flush=True
        )
    corpus.unlink()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="0 is the serial path (no Dask)"
    )
    parser.add_argument("--dir", type=Path, default=None, help="where corpus and databases go")
    args = parser.parse_args()
    modes = [w or None for w in args.workers]
    print(f"armtrace ingest, end to end into SQLite; {psutil.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for n in args.sizes:
            run_size(n, modes, Path(tmp))


if __name__ == "__main__":
    main()

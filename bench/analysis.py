"""Analysis benchmark: flows, routes, actor chains and embargo screening over synthetic incidents, in SQLite
and in a throw-away PostgreSQL server.

    python bench/analysis.py                         # 100,000 incidents
    python bench/analysis.py --incidents 1000000     # the issue's target
    python bench/analysis.py --backends sqlite       # one backend only

Incidents are written straight into the tables (no extraction): skewed towards the Sahel and Libya as the
real data is, with 1-3 weapons, transit countries on a tenth, named recipients (some on the UN lists) on
a third, two provenance statements each and a tenth not asserted (negated or hypothetical). The
PostgreSQL server is initdb'd into a temporary folder as the tests do and removed afterwards.

Prints seconds per step and backend.
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from armtrace.analysis.flows import FlowFilter, actor_flows, country_flows, transit_routes
from armtrace.analysis.screening import screen
from armtrace.store import Store, open_store

COUNTRIES = "LY ML NE DZ TN EG SD TD NG BF MR SY LB PS IL YE SO FR QA AE TR RU US CN IR IQ".split()
WEIGHTS = [30, 14, 10, 8, 6, 8, 6, 5, 5, 4, 3, 4, 3, 2, 1, 3, 3, 2, 2, 2, 2, 2, 2, 1, 2, 1]
TYPES = ["trafficking", "seizure", "transfer", "use", "looting", "sighting", "stockpile"]
TYPE_WEIGHTS = [30, 30, 15, 12, 5, 5, 3]
CATEGORIES = [
    "assault_rifle",
    "ammunition",
    "manpads",
    "rocket_launcher",
    "machine_gun",
    "landmine",
]
ACTORS = [  # (name, actor id): listed groups, a state force, and unnamed ones
    ("AQIM", "aqim"),
    ("MUJAO", "mujao"),
    ("Ansar Dine", "ansar_dine"),
    ("Boko Haram", "boko_haram"),
    ("Libyan National Army", "lna"),
    ("rebels", None),
    ("smugglers", None),
    ("militants", None),
]
GRADES = ["alleged", "reported", "corroborated", "confirmed"]
BATCH = 20_000
NOW = datetime(2025, 1, 1)


# --- synthetic rows -----------------------------------------------------------------------------------


def _date(rng: random.Random) -> str | None:
    r = rng.random()
    if r < 0.08:
        return None
    year = rng.randint(2005, 2024)
    if r < 0.3:
        return str(year)
    if r < 0.5:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _incident(n: int, sources: int, rng: random.Random) -> dict[str, list[tuple]]:
    iid, sid = f"i{n:08d}", f"s{n % sources:08d}"
    origin, dest = rng.choices(COUNTRIES, WEIGHTS, k=2)
    modality = "asserted" if rng.random() < 0.9 else rng.choice(["negated", "hypothetical"])
    rows: dict[str, list[tuple]] = {
        "incidents": [
            (iid, sid, n // sources, rng.choices(TYPES, TYPE_WEIGHTS)[0], _date(rng), "year")
            + (None, dest if rng.random() < 0.5 else None, origin if rng.random() < 0.8 else None)
            + (dest if rng.random() < 0.7 else None, rng.choice(GRADES), modality, NOW)
        ],
        "incident_weapons": [
            (iid, i, rng.choice(CATEGORIES), rng.choice([None, rng.randint(1, 500)]))
            for i in range(rng.randint(1, 3))
        ],
        "incident_vias": [(iid, 0, rng.choice(COUNTRIES))] if rng.random() < 0.1 else [],
        "incident_actors": [],
        "statements": [
            (iid, f, None, sid, 0, 40, "reported", "bench", NOW) for f in ("type", "evidence")
        ],
    }
    if rng.random() < 0.33:
        name, actor_id = rng.choice(ACTORS)
        rows["incident_actors"].append((iid, 0, name, actor_id, "recipient"))
        if rng.random() < 0.3:
            rows["incident_actors"].append((iid, 1, "traffickers", None, "trafficker"))
    return rows


COLUMNS = {
    "sources": "id, key, title, url, format, text, ingested_at",
    "incidents": "id, source_id, position, type, date, date_precision, place, country, origin, "
    "destination, grade, modality, created_at",
    "incident_weapons": "incident_id, position, category, quantity",
    "incident_vias": "incident_id, position, country",
    "incident_actors": "incident_id, position, name, actor_id, role",
    "statements": 'incident_id, field, value, source_id, start, "end", grade, author, created_at',
}


def _batches(incidents: int, sources: int, seed: int) -> Iterator[dict[str, list[tuple]]]:
    rng = random.Random(seed)
    batch: dict[str, list[tuple]] = {t: [] for t in COLUMNS if t != "sources"}
    for n in range(incidents):
        for table, rows in _incident(n, sources, rng).items():
            batch[table].extend(rows)
        if len(batch["incidents"]) >= BATCH:
            yield batch
            batch = {t: [] for t in batch}
    yield batch


def _source_rows(sources: int) -> list[tuple]:
    text = "Weapons from Libyan stocks were seized near the border, officials said. " * 3
    return [
        (
            f"s{i:08d}",
            f"bench-{i}",
            f"Bench report {i}",
            f"https://example.org/{i}",
            "txt",
            text,
            NOW,
        )
        for i in range(sources)
    ]


# --- writing: executemany on SQLite, COPY on PostgreSQL -----------------------------------------------


def _write(store: Store, table: str, rows: list[tuple]) -> None:
    if not rows:
        return
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        if store.engine.dialect.name == "postgresql":
            with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(rows[0]))
            cur.executemany(f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})", rows)
        raw.commit()
    finally:
        raw.close()


def populate(store: Store, incidents: int, seed: int) -> None:
    sources = max(1, incidents // 5)
    _write(store, "sources", _source_rows(sources))
    for batch in _batches(incidents, sources, seed):
        for table in (
            "incidents",
            "incident_weapons",
            "incident_vias",
            "incident_actors",
            "statements",
        ):
            _write(store, table, batch[table])
    # fresh planner statistics, as autovacuum gives a live server after a bulk load
    auto = store.engine.execution_options(isolation_level="AUTOCOMMIT")
    with auto.connect() as conn:
        conn.exec_driver_sql("ANALYZE")


# --- a throw-away PostgreSQL server (as tests/conftest.py starts one) ---------------------------------


def _pg_bin() -> Path:
    for name in ("initdb", "pg_ctl"):
        if shutil.which(name):
            return Path(shutil.which(name)).parent  # type: ignore[arg-type]
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not found:
        raise SystemExit("PostgreSQL server binaries not found: apt-get install -y postgresql-15")
    return Path(found[0]).parent


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def postgres_server() -> Iterator[str]:
    bindir, root = _pg_bin(), Path(tempfile.mkdtemp(prefix="armtrace-bench-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    initdb = [
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth=trust",
        "--no-sync",
    ]
    subprocess.run(_as_server_user(initdb), check=True, capture_output=True)
    opts = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=512MB"
    )
    ctl = str(bindir / "pg_ctl")
    start = [ctl, "-D", str(data), "-o", opts, "-w", "-l", str(root / "log"), "start"]
    subprocess.run(_as_server_user(start), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        stop = [ctl, "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(_as_server_user(stop), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


# --- timing -------------------------------------------------------------------------------------------


def _timed(label: str, fn: Callable[[], object], results: dict[str, float]) -> object:
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    size = len(value) if isinstance(value, list) else value
    print(f"  {label:<28} {results[label]:8.2f} s   ({size})", flush=True)
    return value


def run(url: str, incidents: int, seed: int) -> dict[str, float]:
    results: dict[str, float] = {}
    store = open_store(url)
    _timed("generate + load", lambda: populate(store, incidents, seed), results)
    with store.session() as s:
        _timed("flows (all)", lambda: country_flows(s, FlowFilter()), results)
        _timed(
            "flows + ids (JSON)",
            lambda: [a.as_dict() for a in country_flows(s, FlowFilter())],
            results,
        )
        ly = FlowFilter(country="LY", category="manpads", since="2011")
        _timed("flows (LY, manpads, ≥2011)", lambda: country_flows(s, ly), results)
        _timed("routes (all)", lambda: transit_routes(s, FlowFilter()), results)
        _timed("actor chains (all)", lambda: actor_flows(s, FlowFilter()), results)
        _timed("screening (flags, new)", lambda: screen(s), results)
        _timed("screening again", lambda: screen(s), results)
    store.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    backends = args.backends.split(",")
    summary: dict[str, dict[str, float]] = {}
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite, {args.incidents:,} incidents", flush=True)
            summary["sqlite"] = run(f"sqlite:///{tmp}/bench.db", args.incidents, args.seed)
    if "postgresql" in backends:
        with postgres_server() as url:
            print(f"PostgreSQL, {args.incidents:,} incidents", flush=True)
            summary["postgresql"] = run(url, args.incidents, args.seed)
    print("\nseconds        " + "".join(f"{b:>12}" for b in summary))
    for step in next(iter(summary.values())):
        print(f"{step:<28}" + "".join(f"{r[step]:12.2f}" for r in summary.values()))


if __name__ == "__main__":
    main()

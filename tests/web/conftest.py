"""A small world for the web tests: public and restricted reports, incidents resting on each (and one
on both), items, a trace request, a screening flag, and a user of each role with an API token."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

import armtrace.web.accounts as accounts
from armtrace.analysis.models import ScreeningFlag
from armtrace.records.models import Item, TraceRequest
from armtrace.store import Store, open_store
from armtrace.store.models import Incident, IncidentActor, IncidentWeapon, Source, Statement
from armtrace.web import create_app
from armtrace.web.models import User
from armtrace.web.review import restrict

NOW = datetime(2024, 1, 1)
PUBLIC_TEXT = "Egyptian border guards seized 40 Grad rockets near Sollum. <script>alert(1)</script>"
SECRET_TEXT = (
    "Investigator Jane Doe saw 12 AK-47 rifles moved from Libya to Niger by Khalid Smugglers."
)
SECRET_WORDS = ("Jane Doe", "Khalid Smugglers", "sec-src", "inc-sec", "inc-mixed", "item-sec", "NE")
PASSWORD = "correct horse battery"


@dataclass
class World:
    store: Store
    client: TestClient
    tokens: dict[str, str]

    def as_(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def _source(sid: str, text: str) -> Source:
    return Source(
        id=sid,
        key=sid,
        title=sid,
        format="txt",
        text=text,
        ingested_at=NOW,
        published=date(2013, 3, 14),
    )


def _incident(iid: str, source: str, span: tuple[int, int], **fields: object) -> Incident:
    inc = Incident(
        id=iid,
        source_id=source,
        position=0,
        type=fields.pop("type", "trafficking"),
        date="2013-03-12",
        grade="reported",
        modality="asserted",
        created_at=NOW,
        **fields,
    )
    inc.weapons = [IncidentWeapon(position=0, category="assault_rifle", quantity=12)]
    inc.actors = [IncidentActor(position=0, name=f"actor of {iid}", role="trafficker")]
    inc.statements = [
        Statement(
            field="type",
            value=inc.type,
            source_id=source,
            start=span[0],
            end=span[1],
            grade="reported",
            author="extractor",
            created_at=NOW,
        )
    ]
    return inc


def seed(store: Store) -> None:
    with store.transaction() as s:
        s.add_all([_source("pub-src", PUBLIC_TEXT), _source("sec-src", SECRET_TEXT)])
        s.flush()
        s.add(
            _incident(
                "inc-pub",
                "pub-src",
                (0, 58),
                type="seizure",
                origin="LY",
                country="EG",
                place="Sollum",
                lat=31.57,
                lon=25.13,
            )
        )
        s.add(_incident("inc-dup", "pub-src", (0, 58), type="seizure", origin="LY", country="EG"))
        s.add(
            _incident("inc-sec", "sec-src", (0, 45), origin="LY", destination="NE", place="Agadez")
        )
        mixed = _incident("inc-mixed", "pub-src", (0, 58), origin="SD", destination="TD")
        mixed.statements.append(
            Statement(
                field="origin",
                value="SD",
                source_id="sec-src",
                start=0,
                end=21,
                grade="reported",
                author="extractor",
                created_at=NOW,
            )
        )
        s.add(mixed)
        for iid in ("item-pub", "item-sec"):
            s.add(
                Item(
                    id=iid,
                    serial="AB123",
                    category="assault_rifle",
                    model="AK-47",
                    documented_by="field team",
                    created_at=NOW,
                    incident_id="inc-pub",
                )
            )
        s.flush()
        s.add(
            TraceRequest(
                item_id="item-sec",
                state="RU",
                reason="seized",
                intended_use="panel",
                requester="panel",
                status="sent",
                created_at=NOW,
                sent_on=date(2020, 1, 1),
            )
        )
        s.add(
            ScreeningFlag(
                id="flag-sec",
                incident_id="inc-sec",
                embargo_id="libya",
                basis="destination",
                target="NE",
                incident_date="2013-03-12",
                date_basis="incident",
                certainty="certain",
                resolutions="1970 (2011)",
                grade="reported",
                evidence="[]",
                status="open",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        restrict(s, "source", "sec-src", "seed")
        restrict(s, "item", "item-sec", "seed")


def add_users(store: Store) -> dict[str, str]:
    tokens = {}
    with store.transaction() as s:
        for role in ("viewer", "analyst", "admin"):
            user = accounts.add_user(s, role, role, PASSWORD)
            tokens[role] = accounts.issue_token(s, user)
    return tokens


CHEAP = PasswordHasher(time_cost=1, memory_cost=1024)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Production parameters cost ~0.3 s a hash; the tests check behaviour, not cost.
    monkeypatch.setattr(accounts, "_hasher", CHEAP)


def _build(url: str) -> dict[str, str]:
    """Migrate and seed a database once; tests get copies of it (a file copy, a template database)."""
    real, accounts._hasher = accounts._hasher, CHEAP
    try:
        store = open_store(url)
        seed(store)
        tokens = add_users(store)
        store.dispose()
    finally:
        accounts._hasher = real
    return tokens


@pytest.fixture(scope="session")
def sqlite_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("web") / "world.db"
    return path, _build(f"sqlite:///{path}")


@pytest.fixture(scope="session")
def postgres_world(postgres_server: str) -> Iterator[tuple[str, dict[str, str]]]:
    name = f"tpl_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    tokens = _build(f"{postgres_server.rsplit('/', 1)[0]}/{name}")
    yield name, tokens
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def web_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, dict]]:
    """A fresh copy of the seeded world on each backend."""
    if request.param == "sqlite":
        template, tokens = request.getfixturevalue("sqlite_world")
        shutil.copy(template, tmp_path / "world.db")
        store = open_store(f"sqlite:///{tmp_path / 'world.db'}", migrate=False)
        yield store, tokens
        store.dispose()
        return
    server = request.getfixturevalue("postgres_server")
    template, tokens = request.getfixturevalue("postgres_world")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    store = open_store(f"{server.rsplit('/', 1)[0]}/{name}", migrate=False)
    yield store, tokens
    store.dispose()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def world(web_store: tuple[Store, dict[str, str]]) -> Iterator[World]:
    store, tokens = web_store
    with TestClient(create_app(store)) as client:  # create_app migrates: a no-op here
        yield World(store, client, tokens)


def login(client: TestClient, name: str) -> str:
    """Log in by cookie; returns the CSRF token."""
    r = client.post("/api/login", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]


def user_named(store: Store, name: str) -> User:
    with store.session() as s:
        from sqlalchemy import select

        return s.scalar(select(User).where(User.name == name))

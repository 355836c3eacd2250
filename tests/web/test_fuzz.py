"""Schema fuzz: schemathesis generates requests from the published OpenAPI, sent with an admin token
(so every operation is reached past auth); no answer may be a server error. Kept small (a few examples
per operation) so the web suite stays well under a minute; both backends, since PostgreSQL refuses
inputs SQLite takes (NUL characters, out-of-range integers)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.web.conftest import World

MAX_EXAMPLES = 6


@pytest.fixture
def web_schema(world: World):  # type: ignore[no-untyped-def]
    # Fuzzing phase only: the coverage phase alone sends hundreds of boundary cases per operation.
    config = SchemathesisConfig.from_dict(
        {
            "phases": {
                "examples": {"enabled": False},
                "coverage": {"enabled": False},
                "stateful": {"enabled": False},
            },
            "generation": {"max-examples": MAX_EXAMPLES},
        }
    )
    return schemathesis.openapi.from_asgi("/openapi.json", world.client.app, config=config)


schema = schemathesis.pytest.from_fixture("web_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
def test_no_server_errors(case: schemathesis.Case, world: World) -> None:
    response = case.call(headers=world.as_("admin"))
    assert response.status_code < 500, (case.method, case.path, response.text[:300])

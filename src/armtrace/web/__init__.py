"""The web app and REST API (`armtrace serve`): read, review and audit incidents, with users and roles.

`create_app` is imported on first use, so commands that only need the tables (users, audit) do not load
the web framework.
"""

from __future__ import annotations

from typing import Any

from armtrace.web import models  # noqa: F401  (registers the tables on the store's metadata)

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from armtrace.web.app import create_app

        return create_app
    raise AttributeError(name)

"""Database settings for running without Saleor: ``DATABASE_URL`` or an embedded PostgreSQL.

Used by the test settings and by ``saleor-loyalty demo``; never imported inside Saleor.
"""

from __future__ import annotations

import atexit
import os
import tempfile
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

_embedded_url: str | None = None


def parse_database_url(url: str) -> dict[str, Any]:
    """Turn ``postgres://user:pass@host:port/name?host=/socket/dir`` into a Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, not {parts.scheme!r}")
    query = parse_qs(parts.query)
    host = unquote(parts.hostname or "") or query.get("host", [""])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
    }


def start_embedded_postgres() -> str:
    """Start (once per process) a throw-away PostgreSQL server from ``pgserver``; return its URL.

    The data directory is temporary and deleted when the process exits.
    """
    global _embedded_url
    if _embedded_url is None:
        try:
            import pgserver
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise RuntimeError(
                "DATABASE_URL is not set and the embedded PostgreSQL is missing: "
                'install with `pip install -e ".[test]"` or set DATABASE_URL.'
            ) from exc
        data_dir = tempfile.mkdtemp(prefix="saleor-loyalty-pg-")
        server = pgserver.get_server(data_dir, cleanup_mode="delete")
        atexit.register(server.cleanup)
        _embedded_url = server.get_uri()
    return _embedded_url


def database_settings() -> dict[str, Any]:
    """The ``default`` database: ``DATABASE_URL`` when set, else an embedded server."""
    url = os.environ.get("DATABASE_URL") or start_embedded_postgres()
    return parse_database_url(url)

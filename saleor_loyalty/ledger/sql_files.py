"""The ledger's PL/pgSQL: functions and triggers kept as ``.sql`` files in ``ledger/sql/``.

Migration ``0002_ledger_sql`` runs them (``get_ledger_sql``) and a test compares what the
database holds with what the files declare (``get_declared_functions``,
``get_declared_triggers``), so the files are the one source of the database's ledger logic.
The files are idempotent (``CREATE OR REPLACE FUNCTION``; each trigger dropped if it exists
and created again), so running them again, on a fresh database or on one migrated by the old
migrations, leaves exactly what they say.
"""

from __future__ import annotations

import re
from pathlib import Path

SQL_DIR = Path(__file__).with_name("sql")
# Files a later migration runs, because their tables do not exist yet when ``0002_ledger_sql``
# runs: ``0011_channel_terms`` runs ``70_exchange_rates.sql`` (``get_file_sql``).
LATER_FILES = frozenset({"70_exchange_rates.sql"})

_FUNCTION = re.compile(r"CREATE OR REPLACE FUNCTION (\w+)\(.*?\$\$(.*?)\$\$", re.S)
_TRIGGER = re.compile(r"CREATE (?:CONSTRAINT )?TRIGGER (\w+)\s.*?\bON (\w+)\s.*?EXECUTE FUNCTION (\w+)\(", re.S)


def get_sql_files(*, include_later: bool = False) -> list[Path]:
    """The ``.sql`` files in the order they run (their names start with a number); those of
    ``LATER_FILES`` only with ``include_later``."""
    return sorted(path for path in SQL_DIR.glob("*.sql") if include_later or path.name not in LATER_FILES)


def get_ledger_sql() -> str:
    """The SQL ``0002_ledger_sql`` runs: every file but the later ones, in order, as one script."""
    return "\n".join(path.read_text() for path in get_sql_files())


def get_file_sql(name: str) -> str:
    """One file's SQL (a later migration's)."""
    return (SQL_DIR / name).read_text()


def _all_sql() -> str:
    return "\n".join(path.read_text() for path in get_sql_files(include_later=True))


def get_declared_functions() -> dict[str, str]:
    """Function name -> its body (the text between ``$$``), as all the files declare them."""
    return {name: body for name, body in _FUNCTION.findall(_all_sql())}


def get_declared_triggers() -> dict[str, tuple[str, str]]:
    """Trigger name -> (table, function it runs), as all the files declare them."""
    return {name: (table, function) for name, table, function in _TRIGGER.findall(_all_sql())}


def get_drop_sql(sql: str | None = None) -> str:
    """SQL that removes the triggers, then the functions, that ``sql`` declares (default: what
    ``get_ledger_sql`` runs): a migration's way back."""
    sql = get_ledger_sql() if sql is None else sql
    triggers = [f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table, _ in _TRIGGER.findall(sql)]
    functions = [f"DROP FUNCTION IF EXISTS {name};" for name, _ in reversed(_FUNCTION.findall(sql))]
    return "\n".join(triggers + functions)

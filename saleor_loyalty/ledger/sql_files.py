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

_FUNCTION = re.compile(r"CREATE OR REPLACE FUNCTION (\w+)\(.*?\$\$(.*?)\$\$", re.S)
_TRIGGER = re.compile(r"CREATE (?:CONSTRAINT )?TRIGGER (\w+)\s.*?\bON (\w+)\s.*?EXECUTE FUNCTION (\w+)\(", re.S)


def get_sql_files() -> list[Path]:
    """The ``.sql`` files in the order they run (their names start with a number)."""
    return sorted(SQL_DIR.glob("*.sql"))


def get_ledger_sql() -> str:
    """Every file's SQL, in order, as one script."""
    return "\n".join(path.read_text() for path in get_sql_files())


def get_declared_functions() -> dict[str, str]:
    """Function name -> its body (the text between ``$$``), as the files declare them."""
    return {name: body for name, body in _FUNCTION.findall(get_ledger_sql())}


def get_declared_triggers() -> dict[str, tuple[str, str]]:
    """Trigger name -> (table, function it runs), as the files declare them."""
    return {name: (table, function) for name, table, function in _TRIGGER.findall(get_ledger_sql())}


def get_drop_sql() -> str:
    """SQL that removes every declared trigger, then every declared function (a migration's way back)."""
    triggers = [f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, (table, _) in get_declared_triggers().items()]
    functions = [f"DROP FUNCTION IF EXISTS {name};" for name in reversed(list(get_declared_functions()))]
    return "\n".join(triggers + functions)

"""The checkout read as a server-side prepared statement on connections that live long enough.

The read (``sql/read_checkout.sql``) runs on every checkout mutation. PostgreSQL spends most of
its time on it planning (~0.7 ms planning against ~0.2 ms running, at 1 line), and Django
prepares nothing (psycopg's ``prepare_threshold`` is None unless a project sets it). A statement
prepared with ``PREPARE`` keeps its plan for the life of the database session, so:

- the first read on a connection is sent as it is: with Saleor's default ``DB_CONN_MAX_AGE=0``
  a connection serves one request, and preparing there would only add work;
- the second read on the same connection sends ``PREPARE ...; EXECUTE ...`` in one round trip
  (one statement for Django, so the statement counts do not move);
- every later read sends only ``EXECUTE``: no parse, and after PostgreSQL's first five custom
  plans, no planning either.

Off when the database settings say a transaction-pooling proxy sits in front of PostgreSQL
(``DISABLE_SERVER_SIDE_CURSORS``: pgbouncer would route the ``EXECUTE`` to another server
session), when ``LOYALTY_PREPARED_READS = False`` in Django's settings, and for the rest of the
process once a prepared statement went missing under us. Only psycopg 3 (Saleor 3.23's driver)
returns the second result of a two-command string; with another driver the read stays plain.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

logger = logging.getLogger(__name__)

# Renamed whenever the read's columns change: a server session kept by a session pooler across a
# deploy may still hold the older statement under the older name, and "already exists" is taken
# as prepared.
STATEMENT_NAME = "loyalty_read_checkout_2"
# PostgreSQL's condition names (SQLSTATE): the statement is gone / is already there.
MISSING_STATEMENT = "26000"
DUPLICATE_STATEMENT = "42P05"


class PreparedReads:
    """One read statement, and which driver connections hold it prepared as ``name``."""

    def __init__(self, name: str = STATEMENT_NAME) -> None:
        self.name = name
        # Keyed by psycopg's own connection object: a reconnect is a new key, and a closed
        # connection's entry goes with it.
        self._reads: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self.disabled = False

    def fetch_one(self, connection: Any, sql: str, params: list[Any]) -> tuple[Any, ...] | None:
        """The one row of ``sql`` (a ``%s`` statement with one uuid parameter), run through
        Django's cursor (so it is logged and counted like any other statement), prepared on a
        connection that has already run it once."""
        if not self._usable(connection):
            return _run(connection, sql, params)
        raw = connection.connection
        reads = self._reads.get(raw, 0)
        self._reads[raw] = reads + 1
        if reads == 0:
            return _run(connection, sql, params)
        try:
            if reads == 1:
                return _run(connection, _prepare_and_execute(self.name, sql), params, second_result=True)
            return _run(connection, f"EXECUTE {self.name} (%s)", params)
        except Exception as exc:
            return self._recover(connection, raw, exc, sql, params)

    def _usable(self, connection: Any) -> bool:
        from django.conf import settings

        if self.disabled or connection.vendor != "postgresql" or not getattr(settings, "LOYALTY_PREPARED_READS", True):
            return False
        if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
            return False
        from django.db.backends.postgresql.psycopg_any import is_psycopg3

        connection.ensure_connection()
        return is_psycopg3

    def _recover(self, connection: Any, raw: Any, exc: Exception, sql: str, params: list[Any]) -> Any:
        code = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
        if code == DUPLICATE_STATEMENT:
            self._reads[raw] = 2  # prepared earlier on this session by a process state we lost
        elif code == MISSING_STATEMENT:
            # Something between us and PostgreSQL does not keep sessions (or ran DISCARD ALL):
            # preparing cannot be relied on, so this process stops doing it.
            self.disabled = True
            logger.warning("The prepared checkout read went missing from the database session; "
                           "reading unprepared from now on (set LOYALTY_PREPARED_READS = False to silence this)")
        else:
            raise exc
        if connection.in_atomic_block:
            raise exc  # the transaction is aborted: the caller's error handling decides
        return _run(connection, sql, params)



def _prepare_and_execute(name: str, sql: str) -> str:
    # The statement's one parameter is a uuid (the checkout's token); %s is the driver's placeholder.
    return f"PREPARE {name} (uuid) AS {sql.replace('%s', '$1')}; EXECUTE {name} (%s)"


def _run(connection: Any, sql: str, params: list[Any], *, second_result: bool = False) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if second_result:
            cursor.nextset()
        return cursor.fetchone()


prepared_reads = PreparedReads()
prepared_reads_without_gifts = PreparedReads(name=f"{STATEMENT_NAME}_without_gifts")

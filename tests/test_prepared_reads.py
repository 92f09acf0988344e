"""The checkout read's prepared statement (``saleor_loyalty.saleor.prepared``), on real PostgreSQL.

The adapter module imports no Saleor, so it is tested here with a statement of the same shape
(one uuid parameter); each test prepares under its own name, since prepared statements outlive
the tests' transactions on the suite's kept connection.
"""

from __future__ import annotations

import itertools
import logging
import uuid
from typing import Any

import pytest
from django.db import ProgrammingError, connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_loyalty.saleor.prepared import PreparedReads

SQL = "SELECT %s::uuid::text, 'read'"
_names = itertools.count(1)


@pytest.fixture
def reads() -> PreparedReads:
    return PreparedReads(name=f"loyalty_test_read_{next(_names)}")


def _read(reads: PreparedReads, token: uuid.UUID) -> tuple[tuple[Any, ...] | None, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        row = reads.fetch_one(connection, SQL, [token])
    return row, [query["sql"] for query in captured.captured_queries]


def _is_prepared(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [name])
        return cursor.fetchone()[0] == 1


def _kinds(reads: PreparedReads, count: int) -> list[str]:
    kinds = []
    for _ in range(count):
        token = uuid.uuid4()
        row, sql = _read(reads, token)
        assert row == (str(token), "read")
        assert len(sql) == 1, sql  # one statement whatever the mode
        kinds.append(sql[0].split()[0])
    return kinds


@pytest.mark.django_db
def test_the_second_read_on_a_connection_prepares_it_and_later_reads_only_execute(reads: PreparedReads) -> None:
    assert _kinds(reads, 1) == ["SELECT"]
    assert not _is_prepared(reads.name)
    assert _kinds(reads, 4) == ["PREPARE", "EXECUTE", "EXECUTE", "EXECUTE"]
    assert _is_prepared(reads.name)


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_starts_plain_again(reads: PreparedReads) -> None:
    assert _kinds(reads, 3) == ["SELECT", "PREPARE", "EXECUTE"]
    connection.close()  # as Saleor does after each request with DB_CONN_MAX_AGE=0
    assert _kinds(reads, 3) == ["SELECT", "PREPARE", "EXECUTE"]


@pytest.mark.django_db
@pytest.mark.parametrize("switch_off", ["pooler", "setting"])
def test_reads_stay_plain_behind_a_transaction_pooler_or_when_switched_off(
    reads: PreparedReads, switch_off: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if switch_off == "pooler":
        # Django's own advice for pgbouncer in transaction mode: the same flag says sessions are not kept.
        monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    else:
        settings.LOYALTY_PREPARED_READS = False
    assert _kinds(reads, 4) == ["SELECT"] * 4
    assert not _is_prepared(reads.name)


def _drop(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {name}")


@pytest.mark.django_db(transaction=True)
def test_a_statement_dropped_behind_its_back_is_read_plain_and_preparing_stops(
    reads: PreparedReads, caplog: pytest.LogCaptureFixture
) -> None:
    assert _kinds(reads, 2) == ["SELECT", "PREPARE"]
    _drop(reads.name)  # what DISCARD ALL or a pooler handing over another session does
    token = uuid.uuid4()
    with caplog.at_level(logging.WARNING, logger="saleor_loyalty.saleor.prepared"):
        row, sql = _read(reads, token)
    assert row == (str(token), "read")
    assert [statement.split()[0] for statement in sql] == ["EXECUTE", "SELECT"]
    assert reads.disabled and "went missing" in caplog.text
    assert _kinds(reads, 3) == ["SELECT"] * 3


@pytest.mark.django_db
def test_inside_a_transaction_a_dropped_statement_fails_the_read_once(reads: PreparedReads) -> None:
    assert _kinds(reads, 2) == ["SELECT", "PREPARE"]
    _drop(reads.name)
    # The failed EXECUTE aborts the transaction, so there is no retrying inside it: the caller's
    # error handling decides (the checkout hook logs it); the next read, in a fresh transaction, is plain.
    with pytest.raises(ProgrammingError), transaction.atomic():
        reads.fetch_one(connection, SQL, [uuid.uuid4()])
    assert reads.disabled
    assert _kinds(reads, 1) == ["SELECT"]


@pytest.mark.django_db(transaction=True)
def test_a_statement_already_prepared_on_the_session_is_taken_as_prepared(reads: PreparedReads) -> None:
    assert _kinds(reads, 2) == ["SELECT", "PREPARE"]
    forgetful = PreparedReads(name=reads.name)  # a process state that lost track of the session
    assert _kinds(forgetful, 1) == ["SELECT"]
    token = uuid.uuid4()
    row, sql = _read(forgetful, token)
    assert row == (str(token), "read")
    assert [statement.split()[0] for statement in sql] == ["PREPARE", "SELECT"]
    assert not forgetful.disabled
    assert _kinds(forgetful, 2) == ["EXECUTE", "EXECUTE"]

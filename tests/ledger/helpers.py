"""Helpers for tests that go around the ORM to prove the database refuses bad rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction


@contextmanager
def refused(constraint: str) -> Iterator[None]:
    """Expect the database to raise IntegrityError naming ``constraint`` (a CHECK, UNIQUE or trigger)."""
    with pytest.raises(IntegrityError) as caught:
        yield
    assert caught.value.__cause__ is not None
    assert caught.value.__cause__.diag.constraint_name == constraint, str(caught.value)


def run_and_check_deferred(statement: str | Callable[[], Any], params: Sequence[Any] = ()) -> None:
    """Run SQL (or a callable) in a savepoint and fire the deferred triggers at once."""
    with transaction.atomic(), connection.cursor() as cursor:
        if callable(statement):
            statement()
        else:
            cursor.execute(statement, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

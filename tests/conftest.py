"""Shared fixtures. The database comes from tests/settings.py (DATABASE_URL or embedded)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

_usernames = itertools.count(1)

# tests/saleor runs inside a Saleor environment (docs/install.md); skip it where Saleor is missing.
try:
    import saleor  # noqa: F401
except ImportError:
    collect_ignore = ["saleor"]

    def pytest_report_header() -> str:
        return "tests/saleor skipped: the saleor package is not importable (run it in a Saleor environment, docs/install.md)"


@pytest.fixture(autouse=True)
def _forget_system_account_ids() -> Iterator[None]:
    """The ledger caches system account ids per process; each test starts from a fresh database."""
    from saleor_loyalty import ledger

    ledger.forget_system_account_ids()
    yield
    ledger.forget_system_account_ids()


@pytest.fixture
def now() -> datetime:
    """A fixed "now" for tests that pass time explicitly."""
    return datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def create_user() -> Callable[..., Any]:
    """Make a customer (Django's user model; Saleor's ``account.User`` inside Saleor)."""
    from django.contrib.auth import get_user_model

    def create(**fields: Any) -> Any:
        username = fields.pop("username", f"customer{next(_usernames)}")
        return get_user_model().objects.create_user(username=username, **fields)

    return create


@pytest.fixture
def customer(create_user: Callable[..., Any], db: None) -> Any:
    return create_user()


@pytest.fixture
def other_customer(create_user: Callable[..., Any], db: None) -> Any:
    return create_user()


@pytest.fixture
def company(db: None) -> Any:
    from saleor_loyalty.models import Company

    return Company.objects.create(name="Acme Supplies")


@pytest.fixture
def company_buyer(create_user: Callable[..., Any], company: Any) -> Any:
    """A customer who buys for ``company`` and so shares its points."""
    from saleor_loyalty.models import CompanyMember, CompanyRole

    user = create_user()
    CompanyMember.objects.create(company=company, user=user, role=CompanyRole.BUYER)
    return user


@pytest.fixture
def check_deferred_constraints(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under the ``db`` fixture nothing commits, so deferred constraint triggers never fire;
    this runs them at the end of the test (SET CONSTRAINTS ALL IMMEDIATE) before the rollback."""
    from django.db import connection

    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    if not transactional:
        request.getfixturevalue("db")  # set up first so it is torn down (rolled back) after us
    yield
    if not transactional:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

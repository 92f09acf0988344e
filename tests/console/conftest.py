"""Fixtures of the console tests: staff with given permissions, and a signed-in test client."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from saleor_loyalty.graphql.auth import LoyaltyPermission

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def make_staff(db: None) -> Callable[..., Any]:
    """A staff user (``is_staff``) with the given permissions (Django groups, as the demo grants them)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(*permissions: LoyaltyPermission, staff: bool = True, email: str | None = None) -> Any:
        number = next(_numbers)
        user = get_user_model().objects.create_user(
            username=f"staff{number}", email=email or f"staff{number}@example.com", password=PASSWORD, is_staff=staff
        )
        for permission in permissions:
            group, _ = Group.objects.get_or_create(name=permission.name)
            user.groups.add(group)
        return user

    return make


@pytest.fixture
def all_staff(make_staff: Callable[..., Any]) -> Any:
    return make_staff(*LoyaltyPermission)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: Client, user: Any, password: str = PASSWORD) -> Any:
    page = client.get("/console/sign-in/")
    return client.post("/console/sign-in/", {"email": user.email, "password": password, "csrf_token": csrf_of(page.content.decode())})


@pytest.fixture
def console(all_staff: Any) -> Client:
    """A client signed in as a staff member with every loyalty permission."""
    client = Client()
    response = sign_in(client, all_staff)
    assert response.status_code == 303, response.content
    return client

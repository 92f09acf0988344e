"""The console's frame: sign-in, session cookie, CSRF, lock-out, static files, permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.models import ConsoleSignInFailure
from saleor_loyalty.services import sign_in_guard

from .conftest import PASSWORD, csrf_of, sign_in

pytestmark = pytest.mark.django_db


def test_sign_in_sets_a_short_lived_httponly_samesite_cookie(all_staff: Any) -> None:
    client = Client()
    response = sign_in(client, all_staff)
    assert response.status_code == 303
    assert response["Location"] == "/console/"
    cookie = response.cookies["loyalty_console"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 1800
    assert cookie["path"] == "/console/"
    page = client.get("/console/")
    assert page.status_code == 200
    assert all_staff.email in page.content.decode()


def test_wrong_password_is_refused_and_counted(all_staff: Any) -> None:
    client = Client()
    response = sign_in(client, all_staff, password="wrong")
    assert response.status_code == 400
    assert "Email or password is wrong" in response.content.decode()
    assert ConsoleSignInFailure.objects.get(login=all_staff.email).failures == 1
    assert client.get("/console/").status_code == 302  # still signed out


def test_a_customer_cannot_sign_in(make_staff: Any) -> None:
    customer = make_staff(*LoyaltyPermission, staff=False)
    response = sign_in(Client(), customer)
    assert response.status_code == 400


def test_lock_out_after_repeated_failures_refuses_even_the_right_password(all_staff: Any) -> None:
    client = Client()
    for _ in range(sign_in_guard.MAX_FAILURES):
        sign_in(client, all_staff, password="wrong")
    response = sign_in(client, all_staff)
    assert response.status_code == 400
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get("/console/").status_code == 302


def test_a_post_without_the_sessions_csrf_token_is_refused(all_staff: Any) -> None:
    # given a token minted for another browser's session
    other = Client()
    foreign_token = csrf_of(other.get("/console/sign-in/").content.decode())
    client = Client()
    client.get("/console/sign-in/")
    # when the form is posted with it, or with none
    with_foreign = client.post("/console/sign-in/", {"email": all_staff.email, "password": PASSWORD, "csrf_token": foreign_token})
    without = client.post("/console/sign-in/", {"email": all_staff.email, "password": PASSWORD})
    # then both are refused and nobody is signed in
    assert with_foreign.status_code == 403
    assert without.status_code == 403
    assert client.get("/console/").status_code == 302


def test_a_tampered_cookie_is_an_anonymous_session(console: Client) -> None:
    value = console.cookies["loyalty_console"].value
    console.cookies["loyalty_console"] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert console.get("/console/").status_code == 302


def test_sign_out_ends_the_session(console: Client) -> None:
    page = console.get("/console/")
    response = console.post("/console/sign-out/", {"csrf_token": csrf_of(page.content.decode())})
    assert response.status_code == 303
    assert console.get("/console/").status_code == 302


def test_static_files_are_served_from_the_package_and_nothing_outside_it(console: Client) -> None:
    css = console.get("/console/static/console.css")
    assert css.status_code == 200
    assert css["Content-Type"] == "text/css"
    assert console.get("/console/static/../site.py").status_code == 404
    assert console.get("/console/static/%2e%2e/site.py").status_code == 404


def test_pages_have_a_strict_content_security_policy(console: Client) -> None:
    csp = console.get("/console/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'self'" in csp

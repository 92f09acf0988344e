"""The staff console inside Saleor: installed as a Dashboard app from the plugin's own manifest,
opened with the app token Dashboard would hand to the iframe, and signed into with a password.

How the install runs here: ``appInstall`` schedules ``install_app_task``, which fetches the
manifest over HTTP. The test fetches the plugin's manifest through Django's test client (the real
``/plugins/global/saleor.loyalty/app/manifest`` route) and hands that document to Saleor's own
``install_app`` in place of its HTTP fetch (``fetch_manifest`` patched), so Saleor validates
the manifest (``clean_manifest_data``) and creates the app and its extensions itself.
"""

from __future__ import annotations

import json
import re

import pytest

CONSOLE = "/plugins/global/saleor.loyalty/console/"
MANIFEST = "/plugins/global/saleor.loyalty/app/manifest"


@pytest.fixture
def installed_app(loyalty_plugin, client, monkeypatch, permission_manage_users, permission_manage_discounts,
                  permission_manage_orders):
    from saleor.app import installation_utils
    from saleor.app.models import AppInstallation

    response = client.get(MANIFEST)
    assert response.status_code == 200
    manifest = response.json()
    monkeypatch.setattr(installation_utils, "fetch_manifest", lambda url, **kwargs: json.loads(json.dumps(manifest)))
    installation = AppInstallation.objects.create(app_name="Loyalty", manifest_url="http://testserver" + MANIFEST)
    installation.permissions.set([permission_manage_users, permission_manage_discounts, permission_manage_orders])
    app, _token = installation_utils.install_app(installation, activate=True)
    return app


def handshake(client, token):
    return client.post(CONSOLE + "app/handshake/", json.dumps({"token": token, "version": 1}),
                       content_type="application/json")


def test_saleor_installs_the_app_with_its_widgets(installed_app):
    assert installed_app.identifier == "saleor.loyalty.console"
    assert installed_app.app_url == "http://testserver" + CONSOLE + "app/"
    mounts = sorted((extension.mount.upper(), extension.target.upper()) for extension in installed_app.extensions.all())
    assert mounts == [("CUSTOMER_DETAILS_WIDGETS", "WIDGET"), ("ORDER_DETAILS_WIDGETS", "WIDGET")]


def test_the_app_token_of_a_staff_member_opens_the_console(installed_app, client, staff_user, permission_manage_users):
    from saleor.core.jwt import create_access_token_for_app

    # given a staff member with MANAGE_USERS only, and the token Dashboard makes for the app's iframe
    staff_user.user_permissions.add(permission_manage_users)
    token = create_access_token_for_app(installed_app, staff_user)
    # when the console's page posts it
    response = handshake(client, token)
    # then a console session opens with the permissions the user and the app share
    assert response.status_code == 200, response.content
    assert response.json()["permissions"] == ["MANAGE_USERS"]
    page = client.get(CONSOLE + "customers/")
    assert page.status_code == 200 and "staff_test@example.com" in page.content.decode()
    assert client.get(CONSOLE + "tiers/").status_code == 403


def test_a_customers_app_token_is_refused(installed_app, client, customer_user):
    from saleor.core.jwt import create_access_token_for_app

    response = handshake(client, create_access_token_for_app(installed_app, customer_user))
    assert response.status_code == 403
    assert client.get(CONSOLE + "customers/").status_code == 302


def test_another_apps_token_and_a_plain_access_token_are_refused(installed_app, client, app, staff_user,
                                                                  permission_manage_users):
    from saleor.core.jwt import create_access_token, create_access_token_for_app

    staff_user.user_permissions.add(permission_manage_users)
    app.permissions.add(permission_manage_users)
    assert handshake(client, create_access_token_for_app(app, staff_user)).status_code == 403
    assert handshake(client, create_access_token(staff_user)).status_code == 403
    assert handshake(client, "not-a-jwt").status_code == 403


def test_password_sign_in_with_saleors_user_model(loyalty_plugin, client, staff_user, permission_manage_discounts):
    staff_user.user_permissions.add(permission_manage_discounts)
    form = client.get(CONSOLE + "sign-in/").content.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    wrong = client.post(CONSOLE + "sign-in/", {"email": staff_user.email, "password": "nope", "csrf_token": token})
    assert wrong.status_code == 400
    right = client.post(CONSOLE + "sign-in/", {"email": staff_user.email, "password": "password", "csrf_token": token})
    assert right.status_code == 303
    assert client.get(CONSOLE + "tiers/").status_code == 200
    assert client.get(CONSOLE + "customers/").status_code == 403

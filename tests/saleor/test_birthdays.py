"""Birthdays inside Saleor: recorded through the plugin's API or the shop's private metadata, and
the daily job crediting the bonus once a year."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from django.core.management import call_command
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

URL = "/plugins/global/saleor.loyalty/graphql/"
SET = """mutation($d: String!) { loyaltyBirthdaySet(date: $d) { birthday { date canChange } errors { field code } } }"""
PRIVATE_METADATA = """mutation($id: ID!, $input: [MetadataInput!]!) { updatePrivateMetadata(id: $id, input: $input) {
  errors { field code } } }"""


def post(client, user, query, variables):
    from saleor.core.jwt import create_access_token

    response = client.post(URL, json.dumps({"query": query, "variables": variables}), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {create_access_token(user)}")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def balance(user):
    from saleor_loyalty.services import points

    return points.get_balance(points.Owner.customer(user.pk)).available


def test_a_shopper_sets_the_birthday_once_and_the_daily_job_pays_it_once(
    loyalty_config, client, customer_user, django_capture_on_commit_callbacks,
):
    from saleor_loyalty.services import rules

    # given: a birthday rule, and the shopper records 1 March on 10 January
    loyalty_config(pending_days="0")
    rules.create_earn_rule({"name": "Birthday", "kind": "birthday_bonus", "points": 250})
    with freeze_time("2025-01-10 10:00:00"):
        first = post(client, customer_user, SET, {"d": "1990-03-01"})["loyaltyBirthdaySet"]
        again = post(client, customer_user, SET, {"d": "1990-04-01"})["loyaltyBirthdaySet"]
    assert first == {"birthday": {"date": "1990-03-01", "canChange": False}, "errors": []}
    assert again["errors"] == [{"field": "date", "code": "BIRTHDAY_ALREADY_SET"}]

    # when: the daily job runs on the day, twice
    with freeze_time("2025-03-01 06:00:00"):
        call_command("loyalty_birthdays")
        call_command("loyalty_birthdays")

    # then: one bonus of 250
    assert balance(customer_user) == 250


def test_a_birthday_in_the_private_metadata_is_taken_and_the_public_one_is_not(
    loyalty_plugin, staff_api_client, permission_manage_users, customer_user, django_capture_on_commit_callbacks,
):
    import graphene

    from saleor_loyalty.models import CustomerLoyalty

    staff_api_client.user.user_permissions.add(permission_manage_users)
    user_id = graphene.Node.to_global_id("User", customer_user.pk)

    # a shopper's own public metadata is not trusted
    customer_user.store_value_in_metadata({"loyalty.birthday": "1990-03-01"})
    customer_user.save(update_fields=["metadata"])
    # when: staff (or an app) write the private metadata key
    with django_capture_on_commit_callbacks(execute=True):
        result = get_graphql_content(staff_api_client.post_graphql(PRIVATE_METADATA, {
            "id": user_id, "input": [{"key": "loyalty.birthday", "value": "1985-07-14"}]}))
    assert result["data"]["updatePrivateMetadata"]["errors"] == []

    # then: the program records it, as the shop's
    state = CustomerLoyalty.objects.get(user=customer_user)
    assert (state.birthday, state.birthday_source) == (date(1985, 7, 14), "shop")

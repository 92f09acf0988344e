"""Referral end to end: sign-up with a code, first-order discount, referrer reward, reversal."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from saleor_loyalty.models import Referral
from saleor_loyalty.services import points, referrals, rules

from .storefront import (
    add_promo_code,
    amount,
    complete,
    create_checkout,
    get_checkout,
    pay,
    pay_and_complete,
    run,
    set_delivery,
)

REGISTER = """mutation($input: AccountRegisterInput!) { accountRegister(input: $input) {
  errors { field code message } } }"""
CANCEL = """mutation($id: ID!) { orderCancel(id: $id) { errors { field code message } } }"""
LOYALTY_URL = "/plugins/global/saleor.loyalty/graphql/"
APPLY_DISCOUNT = """mutation($checkoutId: ID!) { loyaltyReferralDiscountApply(checkoutId: $checkoutId) {
  discount { code amount currency } errors { field code message } } }"""


def balance(user):
    return points.get_balance(points.Owner.customer(user.pk))


@pytest.fixture
def referral_program(db):
    return rules.create_referral_program({"discount_kind": "fixed", "discount_value": "5", "currency": "USD",
                                          "referrer_points": 100})


@pytest.fixture
def referee(loyalty_plugin, api_client, customer_user, referral_program, channel_USD, site_settings):
    """A shopper who signed up through accountRegister with the customer's referral code."""
    from saleor.account.models import User
    from saleor.graphql.tests.fixtures import ApiClient

    site_settings.enable_account_confirmation_by_email = False
    site_settings.save(update_fields=["enable_account_confirmation_by_email"])
    code = referrals.create_referral_code(customer_user.pk).code
    run(api_client, REGISTER, {"input": {
        "email": "friend@example.org", "password": "Secret-pass-123", "channel": "main",
        "metadata": [{"key": "loyalty.referral_code", "value": code}],
    }}, "accountRegister")
    user = User.objects.get(email="friend@example.org")
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user, ApiClient(user=user)


def apply_referral_discount(user, checkout_id):
    """What a storefront does: ask the loyalty API for the discount, with the referee's Saleor token."""
    from saleor.core.jwt import create_access_token

    body = {"query": APPLY_DISCOUNT, "variables": {"checkoutId": checkout_id}}
    response = Client().post(LOYALTY_URL, json.dumps(body), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {create_access_token(user)}")
    assert response.status_code == 200, response.content
    payload = response.json()["data"]["loyaltyReferralDiscountApply"]
    assert payload["errors"] == [], payload
    return payload["discount"]


@pytest.fixture
def referee_checkout(referee, product, shipping_method):
    user, client = referee
    checkout_id = create_checkout(client, [(product.variants.first(), 3)], email=user.email)
    set_delivery(client, checkout_id)
    assert apply_referral_discount(user, checkout_id)["amount"] == "5.00"
    return checkout_id


def test_percent_discounts_of_two_referees_do_not_overwrite_each_other(
    loyalty_plugin, customer_user, product, shipping_method, channel_USD
):
    from saleor.account.models import User
    from saleor.graphql.tests.fixtures import ApiClient

    from saleor_loyalty.config import ProgramConfig

    # given: 10 % off a first order; two friends signed up with the customer's code
    rules.create_referral_program({"discount_kind": "percent", "discount_value": "10", "currency": "USD",
                                   "referrer_points": 100})
    code = referrals.create_referral_code(customer_user.pk).code
    friends = []
    for email, quantity in (("ann@example.org", 3), ("ben@example.org", 5)):
        user = User.objects.create(email=email, is_active=True)
        referrals.attribute_signup(user.pk, code, config=ProgramConfig())
        client = ApiClient(user=user)
        checkout_id = create_checkout(client, [(product.variants.first(), quantity)], email=email)
        set_delivery(client, checkout_id)
        friends.append((user, client, checkout_id))

    # when: both apply the discount under the one shared code, Ann first
    (ann, ann_client, ann_checkout), (ben, ben_client, ben_checkout) = friends
    assert apply_referral_discount(ann, ann_checkout)["amount"] == "3.00"
    assert apply_referral_discount(ben, ben_checkout)["amount"] == "5.00"

    # and Ann sets her delivery again: Saleor recomputes her voucher's discount
    set_delivery(ann_client, ann_checkout)

    # then: each checkout keeps its own 10 % (a fixed amount set for Ben's would now be Ann's)
    assert amount(get_checkout(ann_client, ann_checkout)["totalPrice"]) == Decimal("37.00")  # 30 + 10 - 3
    assert amount(pay_and_complete(ann_client, ann_checkout)["total"]) == Decimal("37.00")
    assert amount(pay_and_complete(ben_client, ben_checkout)["total"]) == Decimal("55.00")  # 50 + 10 - 5


def test_sign_up_with_a_code_is_attributed(referee, customer_user):
    user, _ = referee
    referral = Referral.objects.get(referee=user)
    assert referral.referrer_id == customer_user.pk


def test_first_order_discount_and_referrer_reward(referee, referee_checkout, customer_user):
    _, client = referee
    checkout = get_checkout(client, referee_checkout)
    assert amount(checkout["totalPrice"]) == Decimal("35.00")  # 30 + 10 - 5
    # the voucher's code is the referrer's referral code
    assert checkout["voucherCode"] == referrals.create_referral_code(customer_user.pk).code

    order = pay_and_complete(client, referee_checkout)

    assert amount(order["total"]) == Decimal("35.00")
    assert balance(customer_user).pending + balance(customer_user).available == 100


def test_referee_discount_refused_after_a_first_order(referee, referee_checkout):
    user, client = referee
    user.number_of_orders = 1  # an order placed since the discount was attached
    user.save(update_fields=["number_of_orders"])

    pay(client, referee_checkout)
    result = complete(client, referee_checkout)

    assert result["order"] is None
    assert result["errors"][0]["field"] == "voucherCode"


def test_cancelling_the_first_order_reverses_the_reward(
    referee, referee_checkout, customer_user, staff_api_client, permission_group_manage_orders
):
    _, client = referee
    order = pay_and_complete(client, referee_checkout)
    permission_group_manage_orders.user_set.add(staff_api_client.user)

    run(staff_api_client, CANCEL, {"id": order["id"]}, "orderCancel")

    assert balance(customer_user).pending + balance(customer_user).available == 0


def test_self_referral_is_not_attributed(loyalty_plugin, customer_user, referral_program, django_capture_on_commit_callbacks):
    from saleor.plugins.manager import get_plugins_manager

    code = referrals.create_referral_code(customer_user.pk).code
    customer_user.store_value_in_metadata({"loyalty.referral_code": code})
    customer_user.save(update_fields=["metadata"])
    with django_capture_on_commit_callbacks(execute=True):
        get_plugins_manager(allow_replica=False).customer_created(customer_user)
    assert not Referral.objects.exists()


def test_referrer_typing_their_own_code_is_refused_at_the_order(
    referee, referee_checkout, customer_user, user_api_client, product
):
    # given: the referral code's voucher exists (the referee's checkout has it)
    code = referrals.create_referral_code(customer_user.pk).code
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 3)], email=customer_user.email)
    set_delivery(user_api_client, checkout_id)
    assert add_promo_code(user_api_client, checkout_id, code)["errors"] == []

    # when: the referrer places the order with it
    pay(user_api_client, checkout_id)
    result = complete(user_api_client, checkout_id)

    # then: preprocess_order_creation refuses it, and the referee may still use the code
    assert result["order"] is None
    assert result["errors"][0]["field"] == "voucherCode"
    _, client = referee
    assert pay_and_complete(client, referee_checkout)["total"]["gross"]["amount"] == 35.0

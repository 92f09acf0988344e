"""Points for paid orders: credited once, pending; reversed on cancellation and refunds."""

from __future__ import annotations

from decimal import Decimal

import graphene
import pytest

from saleor_loyalty.services import points

from .storefront import create_checkout, pay_and_complete, run, set_delivery

CANCEL = """mutation($id: ID!) { orderCancel(id: $id) { errors { field code message } } }"""
REFUND = """mutation($id: ID!, $amount: PositiveDecimal!) { orderRefund(id: $id, amount: $amount) {
  errors { field code message } } }"""


def balance(user):
    return points.get_balance(points.Owner.customer(user.pk))


@pytest.fixture
def placed_order(loyalty_plugin, user_api_client, customer_user, product, shipping_method, channel_USD):
    """The customer buys 2 x 10.00 USD (+10.00 shipping) and pays with the dummy gateway."""
    from saleor.order.models import Order

    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 2)], email=customer_user.email)
    set_delivery(user_api_client, checkout_id)
    order = pay_and_complete(user_api_client, checkout_id)
    return Order.objects.get(pk=graphene.Node.from_global_id(order["id"])[1])


@pytest.fixture
def order_staff(staff_api_client, permission_group_manage_orders):
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    return staff_api_client


def test_paid_order_credits_pending_points_once(placed_order, customer_user, django_capture_on_commit_callbacks):
    from saleor.plugins.manager import get_plugins_manager

    # then: 20.00 of goods at 1 point per unit, shipping excluded, pending for the return window
    assert balance(customer_user).pending == 20
    assert balance(customer_user).available == 0

    # when: Saleor fires order_fully_paid again (a capture, a transaction update...)
    with django_capture_on_commit_callbacks(execute=True):
        get_plugins_manager(allow_replica=False).order_fully_paid(placed_order)

    # then: nothing more is credited
    assert balance(customer_user).pending == 20


def test_balance_is_mirrored_into_user_metadata(placed_order, customer_user):
    customer_user.refresh_from_db()
    assert customer_user.get_value_from_metadata("loyalty.points_pending") == "20"
    assert customer_user.get_value_from_metadata("loyalty.points_available") == "0"


def test_cancelled_order_reverses_its_points(placed_order, customer_user, order_staff):
    run(order_staff, CANCEL, {"id": graphene.Node.to_global_id("Order", placed_order.pk)}, "orderCancel")
    assert balance(customer_user).pending == 0


def test_partial_refund_reverses_in_proportion(placed_order, customer_user, order_staff):
    order_id = graphene.Node.to_global_id("Order", placed_order.pk)

    run(order_staff, REFUND, {"id": order_id, "amount": "15.00"}, "orderRefund")
    # 15.00 of 30.00 refunded -> floor(20 * 15 / 30) = 10 points reversed
    assert balance(customer_user).pending == 10

    run(order_staff, REFUND, {"id": order_id, "amount": "15.00"}, "orderRefund")
    assert balance(customer_user).pending == 0


def test_guest_order_earns_nothing(loyalty_plugin, api_client, product, shipping_method, channel_USD):
    from saleor_loyalty.models import OrderRecord

    checkout_id = create_checkout(api_client, [(product.variants.first(), 2)])
    set_delivery(api_client, checkout_id)
    pay_and_complete(api_client, checkout_id)
    record = OrderRecord.objects.get()
    assert record.user_id is None and record.goods_total == Decimal("20.00")


def test_an_order_paid_while_the_broker_is_down_is_credited_by_the_sweep(
    loyalty_plugin, user_api_client, customer_user, product, shipping_method, channel_USD, caplog
):
    from unittest import mock

    from kombu.exceptions import OperationalError
    from saleor.order.models import Order

    from saleor_loyalty import tasks
    from saleor_loyalty.models import OrderRecord

    # given: the broker refuses the credit task when the order is paid
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(tasks.credit_order_task, "delay", side_effect=refused) as delay:
        checkout_id = create_checkout(user_api_client, [(product.variants.first(), 2)], email=customer_user.email)
        set_delivery(user_api_client, checkout_id)
        order = pay_and_complete(user_api_client, checkout_id)
    order_id = graphene.Node.from_global_id(order["id"])[1]
    assert delay.called and Order.objects.filter(pk=order_id).exists()  # the shopper's order went through
    assert "could not queue" in caplog.text
    record = OrderRecord.objects.get(order_id=order_id)
    assert record.credit_due_at is not None and not record.credited
    assert balance(customer_user).pending == 0

    # when: the periodic sweep runs (as Celery beat would)
    delivered = tasks.deliver_order_work_task.apply(kwargs={"grace_minutes": 0}, throw=True).get()

    # then: credited once, and the balance mirrored into the user's metadata
    assert delivered["credited"] == 1
    assert balance(customer_user).pending == 20
    customer_user.refresh_from_db()
    assert customer_user.get_value_from_metadata("loyalty.points_pending") == "20"
    assert tasks.deliver_order_work_task.apply(kwargs={"grace_minutes": 0}, throw=True).get()["credited"] == 0

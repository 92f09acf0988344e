"""What the plugin adds to Saleor's checkout mutations: SQL statements (and, for the benchmark,
time), measured with the plugin on and off on the same fresh data.

Used by ``test_checkout_overhead.py`` (statement budgets, deterministic) and by
``benchmarks/checkout.py`` (statements and medians). Each case builds a fresh checkout in the
state the mutation starts from, then runs the one mutation under measurement: Saleor's own
statements are the same either way, so the difference is the plugin's.
"""

from __future__ import annotations

import gc
import inspect
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .fixtures import PLUGIN_PATH
from .storefront import (
    ADDRESS, BILLING_ADDRESS, COMPLETE, DELIVERY, LINES_ADD, LINES_UPDATE, PAYMENT, SHIPPING_ADDRESS, amount,
    get_checkout, run, variant_gid,
)

EMAIL_UPDATE = """mutation($id: ID!, $e: String!) { checkoutEmailUpdate(id: $id, email: $e) {
  errors { field code message } } }"""
CREATE_SMALL = """mutation($input: CheckoutCreateInput!) { checkoutCreate(input: $input) {
  errors { field code message } checkout { id } } }"""


@contextmanager
def plugin(settings: Any, on: bool) -> Iterator[None]:
    """The loyalty plugin in ``settings.PLUGINS`` (or not) for the block. ``override_settings``
    undoes itself on exit, so thousands of toggles (the benchmark) stack nothing up."""
    from django.test import override_settings

    base = [path for path in settings.PLUGINS if path != PLUGIN_PATH]
    with override_settings(PLUGINS=[*base, PLUGIN_PATH] if on else base):
        yield


@contextmanager
def tasks_queued() -> Iterator[list[str]]:
    """Celery tasks are recorded as sent instead of running eagerly (Saleor's test settings):
    what a worker does later is not the request's cost. Yields the names sent."""
    from unittest import mock

    sent: list[str] = []

    def send(task: Any, *args: Any, **kwargs: Any) -> None:
        sent.append(task.name)

    with mock.patch("celery.app.task.Task.apply_async", autospec=True, side_effect=send):
        yield sent


class HookClock:
    """Time spent inside the plugin's own hook methods (``LoyaltyPlugin`` methods that override a
    ``BasePlugin`` hook), summed while ``running()``; ``installed()`` wraps the methods for a block.
    What it leaves out - Saleor building the plugin and calling through its manager - is small and
    shows only in the whole mutation's time."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._running = False

    @contextmanager
    def running(self) -> Iterator[None]:
        self.seconds, self._running = 0.0, True
        try:
            yield
        finally:
            self._running = False

    @contextmanager
    def installed(self) -> Iterator[None]:
        from unittest import mock

        from saleor.plugins.base_plugin import BasePlugin

        from saleor_loyalty.plugin import LoyaltyPlugin

        # BasePlugin declares its hooks as annotations; Saleor calls a plugin's hook when it has one.
        hooks = vars(BasePlugin).get("__annotations__", {})
        names = [name for name, value in vars(LoyaltyPlugin).items() if inspect.isfunction(value) and name in hooks]
        assert "checkout_updated" in names, names
        with ExitStack() as stack:
            for name in names:
                stack.enter_context(mock.patch.object(LoyaltyPlugin, name, self._clocked(getattr(LoyaltyPlugin, name))))
            yield

    def _clocked(self, method: Callable[..., Any]) -> Callable[..., Any]:
        clock = self

        def clocked(*args: Any, **kwargs: Any) -> Any:
            if not clock._running:
                return method(*args, **kwargs)
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                clock.seconds += time.perf_counter() - started

        return clocked


@dataclass(frozen=True)
class Case:
    """A mutation to measure: ``prepare(n)`` returns the state, ``act(state)`` runs the mutation."""

    name: str
    prepare: Callable[[int], Any]
    act: Callable[[Any], Any]


def measure(
    case: Case, lines: int, *, settings: Any, on: bool, collect: bool = False, hooks: HookClock | None = None,
    capture: bool = True,
) -> tuple[list[str], float, Any]:
    """(statements' SQL, seconds, state) of one run of ``case`` at ``lines`` lines, plugin ``on`` or off.

    The hooks Saleor schedules on commit run inside the measured block, as right after a real
    request's transaction: Saleor's test ``ApiClient`` runs a request's on-commit callbacks
    before it returns (wrapping it again would run them twice). The Celery tasks they schedule
    are recorded, not run. ``collect``: start the timed run from an empty garbage collector
    (the benchmark), so neither side pays for collecting what the preparation left behind.
    ``hooks``: clocks the plugin's hooks during the mutation (not during its preparation).
    ``capture=False``: time without Django's query log (which costs every statement some Python,
    as production does not); the statements come back empty.
    """
    with plugin(settings, on), tasks_queued():
        state = case.prepare(lines)
        if collect:
            gc.collect()
        captured = CaptureQueriesContext(connection) if capture else None
        with captured if captured is not None else nullcontext(), (hooks.running() if hooks else nullcontext()):
            started = time.perf_counter()
            case.act(state)
            elapsed = time.perf_counter() - started
    return [query["sql"] for query in captured.captured_queries] if captured is not None else [], elapsed, state


class Shop:
    """Fresh checkouts of ``lines`` distinct variants for one buyer, through Saleor's API."""

    def __init__(self, client: Any, variants: list[Any], *, email: str) -> None:
        self.client, self.variants, self.email = client, variants, email

    def new_checkout(self, lines: int, quantity: int = 1) -> str:
        result = run(self.client, CREATE_SMALL, {"input": {"channel": "main", "email": self.email, "lines": [
            {"variantId": variant_gid(variant), "quantity": quantity} for variant in self.variants[:lines]]}},
            "checkoutCreate")
        return str(result["checkout"]["id"])

    def line_ids(self, checkout_id: str) -> list[str]:
        return [line["id"] for line in get_checkout(self.client, checkout_id)["lines"]]

    def create(self, lines: int, quantity: int = 1) -> None:
        self.new_checkout(lines, quantity)

    def add_lines(self, checkout_id: str, lines: int, quantity: int) -> None:
        run(self.client, LINES_ADD, {"id": checkout_id, "lines": [
            {"variantId": variant_gid(variant), "quantity": quantity} for variant in self.variants[:lines]]},
            "checkoutLinesAdd")

    def set_quantity(self, checkout_id: str, line_ids: list[str], quantity: int) -> None:
        run(self.client, LINES_UPDATE, {"id": checkout_id, "lines": [
            {"lineId": line_id, "quantity": quantity} for line_id in line_ids]}, "checkoutLinesUpdate")

    def shipping_address(self, checkout_id: str) -> None:
        run(self.client, SHIPPING_ADDRESS, {"id": checkout_id, "a": ADDRESS}, "checkoutShippingAddressUpdate")

    def email_update(self, checkout_id: str) -> None:
        run(self.client, EMAIL_UPDATE, {"id": checkout_id, "e": "other-" + self.email}, "checkoutEmailUpdate")

    def ready_for_delivery(self, checkout_id: str) -> str:
        self.shipping_address(checkout_id)
        run(self.client, BILLING_ADDRESS, {"id": checkout_id, "a": ADDRESS}, "checkoutBillingAddressUpdate")
        return str(get_checkout(self.client, checkout_id)["shippingMethods"][0]["id"])

    def delivery(self, checkout_id: str, method_id: str) -> None:
        run(self.client, DELIVERY, {"id": checkout_id, "d": method_id}, "checkoutDeliveryMethodUpdate")

    def ready_to_complete(self, checkout_id: str) -> None:
        self.delivery(checkout_id, self.ready_for_delivery(checkout_id))
        total = amount(get_checkout(self.client, checkout_id)["totalPrice"])
        run(self.client, PAYMENT, {"id": checkout_id, "input": {
            "gateway": "mirumee.payments.dummy", "token": "charged", "amount": str(total)}}, "checkoutPaymentCreate")

    def complete(self, checkout_id: str) -> None:
        run(self.client, COMPLETE, {"id": checkout_id}, "checkoutComplete")


def cases(shop: Shop) -> dict[str, Case]:
    """The mutations of issue 14, each from the state it starts in, at ``n`` lines (``checkoutLinesAdd``:
    ``n`` lines added to a checkout of one). Quantities: the ``overhead_shop`` price list breaks at
    10 units, so 5 -> 6 keeps prices and 5 -> 10 crosses the break on every line."""
    return {
        "checkoutCreate": Case("checkoutCreate", lambda n: n, lambda n: shop.create(n, 5)),
        "checkoutLinesAdd": Case(
            "checkoutLinesAdd", lambda n: (shop.new_checkout(1, 5), n),
            lambda state: shop.add_lines(state[0], state[1], 1)),
        "checkoutLinesUpdate (prices kept)": Case(
            "checkoutLinesUpdate (prices kept)", lambda n: _with_lines(shop, n, 5),
            lambda state: shop.set_quantity(state[0], state[1], 6)),
        "checkoutLinesUpdate (crossing a break)": Case(
            "checkoutLinesUpdate (crossing a break)", lambda n: _with_lines(shop, n, 5),
            lambda state: shop.set_quantity(state[0], state[1], 10)),
        "checkoutShippingAddressUpdate": Case(
            "checkoutShippingAddressUpdate", lambda n: shop.new_checkout(n, 5), shop.shipping_address),
        "checkoutEmailUpdate": Case("checkoutEmailUpdate", lambda n: shop.new_checkout(n, 5), shop.email_update),
        "checkoutDeliveryMethodUpdate": Case(
            "checkoutDeliveryMethodUpdate", lambda n: _ready_for_delivery(shop, n),
            lambda state: shop.delivery(*state)),
        "checkoutComplete": Case("checkoutComplete", lambda n: _ready_to_complete(shop, n), shop.complete),
    }


def _with_lines(shop: Shop, lines: int, quantity: int) -> tuple[str, list[str]]:
    checkout_id = shop.new_checkout(lines, quantity)
    return checkout_id, shop.line_ids(checkout_id)


def _ready_for_delivery(shop: Shop, lines: int) -> tuple[str, str]:
    checkout_id = shop.new_checkout(lines, 5)
    return checkout_id, shop.ready_for_delivery(checkout_id)


def _ready_to_complete(shop: Shop, lines: int) -> str:
    checkout_id = shop.new_checkout(lines, 5)
    shop.ready_to_complete(checkout_id)
    return checkout_id


def make_variants(product: Any, channel: Any, warehouse: Any, count: int) -> list[Any]:
    """``count`` variants of ``product`` at 10.00 in ``channel``, each with stock in ``warehouse``."""
    from saleor.product.models import ProductVariant, ProductVariantChannelListing
    from saleor.warehouse.models import Stock

    variants = []
    for index in range(count):
        variant = ProductVariant.objects.create(product=product, sku=f"overhead-{index}", name=f"Size {index}")
        ProductVariantChannelListing.objects.create(
            variant=variant, channel=channel, price_amount=Decimal("10.00"), currency=channel.currency_code)
        Stock.objects.create(warehouse=warehouse, product_variant=variant, quantity=100_000)
        variants.append(variant)
    return variants


def plugin_statements(on: list[str], off: list[str]) -> list[str]:
    """The statements of the ``on`` run that the ``off`` run did not make (as a multiset)."""
    left = list(off)
    extra = []
    for sql in on:
        if sql in left:
            left.remove(sql)
        else:
            extra.append(sql)
    return extra

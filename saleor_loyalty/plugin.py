"""The Saleor entry point: ``LoyaltyPlugin``, a global plugin with thin hooks.

Every hook is guard -> delegate -> return ``previous_value``. The work lives in
``saleor_loyalty.saleor`` (adapter) and ``saleor_loyalty.services`` (use cases). Only
``preprocess_order_creation`` may raise into Saleor (a ``ValidationError`` that blocks the
order); every other hook logs the failure and carries on, so a loyalty problem never breaks a
shopper's mutation. ``docs/hooks.md`` lists each hook, what it does and its status in 3.23.
"""

from __future__ import annotations

import logging
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import HttpResponseNotFound
from saleor.plugins.base_plugin import BasePlugin

from .config import ProgramConfig, parse_program_config
from .exceptions import InvalidInput
from .saleor import configuration
from .saleor.shop import register as register_saleor_shop

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from saleor.account.models import User
    from saleor.checkout.fetch import CheckoutInfo, CheckoutLineInfo
    from saleor.checkout.models import Checkout
    from saleor.order.models import Order
    from saleor.plugins.models import PluginConfiguration

logger = logging.getLogger(__name__)

# The services reach Saleor through the shop port. ``LoyaltyConfig.ready()`` registers it in
# every Saleor process; registering again here (idempotent) covers a project that lists the
# plugin in PLUGINS without the app's ready() having run first.
register_saleor_shop()


@lru_cache(maxsize=16)
def _parse_program_config_values(values: tuple[tuple[str, Any], ...]) -> ProgramConfig:
    return parse_program_config(dict(values))


class LoyaltyPlugin(BasePlugin):
    PLUGIN_ID = "saleor.loyalty"
    PLUGIN_NAME = "Loyalty"
    PLUGIN_DESCRIPTION = "Tier and volume prices, points, free products, referrals and VIP tiers."
    CONFIGURATION_PER_CHANNEL = False
    DEFAULT_ACTIVE = True
    CONFIG_STRUCTURE = configuration.CONFIG_STRUCTURE
    DEFAULT_CONFIGURATION = configuration.DEFAULT_CONFIGURATION

    @cached_property
    def program_config(self) -> ProgramConfig:
        """The configuration, parsed once per distinct content: Saleor builds a plugin instance
        (and so asks again) for every request's manager."""
        try:
            values = tuple((item["name"], item.get("value")) for item in self.configuration)
            try:
                return _parse_program_config_values(values)
            except TypeError:  # an unhashable value, only in a row written around pluginUpdate
                return parse_program_config(self.configuration)
        except InvalidInput:
            # pluginUpdate refuses bad values; a row written around it falls back to defaults.
            logger.exception("Invalid loyalty configuration; using the defaults")
            return ProgramConfig()

    @classmethod
    def validate_plugin_configuration(cls, plugin_configuration: PluginConfiguration, **kwargs: Any) -> None:
        problems = configuration.get_configuration_problems(plugin_configuration.configuration)
        if problems:
            raise ValidationError({name: ValidationError(message, code="invalid") for name, message in problems.items()})

    @classmethod
    def pre_save_plugin_configuration(cls, plugin_configuration: PluginConfiguration) -> None:
        """Switched off: take our prices and gift lines off open checkouts once the change is saved
        (no hook runs for an inactive plugin, so nothing else would)."""
        if not plugin_configuration.active:
            from django.db import transaction

            from .saleor.checkout import clear_loyalty_lines

            transaction.on_commit(clear_loyalty_lines)

    # --- checkout -------------------------------------------------------------------------

    def checkout_created(self, checkout: Checkout, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._sync_checkout(checkout)
        return previous_value

    def checkout_updated(self, checkout: Checkout, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._sync_checkout(checkout)
        return previous_value

    def _sync_checkout(self, checkout: Checkout) -> None:
        from .saleor.checkout import sync_checkout

        try:
            sync_checkout(checkout, self.program_config)
        except Exception:
            logger.exception("Loyalty could not update checkout %s", checkout.pk)

    def preprocess_order_creation(
        self, checkout_info: CheckoutInfo, lines: list[CheckoutLineInfo] | None, previous_value: Any
    ) -> Any:
        if not self.active:
            return previous_value
        from .saleor.orders import check_checkout_before_order

        try:
            check_checkout_before_order(checkout_info, lines, self.program_config)
        except ValidationError:
            raise
        except Exception as exc:
            # A loyalty voucher that cannot be checked is money at risk: refuse, do not guess.
            logger.exception("Loyalty could not check checkout %s", checkout_info.checkout.pk)
            raise ValidationError({"voucher_code": ValidationError(
                "The loyalty discount cannot be checked right now; try again.", code="invalid")}) from exc
        return previous_value

    # --- orders ---------------------------------------------------------------------------

    def _order_event(self, event: str, order: Order) -> None:
        from .saleor.orders import handle_order_event

        try:
            handle_order_event(event, order, self.program_config)
        except Exception:
            logger.exception("Loyalty could not handle %s for order %s", event, order.pk)

    def order_created(self, order: Order, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._order_event("order_created", order)
        return previous_value

    def order_confirmed(self, order: Order, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._order_event("order_confirmed", order)
        return previous_value

    def order_paid(self, order: Order, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._order_event("order_paid", order)
        return previous_value

    def order_fully_paid(self, order: Order, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._order_event("order_fully_paid", order)
        return previous_value

    def order_fulfilled(self, order: Order, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._order_event("order_fulfilled", order)
        return previous_value

    def order_cancelled(self, order: Order, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._order_event("order_cancelled", order)
        return previous_value

    def order_refunded(self, order: Order, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._order_event("order_refunded", order)
        return previous_value

    def order_fully_refunded(self, order: Order, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._order_event("order_refunded", order)  # same cumulative computation
        return previous_value

    # --- customers ------------------------------------------------------------------------

    def customer_created(self, customer: User, previous_value: Any) -> Any:
        if not self.active:
            return previous_value
        from .saleor.customers import handle_customer_created

        try:
            handle_customer_created(customer, self.program_config)
        except Exception:
            logger.exception("Loyalty could not set up customer %s", customer.pk)
        return previous_value

    def customer_updated(self, customer: User, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._customer_changed(customer)
        return previous_value

    def customer_metadata_updated(self, customer: User, previous_value: Any, webhooks: Any = None) -> Any:
        if self.active:
            self._customer_changed(customer)
        return previous_value

    def _customer_changed(self, customer: User) -> None:
        from .saleor.customers import handle_customer_changed

        try:
            handle_customer_changed(customer)
        except Exception:
            logger.exception("Loyalty could not read customer %s", customer.pk)

    # --- the plugin's own API -------------------------------------------------------------

    def webhook(self, request: HttpRequest, path: str, previous_value: Any) -> HttpResponse:
        if not self.active:
            return previous_value
        from .saleor.webhook import handle_request

        return handle_request(request, path, self.program_config) or HttpResponseNotFound()

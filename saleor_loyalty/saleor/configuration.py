"""The plugin's Dashboard form, built from ``ProgramConfig`` so the two never drift apart."""

from __future__ import annotations

import logging
from dataclasses import fields
from typing import Any

from ..config import CreditEvent, ProgramConfig, config_as_items, parse_program_config
from ..exceptions import InvalidInput

logger = logging.getLogger(__name__)

# Saleor's ``ConfigurationTypeField`` values; spelled out so this module imports nothing of Saleor.
STRING = "String"
BOOLEAN = "Boolean"

HELP_TEXTS: dict[str, str] = {
    "tier_prices_enabled": "Apply price lists (customer-type, company, tier and volume prices) to checkout lines.",
    "points_enabled": "Earn and redeem points.",
    "gifts_enabled": "Add free products when a checkout qualifies for a gift rule.",
    "referrals_enabled": "Run the referral program (first-order discount and referrer reward).",
    "tiers_enabled": "Evaluate VIP tiers and apply their benefits.",
    "points_per_unit": (
        "Points earned per currency unit paid for goods (1 = one point per 1.00). "
        "Per-channel terms (loyaltyChannelTermsSet) override it in their channel."
    ),
    "point_value": (
        "What one point is worth when redeemed, in the order's currency (0.01 = 100 points per 1.00). "
        "Per-channel terms override it in their channel."
    ),
    "pending_days": "Earned points stay pending this many days (the return window).",
    "expiry_days": "Points expire this many days after they were earned; 0 means never.",
    "redeem_min_points": "The fewest points a customer may redeem at once; per-channel terms override it.",
    "redeem_max_share": (
        "At most this share (0 to 1) of the goods total may be paid with points; per-channel terms override it "
        "and may add a maximum amount."
    ),
    "hold_minutes": "Points held for an abandoned checkout are released after this many minutes.",
    "credit_event": "The order event that credits points: " + ", ".join(e.value for e in CreditEvent) + ".",
    "include_shipping_in_earn": "Count shipping towards earned points.",
    "gift_stacking": "Let several gift rules apply to one checkout (otherwise only the best one).",
    "base_currency": (
        "The ISO 4217 currency tier spend and metrics are summed in; other currencies convert at the "
        "exchange rate staff set (loyaltyExchangeRateAdd) that was in force when the order was paid."
    ),
    "referral_link_base": "The storefront page a referral link points to; the code is appended as ?ref=<code>.",
    "birthday_notice_days": "A birthday recorded fewer days than this before it falls earns no bonus that year (0 = off).",
}

DEFAULT_CONFIGURATION: list[dict[str, Any]] = config_as_items(ProgramConfig())

CONFIG_STRUCTURE: dict[str, dict[str, str]] = {
    field.name: {
        "type": BOOLEAN if isinstance(getattr(ProgramConfig(), field.name), bool) else STRING,
        "help_text": HELP_TEXTS.get(field.name, ""),
        "label": field.name.replace("_", " ").capitalize(),
    }
    for field in fields(ProgramConfig)
}


def get_configuration_problems(items: list[dict[str, Any]]) -> dict[str, str]:
    """Every bad field of a plugin configuration, by field name; empty when it parses."""
    try:
        parse_program_config(items)
    except InvalidInput as exc:
        return {name or "configuration": message for name, message in exc.problems}
    return {}


def load_program_config() -> ProgramConfig:
    """The plugin's stored configuration, for work that runs outside a hook (the delivery sweep).

    Saleor keeps it in ``PluginConfiguration`` (global plugin: one row, none until staff saved
    it); missing names take their defaults, as the plugin's own ``program_config`` does. A row
    that no longer parses falls back to the defaults, as the plugin does, and says so in the log.
    """
    from saleor.plugins.models import PluginConfiguration

    from ..plugin import LoyaltyPlugin

    row = PluginConfiguration.objects.filter(identifier=LoyaltyPlugin.PLUGIN_ID).first()
    if row is None:
        return ProgramConfig()
    try:
        return parse_program_config(row.configuration)
    except InvalidInput:
        logger.exception("Invalid loyalty configuration; the delivery sweep uses the defaults")
        return ProgramConfig()

"""``loyaltyMetrics``: the program's figures for staff with MANAGE_ORDERS.

MANAGE_ORDERS, not MANAGE_USERS: the report is revenue and order figures (AOV, CLV, program
cost), which Saleor shows only to staff who manage orders (its dashboard's sales figures need the
same permission). MANAGE_USERS alone gives per-customer access, not the shop's revenue.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene

from ...config import ProgramConfig
from ...exceptions import InvalidInput
from ...services.metrics import (
    DEFAULT_LOOKBACK_DAYS,
    GroupBy,
    ProgramMetrics,
    calculate_program_metrics,
    parse_period,
)
from ...services.channels import get_channel_terms
from ..auth import LoyaltyPermission
from ..core.context import require_any_permission
from ..types.metrics import LoyaltyMetrics, LoyaltyMetricsGroupByEnum


def get_program_config(info: Any) -> ProgramConfig:
    """The plugin's configuration, which the Saleor adapter puts on the request; else the defaults."""
    request = getattr(info.context, "request", None)
    config = getattr(request, "loyalty_config", None)
    return config if isinstance(config, ProgramConfig) else ProgramConfig()


class MetricsQueries(graphene.ObjectType):
    loyalty_metrics = graphene.Field(
        LoyaltyMetrics,
        required=True,
        period=graphene.String(
            required=True,
            description="`YYYY`, `YYYY-Qn`, `YYYY-MM`, `YYYY-Www`, `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD` (UTC).",
        ),
        channel=graphene.String(description="A channel slug; every channel when omitted."),
        group_by=LoyaltyMetricsGroupByEnum(default_value=GroupBy.NONE.value, description="Split the figures."),
        currency=graphene.String(description="Only orders in this currency (needed when channels differ)."),
        in_base_currency=graphene.Boolean(
            default_value=False,
            description="Every currency, converted to the program's base currency at the rate each order recorded "
            "when paid (orders without one are counted in unconvertedOrders); currency is then ignored.",
        ),
        gross_margin=graphene.Float(default_value=1.0, description="Share of revenue that is contribution (0-1)."),
        lookback_days=graphene.Int(
            default_value=DEFAULT_LOOKBACK_DAYS,
            description="How far back an order makes a customer 'at start'; 0 means all time.",
        ),
        description="The loyalty program's metrics for a period (docs/metrics.md). Requires MANAGE_ORDERS.",
    )

    @staticmethod
    def resolve_loyalty_metrics(
        _root: Any, info: Any, *, period: str, channel: str | None = None, group_by: str = GroupBy.NONE.value,
        currency: str | None = None, gross_margin: float = 1.0, lookback_days: int = DEFAULT_LOOKBACK_DAYS,
        in_base_currency: bool = False,
    ) -> ProgramMetrics:
        require_any_permission(info, LoyaltyPermission.MANAGE_ORDERS)
        config = get_program_config(info)
        if in_base_currency and not config.base_currency:
            raise InvalidInput("the program has no base currency: set base_currency in the plugin's configuration",
                               field="inBaseCurrency")
        return calculate_program_metrics(
            parse_period(period),
            # A channel's report values points at the channel's own point value.
            point_value=get_channel_terms(config, channel).point_value if channel else config.point_value,
            channel=channel or None,
            currency=currency or None,
            group_by=GroupBy(group_by),
            gross_margin=Decimal(str(gross_margin)),
            lookback_days=lookback_days or None,
            base_currency=config.base_currency if in_base_currency else None,
        )

"""``loyaltyChannelTermsSet``: staff set a channel's own money-dependent terms."""

from __future__ import annotations

from typing import Any

import graphene

from ...engine import bounds
from ...exceptions import InvalidInput
from ...services import channels
from ...services.rules import fields as rule_fields
from ..auth import LoyaltyPermission
from ..core.mutations import BaseMutation
from ..errors import LoyaltyChannelError
from ..types.channels import LoyaltyChannelTerms
from ..types.rules import LoyaltyDecimal

_DECIMALS = {
    "points_per_unit": bounds.RATE,
    "point_value": bounds.RATE,
    "redeem_max_share": bounds.SHARE,
    "redeem_max_amount": bounds.MONEY,
}


class LoyaltyChannelTermsInput(graphene.InputObjectType):
    channel = graphene.String(required=True, description="The channel slug.")
    currency = graphene.String(required=True, description="The channel's currency (ISO 4217); must be the channel's own.")
    points_per_unit = LoyaltyDecimal(description=f"Points per currency unit paid, 0 to {bounds.MAX_RATE}.")
    point_value = LoyaltyDecimal(description=f"What one point is worth in the currency, above 0, up to {bounds.MAX_RATE}.")
    redeem_min_points = graphene.Int(description="The fewest points one redemption may use.")
    redeem_max_share = LoyaltyDecimal(description="At most this share (0 to 1) of the goods may be paid with points.")
    redeem_max_amount = LoyaltyDecimal(description="At most this amount (in the currency) may be paid with points.")


def to_channel_terms_input(data: Any) -> channels.ChannelTermsInput:
    """The GraphQL input as the service's value; every bad number is reported at once."""
    values: dict[str, Any] = {"channel": data["channel"], "currency": data["currency"]}
    problems: list[tuple[str | None, str]] = []
    for name, bound in _DECIMALS.items():
        raw = data.get(name)
        if raw is None:
            continue
        try:
            values[name] = rule_fields.decimal(bound)(raw)
        except ValueError as exc:
            problems.append((name, f"{name}: {exc}"))
    if data.get("redeem_min_points") is not None:
        values["redeem_min_points"] = data["redeem_min_points"]
    if problems:
        raise InvalidInput("; ".join(message for _, message in problems), problems=problems)
    return channels.ChannelTermsInput(**values)


class LoyaltyChannelTermsSet(BaseMutation):
    terms = graphene.Field(LoyaltyChannelTerms, description="The channel's terms as stored.")

    class Arguments:
        input = LoyaltyChannelTermsInput(required=True, description="The channel's terms; a field left out keeps the program's.")

    class Meta:
        description = (
            "Set a channel's own terms (points per unit, point value, redemption minimum, share and maximum amount), "
            "replacing any it had; a field left out uses the program's value. Requires MANAGE_DISCOUNTS."
        )
        error_type_class = LoyaltyChannelError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, input: Any) -> LoyaltyChannelTermsSet:
        row = channels.set_channel_terms(to_channel_terms_input(input))
        row.refresh_from_db()  # show the values as stored
        return cls(terms=row)

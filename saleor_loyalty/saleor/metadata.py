"""Mirror a customer's balance and tier into Saleor's public user metadata (``loyalty.*`` keys),
so a storefront that only talks to Saleor's own API can show them."""

from __future__ import annotations

KEYS = ("loyalty.points_available", "loyalty.points_pending", "loyalty.tier")


def mirror_customer_metadata(user_id: int) -> None:
    from saleor.account.models import User

    from ..models import Tier
    from ..services import customers, points

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    balance = points.get_balance(points.Owner.customer(user_id))
    tier_id = customers.get_customer_loyalty(user_id).tier_id
    tier_name = Tier.objects.filter(pk=tier_id).values_list("name", flat=True).first() if tier_id else None
    values = {
        "loyalty.points_available": str(balance.available),
        "loyalty.points_pending": str(balance.pending),
        "loyalty.tier": tier_name or "",
    }
    if all(user.get_value_from_metadata(key) == value for key, value in values.items()):
        return
    user.store_value_in_metadata(values)
    user.save(update_fields=["metadata", "updated_at"])

"""What shoppers picked among a gift rule's choice of gifts, per checkout (``loyaltyGiftChoose``)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .rules import GiftRule


class GiftChoice(models.Model):
    """The variants a shopper picked for ``rule`` on the checkout ``checkout_token``, in the order picked.

    Kept while the cart drops below the rule's threshold (the pick comes back with the cart);
    a pick the rule no longer offers, or out of stock, is ignored by the quote (the defaults
    apply). The checkout read joins this table (``saleor.checkout_reader``); deleting the rule
    deletes its choices.
    """

    checkout_token = models.CharField(max_length=36)
    rule = models.ForeignKey(GiftRule, on_delete=models.CASCADE, related_name="choices")
    variant_ids = ArrayField(models.BigIntegerField())
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_gift_choice"
        constraints = [
            models.UniqueConstraint(fields=["checkout_token", "rule"], name="loyalty_gift_choice_one_per_checkout_rule"),
            models.CheckConstraint(name="loyalty_gift_choice_picks_something", condition=Q(variant_ids__len__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.checkout_token}: rule {self.rule_id} -> {self.variant_ids}"

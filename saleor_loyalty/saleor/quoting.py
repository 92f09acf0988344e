"""The plugin's door to the quote service for a checkout it has already loaded.

``services.quotes.quote_checkout`` reads the checkout through the shop port; the lines the hook
loaded are handed to the Saleor shop first (``preloaded``), so they are not read twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import ProgramConfig
from ..engine.values import Quote
from .shop import get_saleor_shop, to_checkout_view

if TYPE_CHECKING:
    from saleor.checkout.fetch import CheckoutInfo, CheckoutLineInfo


def quote_loaded_checkout(checkout_info: CheckoutInfo, lines: list[CheckoutLineInfo], config: ProgramConfig) -> Quote:
    from ..services import quotes

    view = to_checkout_view(checkout_info, lines)
    with get_saleor_shop().preloaded(view):
        return quotes.quote_checkout(view.token, config=config)

"""How the plugin marks what it wrote on Saleor's checkout lines, and how to recognise it.

The lines themselves become engine values in ``checkout_reader`` (one narrow query).
"""

from __future__ import annotations

from typing import Any

# Our price overrides carry a reason starting with this prefix; any other override (an app with
# HANDLE_CHECKOUTS, say) is not ours and is never changed or removed.
REASON_PREFIX = "loyalty:"
GIFT_REASON_PREFIX = "loyalty:gift:"
# Gift lines also carry this key in the line's metadata with the gift rule's id.
GIFT_METADATA_KEY = "loyalty.gift_rule"
# ... and the quantity we gave, so units a buyer adds to the same line (Saleor merges a
# same-variant add into it) can be told apart and moved to a paid line.
GIFT_QUANTITY_KEY = "loyalty.gift_quantity"


def is_loyalty_override(line: Any) -> bool:
    reason = line.price_override_reason or ""
    return line.price_override is not None and reason.startswith(REASON_PREFIX)


def is_gift_line(line: Any) -> bool:
    """A line the plugin added as a free product (never Saleor's own ``is_gift`` lines)."""
    reason = line.price_override_reason or ""
    return reason.startswith(GIFT_REASON_PREFIX) or GIFT_METADATA_KEY in (line.metadata or {})

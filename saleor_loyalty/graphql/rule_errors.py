"""The error type of the rule mutations: ``{ field message code }`` with its own code enum.

``field`` names the input field in camelCase; inside lists it carries the index
(``entries[1].breaks[0].percentOff``) and for a CSV import the row as a spreadsheet numbers it
(``row 7.fixedPrice``, the header being row 1).
"""

from __future__ import annotations

from .core.types import Error, error_code_enum

LoyaltyRuleErrorCode = error_code_enum(
    "LoyaltyRuleErrorCode",
    ["RULE_IN_USE", "SHOP_NOT_CONFIGURED"],
    description="Error codes of the rule mutations (tiers, price lists, gift, earn and referral rules).",
)


class LoyaltyRuleError(Error):
    code = LoyaltyRuleErrorCode(required=True, description="The error code.")

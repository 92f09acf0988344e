"""Every mutation family's error type, in one place and one shape.

The convention: a family ``<Family>`` has an enum ``Loyalty<Family>ErrorCode`` (made by
``core.types.error_code_enum``: the common codes ``GRAPHQL_ERROR``, ``INVALID``, ``NOT_FOUND``,
``REQUIRED`` plus the ``LoyaltyError.code`` values its services raise) and an error type
``Loyalty<Family>Error``: ``{ field message code }``. A mutation names its family's error type
as ``error_type`` (``core.mutations.BaseMutation``). A code missing from the enum still reaches
the client (as ``INVALID`` or ``NOT_FOUND``, with its message) and logs a warning.

``field`` names the input field in camelCase; inside lists it carries the index
(``entries[1].breaks[0].percentOff``) and for a CSV import the row as a spreadsheet numbers it
(``row 7.fixedPrice``, the header being row 1).
"""

from __future__ import annotations

from .core.types import Error, error_code_enum


LoyaltyPointsErrorCode = error_code_enum(
    "LoyaltyPointsErrorCode",
    [
        "ACCOUNT_NOT_FOUND",
        "EARN_NOT_FOUND",
        "HOLD_NOT_ACTIVE",
        "HOLD_NOT_FOUND",
        "IDEMPOTENCY_KEY_REUSED",
        "INSUFFICIENT_POINTS",
        "POINTS_NOT_POSITIVE",
    ],
    description="Error codes of the points mutations (balances, adjustments, holds, redemptions).",
)


class LoyaltyPointsError(Error):
    code = LoyaltyPointsErrorCode(required=True, description="The error code.")


# Refusals of the redemption service, by ``RedemptionRefused.reason`` (upper-cased), plus the
# domain codes the redemption path raises.
LoyaltyRedemptionErrorCode = error_code_enum(
    "LoyaltyRedemptionErrorCode",
    [
        "CHECKOUT_NOT_FOUND",
        "PROGRAM_OFF",
        "NOT_OWNER",
        "BELOW_MINIMUM",
        "ABOVE_MAXIMUM",
        "INSUFFICIENT_POINTS",
        "MEMBER_REDEMPTION_LIMIT_EXCEEDED",
        "COMPANY_INACTIVE",
        "REDEMPTION_REFUSED",
        "SHOP_NOT_CONFIGURED",
    ],
    description="Error codes of loyaltyRedeemPoints and loyaltyRedemptionCancel.",
)


class LoyaltyRedemptionError(Error):
    code = LoyaltyRedemptionErrorCode(required=True, description="The error code.")


LoyaltyReferralErrorCode = error_code_enum(
    "LoyaltyReferralErrorCode",
    [
        "REFERRALS_OFF",
        "SHOP_NOT_CONFIGURED",
        "REFERRAL_REFUSED",
        # loyaltyReferralDiscountApply's refusals, by the service's reason
        "CHECKOUT_NOT_FOUND",
        "NO_REFERRAL",
        "NOT_OWNER",
        "SELF_REFERRAL",
        "ALREADY_USED",
        "NOT_APPLICABLE",
        "PROGRAM_OFF",
        "SAME_USER",
        "SAME_EMAIL",
        "SAME_NORMALIZED_EMAIL",
        "SAME_COMPANY",
        "NOT_FIRST_ORDER",
    ],
    description="Error codes of the customer's referral mutations.",
)


class LoyaltyReferralError(Error):
    code = LoyaltyReferralErrorCode(required=True, description="The error code.")


# Refusals of the next-purchase service, by ``Refused.reason`` (upper-cased).
LoyaltyNextPurchaseErrorCode = error_code_enum(
    "LoyaltyNextPurchaseErrorCode",
    ["CHECKOUT_NOT_FOUND", "NOT_FOUND", "NOT_OWNER", "ALREADY_USED", "EXPIRED", "CURRENCY", "EMPTY_CHECKOUT",
     "SHOP_NOT_CONFIGURED"],
    description="Error codes of loyaltyNextPurchaseDiscountApply.",
)


class LoyaltyNextPurchaseError(Error):
    code = LoyaltyNextPurchaseErrorCode(required=True, description="The error code.")


LoyaltyCompanyErrorCode = error_code_enum(
    "LoyaltyCompanyErrorCode",
    [
        "ALREADY_IN_COMPANY",
        "COMPANY_IN_USE",
        "COMPANY_INVITATION_NOT_FOUND",
        "COMPANY_MEMBER_NOT_FOUND",
        "COMPANY_NOT_FOUND",
        "COMPANY_PERMISSION_DENIED",
        "INVITATION_NOT_PENDING",
        "LAST_COMPANY_ADMIN",
        "NOT_COMPANY_MEMBER",
        "REBATE_PROGRAM_NOT_FOUND",
    ],
    description=("Error codes of the company mutations (companies, members, invitations, roles, redemption "
                 "limits, rebate programs)."),
)


class LoyaltyCompanyError(Error):
    code = LoyaltyCompanyErrorCode(required=True, description="The error code.")


LoyaltyRuleErrorCode = error_code_enum(
    "LoyaltyRuleErrorCode",
    ["RULE_IN_USE", "SHOP_NOT_CONFIGURED"],
    description="Error codes of the rule mutations (tiers, price lists, gift, earn and referral rules).",
)


class LoyaltyRuleError(Error):
    code = LoyaltyRuleErrorCode(required=True, description="The error code.")


LoyaltyNpsErrorCode = error_code_enum(
    "LoyaltyNpsErrorCode",
    ["NPS_ALREADY_SUBMITTED", "NPS_ORDER_NOT_FOUND"],
    description="Error codes of the NPS mutation.",
)


class LoyaltyNpsError(Error):
    code = LoyaltyNpsErrorCode(required=True, description="The error code.")


LoyaltyBirthdayErrorCode = error_code_enum(
    "LoyaltyBirthdayErrorCode",
    ["BIRTHDAY_ALREADY_SET"],
    description="Error codes of the birthday mutations.",
)


class LoyaltyBirthdayError(Error):
    code = LoyaltyBirthdayErrorCode(required=True, description="The error code.")


# loyaltyEventPost's refusals by ``EventNotAccepted.reason`` (upper-cased), and the event type codes.
LoyaltyEventErrorCode = error_code_enum(
    "LoyaltyEventErrorCode",
    [
        "EVENT_TYPE_NOT_FOUND",
        "EVENT_TYPE_CODE_TAKEN",
        "INACTIVE",
        "NOT_STARTED",
        "ENDED",
        "WRONG_CHANNEL",
        "EVENT_ID_USED",
        "LIMIT_REACHED",
    ],
    description="Error codes of the custom event mutations (event types and loyaltyEventPost).",
)


class LoyaltyEventError(Error):
    code = LoyaltyEventErrorCode(required=True, description="The error code.")


LoyaltyChannelErrorCode = error_code_enum(
    "LoyaltyChannelErrorCode",
    ["CHANNEL_NOT_FOUND", "UNKNOWN_CURRENCY", "DUPLICATE", "SHOP_NOT_CONFIGURED"],
    description="Error codes of the channel-terms and exchange-rate mutations.",
)


class LoyaltyChannelError(Error):
    code = LoyaltyChannelErrorCode(required=True, description="The error code.")


# Refusals of loyaltyGiftChoose, by ``GiftChoiceRefused.reason`` (upper-cased).
LoyaltyGiftChoiceErrorCode = error_code_enum(
    "LoyaltyGiftChoiceErrorCode",
    ["CHECKOUT_NOT_FOUND", "RULE_NOT_FOUND", "DUPLICATE", "NOT_OFFERED", "TOO_MANY", "OUT_OF_STOCK",
     "NOT_APPLICABLE", "SHOP_NOT_CONFIGURED"],
    description="Error codes of loyaltyGiftChoose.",
)


class LoyaltyGiftChoiceError(Error):
    code = LoyaltyGiftChoiceErrorCode(required=True, description="The error code.")

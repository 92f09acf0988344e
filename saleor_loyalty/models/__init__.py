"""Models of saleor_loyalty, re-exported so Django finds them as ``saleor_loyalty.models``."""

from .companies import Company, CompanyInvitation, CompanyMember, CompanyRole, InvitationStatus
from .ledger import (
    Bucket,
    HoldAllocation,
    HoldStatus,
    LedgerEntry,
    LedgerTransaction,
    LoyaltyAccount,
    OwnerKind,
    PointHold,
    PointLot,
    SystemCode,
    TransactionKind,
)

__all__ = [
    "Bucket",
    "Company",
    "CompanyInvitation",
    "CompanyMember",
    "CompanyRole",
    "HoldAllocation",
    "HoldStatus",
    "InvitationStatus",
    "LedgerEntry",
    "LedgerTransaction",
    "LoyaltyAccount",
    "OwnerKind",
    "PointHold",
    "PointLot",
    "SystemCode",
    "TransactionKind",
]

# Rules, customers, referrals, order records and discount codes (services.rules and friends).
from .codes import CodeKind, CodeStatus, DiscountCode  # noqa: E402
from .customers import BirthdayChange, CustomerLoyalty, TierChangeRecord  # noqa: E402
from .events import EventPeriod, LoyaltyEventPosting, LoyaltyEventType  # noqa: E402
from .orders import OrderRecord, OrderStatus  # noqa: E402
from .referrals import Referral, ReferralCode, ReferralStatus  # noqa: E402
from .rules import (  # noqa: E402
    EarnRule,
    GiftRule,
    NextPurchaseRule,
    PriceBreak,
    PriceList,
    PriceListEntry,
    ReferralProgram,
    RulesVersion,
    Tier,
)

__all__ += [
    "BirthdayChange", "EventPeriod", "LoyaltyEventPosting", "LoyaltyEventType",
    "CodeKind", "CodeStatus", "CustomerLoyalty", "DiscountCode", "EarnRule", "GiftRule", "NextPurchaseRule",
    "OrderRecord", "OrderStatus", "PriceBreak", "PriceList", "PriceListEntry", "Referral", "ReferralCode",
    "ReferralProgram", "ReferralStatus", "RulesVersion", "Tier", "TierChangeRecord",
]

# Measurement: NPS answers (services.metrics.nps, services.metrics) and the daily liability
# snapshots (services.liability).
from .liability import LiabilitySnapshot  # noqa: E402
from .metrics import NpsResponse  # noqa: E402

__all__ += ["LiabilitySnapshot", "NpsResponse"]

# B2B: company tier history and volume rebates (services.b2b.companies, services.b2b.rebates).
from .companies import CompanyTierChange  # noqa: E402
from .rebates import (  # noqa: E402
    RebateBand,
    RebatePayout,
    RebatePeriodClose,
    RebatePeriodKind,
    RebateProgram,
    RebateStatement,
    RebateStatementOrder,
    RebateStatus,
)

__all__ += [
    "CompanyTierChange", "RebateBand", "RebatePayout", "RebatePeriodClose", "RebatePeriodKind", "RebateProgram",
    "RebateStatement", "RebateStatementOrder", "RebateStatus",
]

# The staff console's sign-in lock-out (services.sign_in_guard).
from .console import ConsoleSignInFailure  # noqa: E402

__all__ += ["ConsoleSignInFailure"]

# Per-channel terms and exchange rates (services.channels).
from .channels import ChannelTerms, ExchangeRate  # noqa: E402

__all__ += ["ChannelTerms", "ExchangeRate"]

# Gift choices per checkout (services.gift_choices).
from .gifts import GiftChoice  # noqa: E402

__all__ += ["GiftChoice"]

"""Domain exceptions raised by the ledger and the services.

Each broken rule has its own class with a stable ``code``; adapters translate the code (a GraphQL
error enum, a ``ValidationError`` in ``preprocess_order_creation``, a log line in other hooks).
"""

from __future__ import annotations


class LoyaltyError(Exception):
    """Base class of every error the ledger and services raise on purpose."""

    code = "LOYALTY_ERROR"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(LoyaltyError):
    code = "NOT_FOUND"


class InvalidInput(LoyaltyError):
    """Input that breaks a rule; ``problems`` lists every problem found, not just the first."""

    code = "INVALID"

    def __init__(self, message: str, *, field: str | None = None, problems: list[tuple[str | None, str]] | None = None) -> None:
        super().__init__(message, field=field)
        self.problems = problems or [(field, message)]


# --- Ledger errors: one class per broken rule (docs/ledger.md lists what enforces each) ---


class LedgerError(LoyaltyError):
    """Base class of the points ledger's errors."""

    code = "LEDGER_ERROR"


class IdempotencyKeyReused(LedgerError):
    """The key was already used for a *different* request; the first result is not returned."""

    code = "IDEMPOTENCY_KEY_REUSED"


class InsufficientPoints(LedgerError):
    """A hold, redemption or negative adjustment would push the available balance below zero."""

    code = "INSUFFICIENT_POINTS"


class PointsNotPositive(LedgerError):
    """An amount of points that must be a positive integer is not."""

    code = "POINTS_NOT_POSITIVE"


class ZeroPointsEntry(LedgerError):
    """A ledger entry of zero points carries no information and is refused."""

    code = "ZERO_POINTS_ENTRY"


class UnbalancedTransaction(LedgerError):
    """The entries of a transaction do not sum to zero."""

    code = "UNBALANCED_TRANSACTION"


class TooFewEntries(LedgerError):
    """A transaction needs at least two entries (a debit and a credit)."""

    code = "TOO_FEW_ENTRIES"


class BucketNotAllowed(LedgerError):
    """The bucket does not fit the account: owners use available/pending/held, system accounts `system`."""

    code = "BUCKET_NOT_ALLOWED"


class OwnerMismatch(LedgerError):
    """The account's owner fields do not match its owner kind."""

    code = "OWNER_MISMATCH"


class AppendOnlyViolation(LedgerError):
    """Ledger transactions, entries and hold allocations are never updated or deleted."""

    code = "APPEND_ONLY"


class LotRemainingOutOfRange(LedgerError):
    """A lot's remaining points must stay between zero and the points it was created with."""

    code = "LOT_REMAINING_OUT_OF_RANGE"


class ExpiryNotAfterAvailability(LedgerError):
    """Points cannot expire before (or when) they become available."""

    code = "EXPIRY_NOT_AFTER_AVAILABILITY"


class HoldNotFound(LedgerError, NotFound):
    code = "HOLD_NOT_FOUND"


class HoldNotActive(LedgerError):
    """The hold was already captured or released."""

    code = "HOLD_NOT_ACTIVE"


class EarnNotFound(LedgerError, NotFound):
    """There is no earn transaction for the order to reverse."""

    code = "EARN_NOT_FOUND"


class AccountNotFound(LedgerError, NotFound):
    code = "ACCOUNT_NOT_FOUND"


class LotsOutOfSync(LedgerError):
    """The lots of an account do not cover its available balance: the data was corrupted."""

    code = "LOTS_OUT_OF_SYNC"


# --- Rules, checkout and order errors (services.rules, quotes, orders, referrals, redemption) ---


class RuleInUse(LoyaltyError):
    """A rule cannot be deleted while customers or other rules refer to it; deactivate it instead."""

    code = "RULE_IN_USE"


class ShopNotConfigured(LoyaltyError):
    """No shop adapter is registered (``shop.set_shop``): the plugin or the demo sets one at start."""

    code = "SHOP_NOT_CONFIGURED"


class CheckoutNotFound(NotFound):
    code = "CHECKOUT_NOT_FOUND"


class ChannelNotFound(NotFound):
    """The shop has no (active) channel with this slug."""

    code = "CHANNEL_NOT_FOUND"


class UnknownCurrency(InvalidInput):
    """Not an ISO 4217 currency code (``engine.currencies``)."""

    code = "UNKNOWN_CURRENCY"


class ExchangeRateExists(InvalidInput):
    """A rate for this currency is already valid from this very moment (rates are append-only)."""

    code = "DUPLICATE"


class OrderNotFound(NotFound):
    code = "ORDER_NOT_FOUND"


class Refused(LoyaltyError):
    """A request the program refuses for a business reason; ``reason`` is a stable short code."""

    code = "REFUSED"

    def __init__(self, message: str, *, reason: str, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.reason = reason


class RedemptionRefused(Refused):
    """Points cannot be redeemed on this checkout (``reason``: not_owner, below_minimum, ...)."""

    code = "REDEMPTION_REFUSED"


class ReferralRefused(Refused):
    """A referral is refused (``reason``: same_user, same_email, already_referred, unknown_code, ...)."""

    code = "REFERRAL_REFUSED"


class GiftChoiceRefused(Refused):
    """A shopper's gift pick is refused (``reason``: rule_not_found, duplicate, not_offered,
    too_many, out_of_stock, not_applicable)."""

    code = "GIFT_CHOICE_REFUSED"


# --- B2B errors: companies, member redemption limits, volume rebates (docs/b2b.md) ---


class CompanyError(LoyaltyError):
    """Base class of the company (B2B) errors."""

    code = "COMPANY_ERROR"


class CompanyNotFound(CompanyError, NotFound):
    code = "COMPANY_NOT_FOUND"


class CompanyMemberNotFound(CompanyError, NotFound):
    """The customer is not a member of the company named."""

    code = "COMPANY_MEMBER_NOT_FOUND"


class NotCompanyMember(CompanyError):
    """The customer asked about a company they do not belong to (a member of another one)."""

    code = "NOT_COMPANY_MEMBER"


class CompanyPermissionDenied(CompanyError):
    """Only the company's admins (or staff) may manage its members."""

    code = "COMPANY_PERMISSION_DENIED"


class AlreadyInCompany(CompanyError):
    """A customer belongs to at most one company."""

    code = "ALREADY_IN_COMPANY"


class LastCompanyAdmin(CompanyError):
    """The last admin of a company with other members cannot leave or be demoted."""

    code = "LAST_COMPANY_ADMIN"


class CompanyInvitationNotFound(CompanyError, NotFound):
    """No invitation with this id is addressed to the caller (whether or not it exists)."""

    code = "COMPANY_INVITATION_NOT_FOUND"


class InvitationNotPending(CompanyError):
    """The invitation was accepted, declined, cancelled or has expired."""

    code = "INVITATION_NOT_PENDING"


class CompanyInactive(CompanyError):
    """The company was deactivated: its members cannot redeem from the shared pool."""

    code = "COMPANY_INACTIVE"


class CompanyInUse(CompanyError):
    """The company has points, price lists or rebate statements; deactivate it instead."""

    code = "COMPANY_IN_USE"


class MemberRedemptionLimitExceeded(CompanyError):
    """The member's redemptions this month would pass the limit the company admin set."""

    code = "MEMBER_REDEMPTION_LIMIT_EXCEEDED"

    def __init__(self, message: str, *, limit: int, redeemed: int, requested: int) -> None:
        super().__init__(message, field="points")
        self.limit = limit
        self.redeemed = redeemed
        self.requested = requested

    @property
    def remaining(self) -> int:
        return max(self.limit - self.redeemed, 0)


class RebateError(LoyaltyError):
    """Base class of the volume rebate errors."""

    code = "REBATE_ERROR"


class RebateProgramNotFound(RebateError, NotFound):
    code = "REBATE_PROGRAM_NOT_FOUND"


class RebateStatementNotFound(RebateError, NotFound):
    code = "REBATE_STATEMENT_NOT_FOUND"


class RebatePeriodInvalid(RebateError):
    """The date is not the first day of one of the program's periods, or precedes the program."""

    code = "REBATE_PERIOD_INVALID"


class RebatePeriodNotOver(RebateError):
    """A period can be closed only once it ended and its settle days passed."""

    code = "REBATE_PERIOD_NOT_OVER"


# --- Custom events (services.events) ---


class EventTypeNotFound(NotFound):
    code = "EVENT_TYPE_NOT_FOUND"


class EventTypeCodeTaken(LoyaltyError):
    code = "EVENT_TYPE_CODE_TAKEN"


class EventNotAccepted(LoyaltyError):
    """A posted event the type does not take now: ``reason`` says why (inactive, outside its
    window, another channel, the customer's limit reached)."""

    code = "EVENT_NOT_ACCEPTED"

    def __init__(self, message: str, *, reason: str, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.reason = reason

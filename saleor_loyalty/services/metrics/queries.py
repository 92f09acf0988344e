"""The metric queries: one aggregate SQL statement per source, however many rows it covers.

Each query returns the overall figures and, with a ``GroupBy``, one row per group, from a single
statement (``GROUP BY GROUPING SETS ((), (grp))``); Python only reads those few rows. Group keys
are text, never NULL: ``''`` means "none" (no tier, no company, no customer type).

What each group means per source (docs/metrics.md, "Groups"):

- tier: the tier the customer held at the end of the period, rebuilt from the tier-change
  history (the last change before the end, else the first change after it, else the tier held
  now); guests and company accounts have none;
- company: the order's company for order figures; the account's company (or the customer's
  current company) for points; the customer's current company for NPS;
- customer type: Saleor's ``User.customer_type`` (only inside Saleor);
- membership: ``member`` for signed-in customers, ``guest`` for guest checkouts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import connection

from ...exceptions import InvalidInput
from ...models import Company, SystemCode, Tier
from .periods import Period
from .results import GroupBy, NpsFigures, OrderFigures, PointFigures

# A group key per row: None for the overall row, the group's text key otherwise.
GroupKey = str | None

# Every account that points are issued from; a positive leg into one of them takes points back.
ISSUERS = (SystemCode.ISSUED, SystemCode.BONUSES, SystemCode.REFERRAL_REWARDS, SystemCode.REBATES,
           SystemCode.ADJUSTMENTS)

# The tier each customer held at the end of the period (see the module doc).
_TIER_AT_END = """
tier_at_end AS (
    SELECT cl.user_id, CASE WHEN before.found THEN before.tier_id
                            WHEN after.found THEN after.tier_id ELSE cl.tier_id END AS tier_id
    FROM loyalty_customer cl
    LEFT JOIN LATERAL (
        SELECT true AS found, tc.to_tier_id AS tier_id FROM loyalty_tier_change tc
        WHERE tc.user_id = cl.user_id AND tc.changed_at < %(end)s
        ORDER BY tc.changed_at DESC, tc.id DESC LIMIT 1
    ) before ON true
    LEFT JOIN LATERAL (
        SELECT true AS found, tc.from_tier_id AS tier_id FROM loyalty_tier_change tc
        WHERE tc.user_id = cl.user_id AND tc.changed_at >= %(end)s
        ORDER BY tc.changed_at, tc.id LIMIT 1
    ) after ON true
),
"""


def get_customer_type_column() -> str | None:
    """The user table's customer-type column (Saleor 3.23's ``User.customer_type``), if any."""
    try:
        return str(get_user_model()._meta.get_field("customer_type").column)
    except FieldDoesNotExist:
        return None


@dataclass(frozen=True, slots=True)
class _Subject:
    """How one source names its customer: SQL for the user id, company id and membership."""

    user: str
    company: str
    company_join: str
    is_member: str


def _grouping(group_by: GroupBy, subject: _Subject) -> tuple[str, str, str]:
    """(CTE prefix, joins, key expression) that tag each row of a source with its group."""
    if group_by is GroupBy.TIER:
        return _TIER_AT_END, f"LEFT JOIN tier_at_end ute ON ute.user_id = {subject.user}", \
            "coalesce(ute.tier_id::text, '')"
    if group_by is GroupBy.COMPANY:
        return "", subject.company_join, f"coalesce(({subject.company})::text, '')"
    if group_by is GroupBy.CUSTOMER_TYPE:
        column = get_customer_type_column()
        if column is None:
            raise InvalidInput(
                "grouping by customer type needs Saleor's User.customer_type (Saleor 3.23 or later)",
                field="group_by",
            )
        user_model = get_user_model()
        table, pk = user_model._meta.db_table, user_model._meta.pk.column
        # Names from Django's model meta, not from the caller: safe to format into the SQL.
        return "", f'LEFT JOIN "{table}" cu ON cu."{pk}" = {subject.user}', f'coalesce(cu."{column}"::text, \'\')'
    if group_by is GroupBy.MEMBERSHIP:
        return "", "", f"CASE WHEN {subject.is_member} THEN 'member' ELSE 'guest' END"
    return "", "", "''"


def _params(period: Period, channel: str | None, **extra: Any) -> dict[str, Any]:
    return {"start": period.start, "end": period.end, "all_channels": channel is None, "channel": channel or "",
            **extra}


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _key(is_total: int, grp: str | None) -> GroupKey:
    return None if is_total else (grp or "")


# --- orders ---------------------------------------------------------------------------------

_ORDER_SUBJECT = _Subject(user="o.user_id", company="o.company_id", company_join="", is_member="o.user_id IS NOT NULL")

_ORDERS_SQL = """
WITH {cte}
scoped AS (
    SELECT o.id, o.placed_at, o.lines, r.rate,
           (o.goods_total + o.shipping - o.refunded_amount) * r.rate AS net,
           CASE WHEN o.user_id IS NOT NULL THEN 'u:' || o.user_id::text
                WHEN o.email <> '' THEN 'e:' || lower(o.email) END AS customer,
           {key} AS grp
    FROM loyalty_order o {joins}
    -- In the base currency: every order at the rate it recorded when paid (none: left out and
    -- counted by fetch_unconverted_orders); otherwise the orders in the one currency, as they are.
    CROSS JOIN LATERAL (SELECT CASE WHEN %(convert)s THEN o.rate_to_base ELSE 1 END AS rate) r
    WHERE o.status NOT IN ('cancelled', 'refunded') AND o.placed_at < %(end)s
      AND (CASE WHEN %(convert)s THEN o.rate_to_base IS NOT NULL ELSE o.currency = %(currency)s END)
      AND (%(all_channels)s OR o.channel = %(channel)s)
),
ranked AS (
    SELECT s.*, row_number() OVER (PARTITION BY s.customer ORDER BY s.placed_at, s.id) AS nth FROM scoped s
),
period_orders AS (
    SELECT r.grp, r.customer, r.nth, r.net, c.tier_discount, c.gift_cost FROM ranked r
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(greatest(l.base_unit_price - l.unit_price, 0) * l.quantity)
                        FILTER (WHERE NOT coalesce(l.is_gift, false)), 0) * r.rate AS tier_discount,
               coalesce(sum(l.base_unit_price * l.quantity) FILTER (WHERE l.is_gift), 0) * r.rate AS gift_cost
        FROM jsonb_to_recordset(CASE WHEN jsonb_typeof(r.lines) = 'array' THEN r.lines ELSE '[]'::jsonb END)
             AS l(quantity numeric, base_unit_price numeric, unit_price numeric, is_gift boolean)
    ) c
    WHERE r.placed_at >= %(start)s
),
order_totals AS (
    SELECT GROUPING(grp) AS total, grp, count(*) AS orders,
           count(*) FILTER (WHERE customer IS NOT NULL) AS identified_orders,
           count(*) FILTER (WHERE customer IS NOT NULL AND nth > 1) AS repeat_orders,
           coalesce(sum(net), 0) AS revenue, coalesce(sum(tier_discount), 0) AS tier_discount,
           coalesce(sum(gift_cost), 0) AS gift_cost
    FROM period_orders GROUP BY GROUPING SETS ((), (grp))
),
customer_facts AS (
    SELECT GROUPING(grp) AS total, grp, customer,
           count(*) FILTER (WHERE placed_at >= %(start)s) AS in_period,
           coalesce(bool_or(placed_at < %(start)s AND (%(all_time)s OR placed_at >= %(lookback_start)s)), false)
               AS at_start
    FROM ranked WHERE customer IS NOT NULL
    GROUP BY GROUPING SETS ((customer), (grp, customer))
),
customer_totals AS (
    SELECT total, grp, count(*) FILTER (WHERE in_period > 0) AS customers,
           count(*) FILTER (WHERE in_period > 1) AS repeat_customers,
           count(*) FILTER (WHERE at_start) AS at_start,
           count(*) FILTER (WHERE at_start AND in_period > 0) AS retained,
           count(*) FILTER (WHERE in_period > 0 AND NOT at_start) AS new_customers
    FROM customer_facts GROUP BY total, grp
)
SELECT coalesce(o.total, c.total), coalesce(o.grp, c.grp), coalesce(o.orders, 0), coalesce(o.identified_orders, 0),
       coalesce(o.repeat_orders, 0), coalesce(o.revenue, 0), coalesce(o.tier_discount, 0), coalesce(o.gift_cost, 0),
       coalesce(c.customers, 0), coalesce(c.repeat_customers, 0), coalesce(c.at_start, 0),
       coalesce(c.retained, 0), coalesce(c.new_customers, 0)
FROM order_totals o FULL JOIN customer_totals c ON c.total = o.total AND c.grp IS NOT DISTINCT FROM o.grp
"""


def fetch_order_figures(
    period: Period, *, channel: str | None, currency: str, group_by: GroupBy, lookback_days: int | None,
    convert: bool = False,
) -> dict[GroupKey, OrderFigures]:
    """Order figures per group (key None: overall) from one statement over ``loyalty_order``.

    With ``convert`` the money is in the base currency: orders in every currency, each at the
    rate it recorded when paid; orders without a rate are left out (``fetch_unconverted_orders``).
    """
    cte, joins, key = _grouping(group_by, _ORDER_SUBJECT)
    all_time = lookback_days is None
    lookback_start = period.start - timedelta(days=lookback_days or 0)
    params = _params(period, channel, currency=currency, all_time=all_time, lookback_start=lookback_start,
                     convert=convert)
    figures: dict[GroupKey, OrderFigures] = {}
    for row in _fetch(_ORDERS_SQL.format(cte=cte, joins=joins, key=key), params):
        figures[_key(row[0], row[1])] = OrderFigures(
            orders=row[2], identified_orders=row[3], repeat_orders=row[4], revenue=Decimal(row[5]),
            tier_price_discount=Decimal(row[6]), gift_cost=Decimal(row[7]), customers=row[8],
            repeat_customers=row[9], customers_at_start=row[10], retained_customers=row[11], new_customers=row[12],
        )
    return figures


def fetch_unconverted_orders(period: Period, *, channel: str | None) -> int:
    """Orders of the period that have no recorded rate (not paid yet, or paid in a currency
    without a rate then): what a base-currency report leaves out."""
    sql = """
    SELECT count(*) FROM loyalty_order
    WHERE status NOT IN ('cancelled', 'refunded') AND rate_to_base IS NULL
      AND placed_at >= %(start)s AND placed_at < %(end)s AND (%(all_channels)s OR channel = %(channel)s)
    """
    return int(_fetch(sql, _params(period, channel))[0][0])


def fetch_currencies(period: Period, *, channel: str | None) -> tuple[list[str], str | None]:
    """The currencies of the period's orders (in the channel, if given), and the newest order's."""
    sql = """
    (SELECT DISTINCT currency, true FROM loyalty_order
     WHERE placed_at >= %(start)s AND placed_at < %(end)s AND (%(all_channels)s OR channel = %(channel)s))
    UNION ALL
    (SELECT currency, false FROM loyalty_order WHERE %(all_channels)s OR channel = %(channel)s
     ORDER BY placed_at DESC, id DESC LIMIT 1)
    """
    rows = _fetch(sql, _params(period, channel))
    newest = next((currency for currency, in_period in rows if not in_period), None)
    return sorted(currency for currency, in_period in rows if in_period), newest


# --- points ---------------------------------------------------------------------------------

_ACCOUNT_SUBJECT = _Subject(
    user="a.user_id",
    company="coalesce(a.company_id, cm.company_id)",
    company_join="LEFT JOIN loyalty_company_member cm ON cm.user_id = a.user_id",
    is_member="true",  # only members hold points
)

_POINTS_SQL = """
WITH {cte}
txs AS (
    SELECT t.id, t.created_at FROM loyalty_ledger_transaction t
    WHERE t.created_at < %(end)s AND (%(all_channels)s OR (t.order_id <> '' AND EXISTS (
        SELECT 1 FROM loyalty_order o WHERE o.order_id = t.order_id AND o.channel = %(channel)s)))
),
legs AS (
    SELECT e.transaction_id, tx.created_at, e.points, e.account_id, a.owner_kind, a.system_code
    FROM txs tx JOIN loyalty_ledger_entry e ON e.transaction_id = tx.id JOIN loyalty_account a ON a.id = e.account_id
),
-- Each transaction moves the points of one owner account; its system legs belong to that owner.
owners AS (
    SELECT DISTINCT ON (transaction_id) transaction_id, account_id FROM legs
    WHERE owner_kind <> 'system' ORDER BY transaction_id, account_id
),
flows AS (
    SELECT ow.account_id,
           -sum(s.points) FILTER (WHERE s.system_code = ANY(%(issuers)s) AND s.points < 0) AS issued,
           sum(s.points) FILTER (WHERE s.system_code = ANY(%(issuers)s) AND s.points > 0) AS reversed,
           sum(s.points) FILTER (WHERE s.system_code = 'redeemed') AS redeemed,
           sum(s.points) FILTER (WHERE s.system_code = 'expired') AS expired
    FROM legs s JOIN owners ow ON ow.transaction_id = s.transaction_id
    WHERE s.owner_kind = 'system' AND s.created_at >= %(start)s
    GROUP BY ow.account_id
),
-- Debt (a negative balance) is not an asset of the shop: an account owes at least nothing.
balances AS (
    SELECT account_id, greatest(sum(points), 0) AS outstanding FROM legs
    WHERE owner_kind <> 'system' GROUP BY account_id
),
accounts AS (
    SELECT a.id, {key} AS grp FROM loyalty_account a {joins} WHERE a.owner_kind <> 'system'
)
SELECT GROUPING(ac.grp), ac.grp, coalesce(sum(f.issued), 0), coalesce(sum(f.reversed), 0),
       coalesce(sum(f.redeemed), 0), coalesce(sum(f.expired), 0), coalesce(sum(b.outstanding), 0)
FROM accounts ac LEFT JOIN flows f ON f.account_id = ac.id LEFT JOIN balances b ON b.account_id = ac.id
GROUP BY GROUPING SETS ((), (ac.grp))
"""


def fetch_point_figures(period: Period, *, channel: str | None, group_by: GroupBy) -> dict[GroupKey, PointFigures]:
    """Points issued, reversed, redeemed and expired in the period, and outstanding at its end.

    With a channel only transactions of that channel's orders count, and expiry and the
    outstanding balance (not tied to an order) are None.
    """
    cte, joins, key = _grouping(group_by, _ACCOUNT_SUBJECT)
    params = _params(period, channel, issuers=[str(code) for code in ISSUERS])
    per_channel = channel is not None
    return {
        _key(row[0], row[1]): PointFigures(
            issued=int(row[2]), reversed=int(row[3]), redeemed=int(row[4]),
            expired=None if per_channel else int(row[5]), outstanding=None if per_channel else int(row[6]),
        )
        for row in _fetch(_POINTS_SQL.format(cte=cte, joins=joins, key=key), params)
    }


# --- NPS ------------------------------------------------------------------------------------

_NPS_SUBJECT = _Subject(
    user="r.user_id",
    company="cm.company_id",
    company_join="LEFT JOIN loyalty_company_member cm ON cm.user_id = r.user_id",
    is_member="r.user_id IS NOT NULL",
)

_NPS_SQL = """
WITH {cte}
answers AS (
    SELECT r.score, {key} AS grp FROM loyalty_nps_response r {joins}
    WHERE r.created_at >= %(start)s AND r.created_at < %(end)s AND (%(all_channels)s OR r.channel = %(channel)s)
)
SELECT GROUPING(grp), grp, count(*), count(*) FILTER (WHERE score >= 9),
       count(*) FILTER (WHERE score BETWEEN 7 AND 8), count(*) FILTER (WHERE score <= 6)
FROM answers GROUP BY GROUPING SETS ((), (grp))
"""


def fetch_nps_figures(period: Period, *, channel: str | None, group_by: GroupBy) -> dict[GroupKey, NpsFigures]:
    """Promoters (9-10), passives (7-8) and detractors (0-6) among the period's answers."""
    cte, joins, key = _grouping(group_by, _NPS_SUBJECT)
    return {
        _key(row[0], row[1]): NpsFigures(responses=row[2], promoters=row[3], passives=row[4], detractors=row[5])
        for row in _fetch(_NPS_SQL.format(cte=cte, joins=joins, key=key), _params(period, channel))
    }


# --- labels ---------------------------------------------------------------------------------

_NONE_LABELS = {
    GroupBy.TIER: "No tier",
    GroupBy.COMPANY: "No company",
    GroupBy.CUSTOMER_TYPE: "No customer type",
}
_MEMBERSHIP_LABELS = {"member": "Members", "guest": "Guests (non-members)"}


def fetch_group_labels(group_by: GroupBy, keys: Iterable[str]) -> dict[str, str]:
    """A readable name per group key (one query for tiers, companies or customer types)."""
    keys = set(keys)
    if group_by is GroupBy.MEMBERSHIP:
        return {key: _MEMBERSHIP_LABELS.get(key, key) for key in keys}
    ids = [int(key) for key in keys if key]
    names: dict[int, str] = {}
    if ids and group_by is GroupBy.TIER:
        names = dict(Tier.objects.filter(id__in=ids).values_list("id", "name"))
    elif ids and group_by is GroupBy.COMPANY:
        names = dict(Company.objects.filter(id__in=ids).values_list("id", "name"))
    elif ids and group_by is GroupBy.CUSTOMER_TYPE:
        names = _customer_type_names(ids)
    fallback = {GroupBy.TIER: "Tier", GroupBy.COMPANY: "Company", GroupBy.CUSTOMER_TYPE: "Customer type"}
    return {
        key: (names.get(int(key)) or f"{fallback.get(group_by, 'Group')} {key}") if key
        else _NONE_LABELS.get(group_by, "")
        for key in keys
    }


def _customer_type_names(ids: list[int]) -> dict[int, str]:
    try:
        model = get_user_model()._meta.get_field("customer_type").related_model
    except FieldDoesNotExist:
        return {}
    if model is None or not hasattr(model, "name"):
        return {}
    return dict(model._default_manager.filter(id__in=ids).values_list("id", "name"))  # type: ignore[union-attr]

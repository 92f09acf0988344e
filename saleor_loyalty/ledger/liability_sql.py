"""The SQL behind liability snapshots (services.liability) and their reconcile check: points per channel as of a moment, and the day's movements.

Channel attribution (docs/ledger.md "Liability"): every transaction belongs to one channel and
currency, those of the order it is tied to, found in this order:

1. its own ``order_id`` (earn, capture, reverse, order-linked adjustments);
2. for a hold or a release, the hold's order (set when it was captured), else the order made from
   the hold's checkout;
3. for a reversal, the order of the transaction it reverses;
4. for a maturing or an expiry, the order of the transaction that credited the lot;
5. otherwise none: channel "" and currency "" (bonuses, staff adjustments, released holds of a
   checkout that never became an order).

All entries of a transaction land in the same channel, so each channel's figures reconcile to
the point: a transaction that moves points between buckets (hold, mature) nets to zero there.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

_TX_CHANNEL = """
WITH tx AS (
    SELECT t.id, t.kind, t.created_at,
           coalesce(o_own.channel, o_hold.channel, o_checkout.channel, o_rev.channel, o_lot.channel, '') AS channel,
           coalesce(o_own.currency, o_hold.currency, o_checkout.currency, o_rev.currency, o_lot.currency, '')
               AS currency
    FROM loyalty_ledger_transaction t
    LEFT JOIN loyalty_order o_own ON t.order_id <> '' AND o_own.order_id = t.order_id
    LEFT JOIN LATERAL (
        SELECT h.order_id, h.checkout_token FROM loyalty_point_hold h
        WHERE t.kind IN ('hold', 'release') AND (h.transaction_id = t.id OR h.closing_transaction_id = t.id)
        LIMIT 1
    ) h ON true
    LEFT JOIN loyalty_order o_hold ON h.order_id <> '' AND o_hold.order_id = h.order_id
    LEFT JOIN LATERAL (
        SELECT o.channel, o.currency FROM loyalty_order o
        WHERE h.checkout_token <> '' AND o.checkout_token = h.checkout_token ORDER BY o.id LIMIT 1
    ) o_checkout ON true
    LEFT JOIN loyalty_ledger_transaction rev ON rev.id = t.reverses_id
    LEFT JOIN loyalty_order o_rev ON rev.order_id <> '' AND o_rev.order_id = rev.order_id
    -- The writers key a maturing or an expiry 'lot:<id>:mature' / 'lot:<id>:expire'; CASE, so the
    -- cast only ever sees such keys.
    LEFT JOIN loyalty_point_lot lot ON lot.id = CASE
        WHEN t.kind IN ('mature', 'expire') AND t.idempotency_key ~ '^lot:[0-9]+:'
        THEN split_part(t.idempotency_key, ':', 2)::bigint END
    LEFT JOIN loyalty_ledger_transaction credit ON credit.id = lot.transaction_id
    LEFT JOIN loyalty_order o_lot ON credit.order_id <> '' AND o_lot.order_id = credit.order_id
    WHERE t.created_at < %(end)s
),
moved AS (
    -- Owner entries only: what customers and companies hold is the liability.
    SELECT tx.id, tx.kind, tx.created_at, tx.channel, tx.currency, e.bucket, e.points
    FROM tx JOIN loyalty_ledger_entry e ON e.transaction_id = tx.id
    WHERE e.bucket <> 'system'
)
"""

# Outstanding per bucket as of %(end)s, and the day's movements in [%(start)s, %(end)s) and the
# breakage window's expiries and redemptions in [%(window_start)s, %(end)s).
BALANCES_SQL = _TX_CHANNEL + """
SELECT channel, currency,
    coalesce(sum(points) FILTER (WHERE bucket = 'available'), 0),
    coalesce(sum(points) FILTER (WHERE bucket = 'pending'), 0),
    coalesce(sum(points) FILTER (WHERE bucket = 'held'), 0),
    coalesce(sum(points) FILTER (WHERE created_at >= %(start)s AND kind IN ('earn', 'bonus')), 0),
    -coalesce(sum(points) FILTER (WHERE created_at >= %(start)s AND kind IN ('capture', 'redeem')), 0),
    -coalesce(sum(points) FILTER (WHERE created_at >= %(start)s AND kind IN ('expire', 'release')), 0),
    -coalesce(sum(points) FILTER (WHERE created_at >= %(start)s AND kind = 'reverse'), 0),
    coalesce(sum(points) FILTER (WHERE created_at >= %(start)s AND kind = 'adjust'), 0),
    -coalesce(sum(points) FILTER (WHERE created_at >= %(window_start)s AND kind IN ('expire', 'release')), 0),
    -coalesce(sum(points) FILTER (WHERE created_at >= %(window_start)s AND kind IN ('capture', 'redeem')), 0)
FROM moved
GROUP BY channel, currency
ORDER BY channel, currency
"""

Row = tuple[str, str, int, int, int, int, int, int, int, int, int, int]


def fetch_channel_balances(*, start: datetime, end: datetime, window_start: datetime) -> list[Row]:
    """Per (channel, currency): available, pending, held as of ``end``; earned, redeemed, expired,
    reversed, adjusted in ``[start, end)``; expired and redeemed in ``[window_start, end)``."""
    with connection.cursor() as cursor:
        cursor.execute(BALANCES_SQL, {"start": start, "end": end, "window_start": window_start})
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]

"""The ledger's own checks: every invariant over all accounts, one aggregate query each, and the
order outbox's: no credit, cancellation or refund left undelivered past the grace period.

``find_ledger_problems`` returns what is broken (``manage.py loyalty_reconcile`` prints it;
the tests assert it is empty). Read-only: it never repairs anything, because a correction is a
new reversing or adjusting transaction that a person decides on. Each check is one aggregate
query, so it runs on a large ledger too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

# (check name, SQL, message template). Every query returns the rows that break the rule;
# %(now)s is the moment the overdue checks compare against (now minus the grace period).
CHECKS: tuple[tuple[str, str, str], ...] = (
    (
        "cached balance",
        """
        SELECT a.id, a.owner_kind, a.available, a.pending, a.held,
               coalesce(sum(e.points) FILTER (WHERE e.bucket = 'available'), 0),
               coalesce(sum(e.points) FILTER (WHERE e.bucket = 'pending'), 0),
               coalesce(sum(e.points) FILTER (WHERE e.bucket = 'held'), 0)
        FROM loyalty_account a LEFT JOIN loyalty_ledger_entry e ON e.account_id = a.id
        WHERE a.owner_kind <> 'system'
        GROUP BY a.id
        HAVING a.available <> coalesce(sum(e.points) FILTER (WHERE e.bucket = 'available'), 0)
            OR a.pending <> coalesce(sum(e.points) FILTER (WHERE e.bucket = 'pending'), 0)
            OR a.held <> coalesce(sum(e.points) FILTER (WHERE e.bucket = 'held'), 0)
        """,
        "{1} account {0}: cached available/pending/held {2}/{3}/{4}, entries sum to {5}/{6}/{7}",
    ),
    (
        "balanced transaction",
        """
        SELECT t.id, t.idempotency_key, coalesce(sum(e.points), 0), count(e.id)
        FROM loyalty_ledger_transaction t LEFT JOIN loyalty_ledger_entry e ON e.transaction_id = t.id
        GROUP BY t.id HAVING coalesce(sum(e.points), 0) <> 0 OR count(e.id) < 2
        """,
        "transaction {0} ({1}): {3} entries summing to {2}",
    ),
    (
        "entry bucket",
        """
        SELECT e.id, e.bucket, a.id, a.owner_kind FROM loyalty_ledger_entry e
        JOIN loyalty_account a ON a.id = e.account_id
        WHERE (a.owner_kind = 'system') <> (e.bucket = 'system')
        """,
        "entry {0} names bucket {1} on {3} account {2}",
    ),
    (
        "lots cover balances",
        """
        SELECT a.id, a.available, a.pending,
               coalesce(sum(l.remaining) FILTER (WHERE l.matured), 0),
               coalesce(sum(l.remaining) FILTER (WHERE NOT l.matured), 0)
        FROM loyalty_account a LEFT JOIN loyalty_point_lot l ON l.account_id = a.id
        WHERE a.owner_kind <> 'system'
        GROUP BY a.id
        HAVING coalesce(sum(l.remaining) FILTER (WHERE l.matured), 0) <> greatest(a.available, 0)
            OR coalesce(sum(l.remaining) FILTER (WHERE NOT l.matured), 0) <> a.pending
        """,
        "account {0}: available {1} and pending {2}, but matured lots hold {3} and unmatured lots {4}",
    ),
    (
        "holds cover held",
        """
        SELECT a.id, a.held, coalesce(sum(h.points), 0)
        FROM loyalty_account a LEFT JOIN loyalty_point_hold h ON h.account_id = a.id AND h.status = 'active'
        WHERE a.owner_kind <> 'system'
        GROUP BY a.id HAVING a.held <> coalesce(sum(h.points), 0)
        """,
        "account {0}: held {1}, but its active holds total {2}",
    ),
    (
        "hold allocations",
        """
        SELECT h.id, h.checkout_token, h.points, coalesce(sum(al.points), 0), t.kind, t.id IS NULL
        FROM loyalty_point_hold h
        LEFT JOIN loyalty_hold_allocation al ON al.hold_id = h.id
        LEFT JOIN loyalty_ledger_transaction t ON t.id = h.transaction_id
        GROUP BY h.id, t.id
        HAVING h.points <> coalesce(sum(al.points), 0) OR t.id IS NULL OR t.kind <> 'hold'
        """,
        "hold {0} (checkout {1}) of {2} points: its lots allocations total {3}, its transaction is {4}",
    ),
    (
        "lifetime earned",
        """
        WITH credited AS (
            -- Redeemed points given back (a 'reverse' transaction's lot) were earned once already.
            SELECT l.account_id, sum(l.points) AS points
            FROM loyalty_point_lot l JOIN loyalty_ledger_transaction t ON t.id = l.transaction_id
            WHERE t.kind <> 'reverse' GROUP BY l.account_id
        ),
        reversed AS (
            SELECT l.account_id, sum(e.points) AS points
            FROM loyalty_ledger_transaction t
            JOIN loyalty_point_lot l ON l.transaction_id = t.reverses_id
            JOIN loyalty_ledger_entry e ON e.transaction_id = t.id AND e.points > 0
            WHERE t.kind = 'reverse' GROUP BY l.account_id
        )
        SELECT a.id, a.lifetime_earned, coalesce(c.points, 0) - coalesce(r.points, 0)
        FROM loyalty_account a
        LEFT JOIN credited c ON c.account_id = a.id LEFT JOIN reversed r ON r.account_id = a.id
        WHERE a.owner_kind <> 'system' AND a.lifetime_earned <> coalesce(c.points, 0) - coalesce(r.points, 0)
        """,
        "account {0}: lifetime earned {1}, but credited minus reversed lots is {2}",
    ),
    (
        "expired points",
        """
        SELECT e.total, l.total FROM
            (SELECT coalesce(sum(e.points), 0) AS total FROM loyalty_ledger_entry e
             JOIN loyalty_account a ON a.id = e.account_id WHERE a.system_code = 'expired') AS e,
            (SELECT coalesce(sum(expired), 0) AS total FROM loyalty_point_lot) AS l
        WHERE e.total <> l.total
        """,
        "the expired account holds {0} points, but the lots record {1} expired",
    ),
    (
        "overdue hold",
        """
        SELECT id, checkout_token, expires_at FROM loyalty_point_hold
        WHERE status = 'active' AND expires_at <= %(now)s
        """,
        "hold {0} (checkout {1}) expired at {2} but is still active: is the release task running?",
    ),
    (
        "overdue expiry",
        """
        SELECT id, account_id, remaining, expires_at FROM loyalty_point_lot
        WHERE remaining > 0 AND expires_at <= %(now)s
        """,
        "lot {0} of account {1}: {2} points should have expired at {3}: is the expiry task running?",
    ),
    (
        "overdue maturing",
        """
        SELECT id, account_id, remaining, available_at FROM loyalty_point_lot
        WHERE NOT matured AND remaining > 0 AND available_at <= %(now)s
          AND (expires_at IS NULL OR expires_at > %(now)s)
        """,
        "lot {0} of account {1}: {2} points should be available since {3}: is the maturing task running?",
    ),
    # The daily liability snapshots (services/liability.py): each day's movements explain the
    # change from the day before, and the latest snapshot is what the ledger says.
    (
        "liability movements",
        """
        SELECT s.day, s.currency, p.available + p.pending + p.held,
               s.earned + s.redeemed + s.expired + s.reversed + s.adjusted, s.available + s.pending + s.held
        FROM loyalty_liability_snapshot s
        JOIN loyalty_liability_snapshot p
          ON p.channel = s.channel AND p.currency = s.currency AND p.day = s.day - 1
        WHERE p.available + p.pending + p.held + s.earned + s.redeemed + s.expired + s.reversed + s.adjusted
              <> s.available + s.pending + s.held
        """,
        "liability snapshot {0} ({1}): the day before held {2}, the day's movements {3}, but it says {4}",
    ),
    (
        "liability snapshot",
        """
        SELECT s.day, sum(s.available), sum(s.pending), sum(s.held), b.available, b.pending, b.held
        FROM loyalty_liability_snapshot s
        CROSS JOIN LATERAL (
            SELECT coalesce(sum(e.points) FILTER (WHERE e.bucket = 'available'), 0) AS available,
                   coalesce(sum(e.points) FILTER (WHERE e.bucket = 'pending'), 0) AS pending,
                   coalesce(sum(e.points) FILTER (WHERE e.bucket = 'held'), 0) AS held
            FROM loyalty_ledger_entry e
            JOIN loyalty_account a ON a.id = e.account_id
            JOIN loyalty_ledger_transaction t ON t.id = e.transaction_id
            WHERE a.owner_kind <> 'system' AND t.created_at < s.as_of
        ) b
        WHERE s.day = (SELECT max(day) FROM loyalty_liability_snapshot)
        GROUP BY s.day, b.available, b.pending, b.held
        HAVING (sum(s.available), sum(s.pending), sum(s.held)) IS DISTINCT FROM (b.available, b.pending, b.held)
        """,
        "liability snapshot {0}: its channels hold available/pending/held {1}/{2}/{3}, the ledger says {4}/{5}/{6}",
    ),
    # The order outbox (services/order_delivery.py): work an order event made due and nobody ran.
    (
        "paid but not credited",
        """
        SELECT order_id, credit_due_at FROM loyalty_order
        WHERE credit_due_at <= %(now)s AND NOT credited AND status <> 'cancelled' AND cancel_requested_at IS NULL
        """,
        "order {0} was paid at {1} but is not credited: is deliver_order_work_task running?",
    ),
    (
        "cancellation not applied",
        """
        SELECT order_id, cancel_requested_at FROM loyalty_order
        WHERE cancel_requested_at <= %(now)s AND status <> 'cancelled'
        """,
        "order {0} was cancelled at {1} but its points are not reversed: is deliver_order_work_task running?",
    ),
    (
        "refund not applied",
        """
        SELECT order_id, refund_requested_amount, refunded_amount FROM loyalty_order
        WHERE refund_requested_amount > refunded_amount AND updated_at <= %(now)s
        """,
        "order {0}: {1} refunded but only {2} applied to its points: is deliver_order_work_task running?",
    ),
)


@dataclass(frozen=True)
class Problem:
    """One offending row: the check it broke and a readable account of it."""

    check: str
    message: str


def find_ledger_problems(*, now: datetime | None = None, grace: timedelta = timedelta(hours=1)) -> list[Problem]:
    """Every broken invariant, one ``Problem`` per offending row (empty when all is consistent).

    ``grace`` gives the periodic tasks time before overdue holds and lots count as problems.
    """
    cutoff = (now or timezone.now()) - grace
    problems: list[Problem] = []
    with connection.cursor() as cursor:
        for name, sql, template in CHECKS:
            cursor.execute(sql, {"now": cutoff})
            problems.extend(Problem(name, template.format(*row)) for row in cursor.fetchall())
    return problems

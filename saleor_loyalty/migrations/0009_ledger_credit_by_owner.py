"""A credit by owner in one round trip: ``loyalty_owner_account_id()`` and the account in
``loyalty_credit()``'s result.

The services used to resolve the owner's account (a customer's own, or their company's shared
pool) in a query of its own before the credit: a second round trip, its plan made on every call.
``loyalty_owner_account_id(user_id, company_id)`` is the same owner rule as
``services.points._FIND_ACCOUNT_SQL`` in PL/pgSQL (plans kept for the session), evaluated as an
argument of the credit call, so a credit is one statement. No account yet (a first credit)
gives NULL, ``loyalty_credit()`` writes nothing and returns no row, and the service creates the
account and credits again. A created credit's row now carries the owner account's id, so the
caller learns which account it was.

Nothing is locked or written by the lookup; ``loyalty_credit()`` still locks the account row
first, like every writer, and every constraint and trigger still applies.
"""

from django.db import migrations

FORWARD_SQL = r"""
CREATE FUNCTION loyalty_owner_account_id(p_user_id bigint, p_company_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_company_id bigint := p_company_id;
    v_account_id bigint;
BEGIN
    IF v_company_id IS NULL THEN
        -- A company member earns into (and spends from) the company's pool.
        SELECT m.company_id INTO v_company_id FROM loyalty_company_member m WHERE m.user_id = p_user_id;
    END IF;
    IF v_company_id IS NOT NULL THEN
        SELECT a.id INTO v_account_id FROM loyalty_account a WHERE a.company_id = v_company_id;
    ELSE
        SELECT a.id INTO v_account_id FROM loyalty_account a WHERE a.user_id = p_user_id;
    END IF;
    RETURN v_account_id;
END;
$$;

CREATE OR REPLACE FUNCTION loyalty_credit(
    p_kind text, p_key text, p_fingerprint text, p_reason text, p_order_id text, p_checkout_token text,
    p_staff_user_id bigint, p_rule_id text, p_now timestamptz, p_account_id bigint, p_system_id bigint,
    p_points bigint, p_matured boolean, p_available_at timestamptz, p_expires_at timestamptz
) RETURNS TABLE (transaction_id bigint, created boolean, kind text, created_at timestamptz,
                 fingerprint text, account_id bigint, bucket text, points bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    new_id bigint;
    available_after bigint;
BEGIN
    RETURN QUERY
        SELECT t.id, false, t.kind::text, t.created_at, t.fingerprint::text, e.account_id, e.bucket::text, e.points
        FROM loyalty_ledger_transaction t JOIN loyalty_ledger_entry e ON e.transaction_id = t.id
        WHERE t.idempotency_key = p_key ORDER BY e.id;
    IF FOUND THEN
        RETURN;
    END IF;

    PERFORM 1 FROM loyalty_account a WHERE a.id = p_account_id AND a.owner_kind <> 'system' FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    INSERT INTO loyalty_ledger_transaction AS t (kind, idempotency_key, fingerprint, reason, order_id,
        checkout_token, staff_user_id, rule_id, reverses_id, created_at)
    VALUES (p_kind, p_key, p_fingerprint, p_reason, p_order_id, p_checkout_token, p_staff_user_id,
        p_rule_id, NULL, p_now)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING t.id INTO new_id;
    IF new_id IS NULL THEN
        RETURN QUERY
            SELECT t.id, false, t.kind::text, t.created_at, t.fingerprint::text, e.account_id, e.bucket::text,
                e.points
            FROM loyalty_ledger_transaction t JOIN loyalty_ledger_entry e ON e.transaction_id = t.id
            WHERE t.idempotency_key = p_key ORDER BY e.id;
        RETURN;
    END IF;

    UPDATE loyalty_account a
    SET available = a.available + CASE WHEN p_matured THEN p_points ELSE 0 END,
        pending = a.pending + CASE WHEN p_matured THEN 0 ELSE p_points END,
        lifetime_earned = a.lifetime_earned + p_points, version = a.version + 1, updated_at = p_now
    WHERE a.id = p_account_id
    RETURNING a.available INTO available_after;

    INSERT INTO loyalty_ledger_entry (transaction_id, account_id, bucket, points)
    VALUES (new_id, p_system_id, 'system', -p_points),
           (new_id, p_account_id, CASE WHEN p_matured THEN 'available' ELSE 'pending' END, p_points);

    INSERT INTO loyalty_point_lot (account_id, transaction_id, points, remaining, expired, available_at,
        matured, expires_at, created_at)
    VALUES (p_account_id, new_id, p_points,
        CASE WHEN p_matured THEN p_points - least(greatest(p_points - available_after, 0), p_points)
             ELSE p_points END,
        0, p_available_at, p_matured, p_expires_at, p_now);

    RETURN QUERY SELECT new_id, true, p_kind, p_now, p_fingerprint, p_account_id, NULL::text, NULL::bigint;
END;
$$;
"""

REVERSE_SQL = r"""
DROP FUNCTION loyalty_owner_account_id(bigint, bigint);

CREATE OR REPLACE FUNCTION loyalty_credit(
    p_kind text, p_key text, p_fingerprint text, p_reason text, p_order_id text, p_checkout_token text,
    p_staff_user_id bigint, p_rule_id text, p_now timestamptz, p_account_id bigint, p_system_id bigint,
    p_points bigint, p_matured boolean, p_available_at timestamptz, p_expires_at timestamptz
) RETURNS TABLE (transaction_id bigint, created boolean, kind text, created_at timestamptz,
                 fingerprint text, account_id bigint, bucket text, points bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    new_id bigint;
    available_after bigint;
BEGIN
    RETURN QUERY
        SELECT t.id, false, t.kind::text, t.created_at, t.fingerprint::text, e.account_id, e.bucket::text, e.points
        FROM loyalty_ledger_transaction t JOIN loyalty_ledger_entry e ON e.transaction_id = t.id
        WHERE t.idempotency_key = p_key ORDER BY e.id;
    IF FOUND THEN
        RETURN;
    END IF;

    PERFORM 1 FROM loyalty_account a WHERE a.id = p_account_id AND a.owner_kind <> 'system' FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    INSERT INTO loyalty_ledger_transaction AS t (kind, idempotency_key, fingerprint, reason, order_id,
        checkout_token, staff_user_id, rule_id, reverses_id, created_at)
    VALUES (p_kind, p_key, p_fingerprint, p_reason, p_order_id, p_checkout_token, p_staff_user_id,
        p_rule_id, NULL, p_now)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING t.id INTO new_id;
    IF new_id IS NULL THEN
        RETURN QUERY
            SELECT t.id, false, t.kind::text, t.created_at, t.fingerprint::text, e.account_id, e.bucket::text,
                e.points
            FROM loyalty_ledger_transaction t JOIN loyalty_ledger_entry e ON e.transaction_id = t.id
            WHERE t.idempotency_key = p_key ORDER BY e.id;
        RETURN;
    END IF;

    UPDATE loyalty_account a
    SET available = a.available + CASE WHEN p_matured THEN p_points ELSE 0 END,
        pending = a.pending + CASE WHEN p_matured THEN 0 ELSE p_points END,
        lifetime_earned = a.lifetime_earned + p_points, version = a.version + 1, updated_at = p_now
    WHERE a.id = p_account_id
    RETURNING a.available INTO available_after;

    INSERT INTO loyalty_ledger_entry (transaction_id, account_id, bucket, points)
    VALUES (new_id, p_system_id, 'system', -p_points),
           (new_id, p_account_id, CASE WHEN p_matured THEN 'available' ELSE 'pending' END, p_points);

    INSERT INTO loyalty_point_lot (account_id, transaction_id, points, remaining, expired, available_at,
        matured, expires_at, created_at)
    VALUES (p_account_id, new_id, p_points,
        CASE WHEN p_matured THEN p_points - least(greatest(p_points - available_after, 0), p_points)
             ELSE p_points END,
        0, p_available_at, p_matured, p_expires_at, p_now);

    RETURN QUERY SELECT new_id, true, p_kind, p_now, p_fingerprint, NULL::bigint, NULL::text, NULL::bigint;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("saleor_loyalty", "0008_rebates_system_account")]

    operations = [migrations.RunSQL(FORWARD_SQL, REVERSE_SQL)]

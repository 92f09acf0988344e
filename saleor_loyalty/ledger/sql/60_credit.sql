-- Read by migration 0002_ledger_sql (in file-name order) and checked against the database by
-- tests/ledger/test_sql_files.py. Idempotent: CREATE OR REPLACE, triggers dropped and re-created.

-- loyalty_credit(): a credit (or its replay) in one round trip, with plans cached per session
-- (a PL/pgSQL function keeps the plans of its statements; no prepared statement is needed, so
-- it also works behind a transaction-pooling PgBouncer). The account is given, or NULL with the
-- owner found by loyalty_owner_account_id() as an argument of the call (ledger/core.py).
--
-- What it does, in order (the same lock order as every other writer: the account row first):
-- 1. The key already used: return the first transaction's rows (one indexed SELECT, no lock,
--    nothing written; the caller compares the fingerprint).
-- 2. Lock the owner account (FOR UPDATE); no such owner account: return no row, write nothing
--    (the service then creates the account and credits again).
-- 3. Claim the key (ON CONFLICT DO NOTHING); a concurrent credit that committed the same key
--    while we waited: return its rows as in 1.
-- 4. Update the cached balance, insert both entries and the lot (a matured lot first pays any
--    debt: its remaining is the part of the points above what was owed). A created credit's
--    row carries the owner account's id, so the caller learns which account it was.
-- Every table constraint and trigger still applies to these rows; the function adds no privilege.
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

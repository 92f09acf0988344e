-- Read by migration 0002_ledger_sql (in file-name order) and checked against the database by
-- tests/ledger/test_sql_files.py. Idempotent: CREATE OR REPLACE, triggers dropped and re-created.

-- A lot changes only its remaining, expired and matured (never back to unmatured); a hold only
-- leaves `active` once; neither is deleted.
CREATE OR REPLACE FUNCTION loyalty_lot_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'DELETE of a point lot refused: lots are kept for the ledger''s history'
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'loyalty_lot_guard';
    END IF;
    IF NEW.account_id <> OLD.account_id OR NEW.transaction_id <> OLD.transaction_id
        OR NEW.points <> OLD.points OR NEW.available_at <> OLD.available_at
        OR NEW.expires_at IS DISTINCT FROM OLD.expires_at OR NEW.created_at <> OLD.created_at
        OR (OLD.matured AND NOT NEW.matured) THEN
        RAISE EXCEPTION 'point lot %: only remaining, expired and matured (once) may change', OLD.id
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'loyalty_lot_guard';
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS loyalty_lot_guard ON loyalty_point_lot;
CREATE TRIGGER loyalty_lot_guard BEFORE UPDATE OR DELETE ON loyalty_point_lot
    FOR EACH ROW EXECUTE FUNCTION loyalty_lot_guard();

CREATE OR REPLACE FUNCTION loyalty_hold_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'DELETE of a point hold refused'
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'loyalty_hold_guard';
    END IF;
    IF OLD.status <> 'active' THEN
        RAISE EXCEPTION 'point hold % is % and final', OLD.id, OLD.status
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'loyalty_hold_guard';
    END IF;
    IF NEW.account_id <> OLD.account_id OR NEW.transaction_id <> OLD.transaction_id
        OR NEW.checkout_token <> OLD.checkout_token OR NEW.points <> OLD.points
        OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'point hold %: only its status, expiry and closing may change', OLD.id
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'loyalty_hold_guard';
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS loyalty_hold_guard ON loyalty_point_hold;
CREATE TRIGGER loyalty_hold_guard BEFORE UPDATE OR DELETE ON loyalty_point_hold
    FOR EACH ROW EXECUTE FUNCTION loyalty_hold_guard();

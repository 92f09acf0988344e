-- Read by migration 0002_ledger_sql (in file-name order) and checked against the database by
-- tests/ledger/test_sql_files.py. Idempotent: CREATE OR REPLACE, triggers dropped and re-created.

-- Transactions, entries and hold allocations are append-only: UPDATE and DELETE are refused.
-- Row triggers, so TRUNCATE (the test database flush) still works. SQLSTATE class 23, so Django
-- raises IntegrityError.
CREATE OR REPLACE FUNCTION loyalty_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of % refused: the points ledger is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_NAME;
END;
$$;

DROP TRIGGER IF EXISTS loyalty_transaction_append_only ON loyalty_ledger_transaction;
CREATE TRIGGER loyalty_transaction_append_only BEFORE UPDATE OR DELETE ON loyalty_ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
DROP TRIGGER IF EXISTS loyalty_entry_append_only ON loyalty_ledger_entry;
CREATE TRIGGER loyalty_entry_append_only BEFORE UPDATE OR DELETE ON loyalty_ledger_entry
    FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
DROP TRIGGER IF EXISTS loyalty_hold_allocation_append_only ON loyalty_hold_allocation;
CREATE TRIGGER loyalty_hold_allocation_append_only BEFORE UPDATE OR DELETE ON loyalty_hold_allocation
    FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();

-- Read by migration 0002_ledger_sql (in file-name order) and checked against the database by
-- tests/ledger/test_sql_files.py. Idempotent: CREATE OR REPLACE, triggers dropped and re-created.

-- Deferred constraint triggers: at COMMIT, a transaction whose entries do not sum to zero, or
-- that has fewer than two entries, is refused.
CREATE OR REPLACE FUNCTION loyalty_check_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tx_id bigint;
    total numeric;
    entry_count integer;
BEGIN
    IF TG_TABLE_NAME = 'loyalty_ledger_entry' THEN
        tx_id := NEW.transaction_id;
    ELSE
        tx_id := NEW.id;
    END IF;
    SELECT coalesce(sum(points), 0), count(*) INTO total, entry_count
        FROM loyalty_ledger_entry WHERE transaction_id = tx_id;
    IF entry_count < 2 THEN
        RAISE EXCEPTION 'ledger transaction % has % entries; it needs at least two', tx_id, entry_count
            USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_transaction_has_two_entries';
    END IF;
    IF total <> 0 THEN
        RAISE EXCEPTION 'entries of ledger transaction % sum to %, not zero', tx_id, total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_transaction_balanced';
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS loyalty_transaction_balanced ON loyalty_ledger_transaction;
CREATE CONSTRAINT TRIGGER loyalty_transaction_balanced AFTER INSERT ON loyalty_ledger_transaction
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loyalty_check_transaction_balanced();
-- Also per entry: entries appended later to an old transaction must keep it balanced.
DROP TRIGGER IF EXISTS loyalty_entry_balanced ON loyalty_ledger_entry;
CREATE CONSTRAINT TRIGGER loyalty_entry_balanced AFTER INSERT ON loyalty_ledger_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loyalty_check_transaction_balanced();

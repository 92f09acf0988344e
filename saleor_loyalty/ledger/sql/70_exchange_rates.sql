-- Read by migration 0011_channel_terms (not by 0002_ledger_sql: the table is younger; see
-- ledger/sql_files.LATER_FILES) and checked against the database by tests/ledger/test_sql_files.py.
-- Idempotent: CREATE OR REPLACE, the trigger dropped and re-created.

-- Exchange rates are history (services/exchange_rates.py): a correction is a newer rate, never an
-- edit, so the rate an order recorded can always be traced to its row. Row triggers, so TRUNCATE
-- (the test database flush) still works; SQLSTATE class 23, so Django raises IntegrityError.
CREATE OR REPLACE FUNCTION loyalty_exchange_rate_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of % refused: exchange rates are append-only, add a newer rate instead', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_NAME;
END;
$$;

DROP TRIGGER IF EXISTS loyalty_exchange_rate_append_only ON loyalty_exchange_rate;
CREATE TRIGGER loyalty_exchange_rate_append_only BEFORE UPDATE OR DELETE ON loyalty_exchange_rate
    FOR EACH ROW EXECUTE FUNCTION loyalty_exchange_rate_refuse_change();

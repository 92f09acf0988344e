-- Read by migration 0002_ledger_sql (in file-name order) and checked against the database by
-- tests/ledger/test_sql_files.py. Idempotent: CREATE OR REPLACE, triggers dropped and re-created.

-- An owner account's entry names available/pending/held, a system account's entry `system`.
CREATE OR REPLACE FUNCTION loyalty_check_entry_bucket() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind text;
BEGIN
    SELECT owner_kind INTO kind FROM loyalty_account WHERE id = NEW.account_id;
    IF (kind = 'system') IS DISTINCT FROM (NEW.bucket = 'system') THEN
        RAISE EXCEPTION 'bucket % does not fit the % account %', NEW.bucket, kind, NEW.account_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'loyalty_entry_bucket_fits_account';
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS loyalty_entry_bucket_fits_account ON loyalty_ledger_entry;
CREATE TRIGGER loyalty_entry_bucket_fits_account BEFORE INSERT ON loyalty_ledger_entry
    FOR EACH ROW EXECUTE FUNCTION loyalty_check_entry_bucket();

-- The daily liability snapshots (services/liability.py) are append-only like the ledger: a
-- snapshot is what the accountants were given for that day, so it is never rewritten. The table
-- is created by a later migration than 0002, which runs these files again once it exists; until
-- then (0002 on a fresh database) the trigger is skipped.
DO $$
BEGIN
    IF to_regclass('loyalty_liability_snapshot') IS NOT NULL THEN
        DROP TRIGGER IF EXISTS loyalty_liability_append_only ON loyalty_liability_snapshot;
        CREATE TRIGGER loyalty_liability_append_only BEFORE UPDATE OR DELETE ON loyalty_liability_snapshot
            FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
    END IF;
END
$$;

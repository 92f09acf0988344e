"""The database's own guard of the ledger: triggers, and the system accounts.

- ``loyalty_transaction_balanced`` / ``loyalty_entry_balanced``: deferred constraint triggers
  that refuse, at COMMIT, a transaction whose entries do not sum to zero or that has fewer
  than two entries.
- ``loyalty_entry_bucket_fits_account``: an owner account's entry names available/pending/held,
  a system account's entry names ``system``.
- ``*_append_only``: UPDATE and DELETE of transactions, entries and hold allocations are refused.
  These are row triggers, so TRUNCATE (the test database flush) still works.
- ``loyalty_lot_guard`` / ``loyalty_hold_guard``: a lot changes only its ``remaining``,
  ``expired`` and ``matured`` (never back to unmatured); a hold only leaves ``active`` once; neither is deleted.

Errors use SQLSTATE class 23 so Django raises ``IntegrityError``.
"""

from django.db import migrations

SYSTEM_CODES = ("issued", "bonuses", "referral_rewards", "adjustments", "redeemed", "expired")

FORWARD_SQL = r"""
CREATE FUNCTION loyalty_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of % refused: the points ledger is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_NAME;
END;
$$;

CREATE TRIGGER loyalty_transaction_append_only BEFORE UPDATE OR DELETE ON loyalty_ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
CREATE TRIGGER loyalty_entry_append_only BEFORE UPDATE OR DELETE ON loyalty_ledger_entry
    FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
CREATE TRIGGER loyalty_hold_allocation_append_only BEFORE UPDATE OR DELETE ON loyalty_hold_allocation
    FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();

CREATE FUNCTION loyalty_check_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE CONSTRAINT TRIGGER loyalty_transaction_balanced AFTER INSERT ON loyalty_ledger_transaction
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loyalty_check_transaction_balanced();
-- Also per entry: entries appended later to an old transaction must keep it balanced.
CREATE CONSTRAINT TRIGGER loyalty_entry_balanced AFTER INSERT ON loyalty_ledger_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loyalty_check_transaction_balanced();

CREATE FUNCTION loyalty_check_entry_bucket() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER loyalty_entry_bucket_fits_account BEFORE INSERT ON loyalty_ledger_entry
    FOR EACH ROW EXECUTE FUNCTION loyalty_check_entry_bucket();

CREATE FUNCTION loyalty_lot_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER loyalty_lot_guard BEFORE UPDATE OR DELETE ON loyalty_point_lot
    FOR EACH ROW EXECUTE FUNCTION loyalty_lot_guard();

CREATE FUNCTION loyalty_hold_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER loyalty_hold_guard BEFORE UPDATE OR DELETE ON loyalty_point_hold
    FOR EACH ROW EXECUTE FUNCTION loyalty_hold_guard();
"""

REVERSE_SQL = r"""
DROP TRIGGER loyalty_hold_guard ON loyalty_point_hold;
DROP FUNCTION loyalty_hold_guard();
DROP TRIGGER loyalty_lot_guard ON loyalty_point_lot;
DROP FUNCTION loyalty_lot_guard();
DROP TRIGGER loyalty_entry_bucket_fits_account ON loyalty_ledger_entry;
DROP FUNCTION loyalty_check_entry_bucket();
DROP TRIGGER loyalty_entry_balanced ON loyalty_ledger_entry;
DROP TRIGGER loyalty_transaction_balanced ON loyalty_ledger_transaction;
DROP FUNCTION loyalty_check_transaction_balanced();
DROP TRIGGER loyalty_hold_allocation_append_only ON loyalty_hold_allocation;
DROP TRIGGER loyalty_entry_append_only ON loyalty_ledger_entry;
DROP TRIGGER loyalty_transaction_append_only ON loyalty_ledger_transaction;
DROP FUNCTION loyalty_refuse_change();
"""


def create_system_accounts(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Create the system accounts up front; the ledger still creates any that go missing."""
    account_model = apps.get_model("saleor_loyalty", "LoyaltyAccount")
    for code in SYSTEM_CODES:
        account_model.objects.get_or_create(system_code=code, defaults={"owner_kind": "system"})


class Migration(migrations.Migration):
    dependencies = [("saleor_loyalty", "0001_ledger")]

    operations = [
        migrations.RunSQL(FORWARD_SQL, REVERSE_SQL),
        migrations.RunPython(create_system_accounts, migrations.RunPython.noop),
    ]

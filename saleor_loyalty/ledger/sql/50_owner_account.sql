-- Read by migration 0002_ledger_sql (in file-name order) and checked against the database by
-- tests/ledger/test_sql_files.py. Idempotent: CREATE OR REPLACE, triggers dropped and re-created.

-- The owner rule, written here and nowhere else: a company member's points are the company's
-- (they earn into and spend from its shared pool); anyone else's are their own. The services'
-- balance reads (services/points/balances.py) and loyalty_credit()'s callers both call these.
-- STABLE PL/pgSQL: nothing is locked or written, plans are kept for the session.

-- The company whose pool the owner uses: the company itself, the customer's company if they are
-- a member, else NULL (the customer's own account).
CREATE OR REPLACE FUNCTION loyalty_owner_company_id(p_user_id bigint, p_company_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_company_id IS NOT NULL THEN
        RETURN p_company_id;
    END IF;
    RETURN (SELECT m.company_id FROM loyalty_company_member m WHERE m.user_id = p_user_id);
END;
$$;

-- The account that owner's points go to; NULL when it does not exist yet (made on first use).
CREATE OR REPLACE FUNCTION loyalty_owner_account_id(p_user_id bigint, p_company_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_company_id bigint := loyalty_owner_company_id(p_user_id, p_company_id);
BEGIN
    IF v_company_id IS NOT NULL THEN
        RETURN (SELECT a.id FROM loyalty_account a WHERE a.company_id = v_company_id);
    END IF;
    RETURN (SELECT a.id FROM loyalty_account a WHERE a.user_id = p_user_id);
END;
$$;

-- parley_send_check aborts the statement that commits a batch of messages
-- when a row it numbered was not inserted (its client_id was sent before,
-- or its room is gone). The batch statement runs outside an explicit
-- transaction to save round trips, so raising is what rolls it back before
-- a gap in seq can be committed. SQLSTATE PS001 tells the store to redo the
-- batch the careful way. STABLE (not VOLATILE) matters: it lets the planner
-- treat a call without column references as a one-time filter, evaluated
-- once even when the query returns no row.
CREATE FUNCTION parley_send_check(inserted bigint, wanted bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF inserted <> wanted THEN
        RAISE EXCEPTION 'parley: % of % messages inserted', inserted, wanted USING ERRCODE = 'PS001';
    END IF;
    RETURN true;
END
$$;

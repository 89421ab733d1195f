-- What the API's database role (a member of "feedback_api") may do, when the installation runs
-- the API and the migrations as different roles (FEEDBACK_DB and FEEDBACK_DB_MIGRATE): read and
-- write cases, accounts and settings, but never change the schema, rewrite the timeline or the
-- audit log, or touch the migration journal. An installation with a single role has no
-- "feedback_api" and keeps relying on the append-only triggers alone.
do $$
begin
    if not exists (select from pg_roles where rolname = 'feedback_api') then
        raise notice 'No role feedback_api: the API runs as the schema owner.';
        return;
    end if;

    grant usage on schema public to feedback_api;
    grant select, insert, update on all tables in schema public to feedback_api;
    grant usage, select on all sequences in schema public to feedback_api;
    -- Evidence: appended, never changed.
    revoke update on complaint_events, audit_log from feedback_api;
    -- The migrations' own bookkeeping.
    revoke insert, update on schemaversions from feedback_api;
    -- Administrators remove routing rules and calendar entries; nothing else is ever deleted.
    grant delete on routing_rules, calendar_days to feedback_api;

    -- Tables of later migrations: readable and writable by default; each migration that adds
    -- evidence revokes what it must.
    alter default privileges in schema public grant select, insert, update on tables to feedback_api;
    alter default privileges in schema public grant usage, select on sequences to feedback_api;
end;
$$;

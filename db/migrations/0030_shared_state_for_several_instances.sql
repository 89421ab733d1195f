-- State every API instance must see, kept where they all already meet: the database.

-- Photo bytes, beside their row. Written in the upload's transaction, so a photo and its row exist
-- together or not at all; replicated, backed up and restored with the cases. JPEG, PNG and WebP
-- are compressed already: stored out of line without a second compression attempt.
create table photo_contents (
    photo_id  uuid primary key references photos (id) on delete cascade,
    content   bytea not null check (length(content) between 1 and 10485760)
);
alter table photo_contents alter column content set storage external;

-- Photos stored as files before this table keep their file name until imported
-- (`Feedback.Api import-photos <folder>`); new photos have none.
alter table photos alter column blob_name drop not null;

-- Rate-limit budgets: one row per budget, client (address, /64 or Open311 key) and minute. A
-- request counts itself with one upsert; housekeeping deletes past minutes. Unlogged: a count is
-- worth nothing after a crash, and a write that makes no WAL does not wait for the synchronous
-- standby. After a failover the budgets start again from zero.
create unlogged table rate_limit_windows (
    budget        text not null check (char_length(budget) between 1 and 40),
    client        text not null check (char_length(client) between 1 and 64),
    window_start  timestamptz not null,
    used          int not null check (used > 0),
    primary key (budget, client, window_start)
);

do $$
begin
    if exists (select from pg_roles where rolname = 'feedback_api') then
        grant delete on rate_limit_windows to feedback_api;
    end if;
end;
$$;

-- Two migrations were edited in place before committed migrations were held unchangeable
-- (db/migrations/README.md). A database migrated while an earlier text of one of them was current
-- kept that text's tables; this brings them to the shape the migrations have now, and leaves a
-- database that already has it as it is.

-- 0009: idempotency_keys got its response column (the 201 body an Idempotency-Key replays). Keys
-- are kept a day and cannot be replayed without it: the few there are forgotten, and the column
-- added.
do $migration$
begin
    if not exists (select from information_schema.columns
                   where table_schema = 'public' and table_name = 'idempotency_keys' and column_name = 'response') then
        raise notice 'idempotency_keys has the shape of an earlier text of 0009: its keys forgotten, the response column added.';
        delete from idempotency_keys;
        alter table idempotency_keys add column response jsonb not null;
    end if;
end;
$migration$;

-- 0018: the metrics counters. Its earlier texts left metrics_changes and metrics_facts without a
-- channel column (and with three or five levels, or none), on which every new case fails in the
-- change-log trigger of 0019 and the API cannot read or fold the counters. The three tables hold
-- nothing but counts derived from the cases, so they are made again in the shape 0018 has now,
-- with metrics_rebuild() to match, and every case is counted anew (as 0018 does).
do $migration$
begin
    if exists (select from information_schema.columns
               where table_schema = 'public' and table_name = 'metrics_facts' and column_name = 'channel')
       and exists (select from information_schema.columns
                   where table_schema = 'public' and table_name = 'metrics_changes' and column_name = 'channel') then
        return;
    end if;
    raise notice 'The metrics tables have the shape of an earlier text of 0018: made again, every case counted anew.';

    drop table metrics_changes, metrics_facts, metrics_spans;

    create table metrics_changes (
        id                       bigint generated always as identity primary key,
        sign                     smallint not null check (sign in (-1, 1)),
        section_code             text not null,
        category_code            text not null,
        township                 text,
        channel                  text not null,
        status                   text not null,
        submitted_at             timestamptz not null,
        decided_at               timestamptz,
        resolved_at              timestamptz,
        evaluated_at             timestamptz,
        review_requested_at      timestamptz,
        accept_by                date,
        resolve_by               date,
        evaluation_solved        text,
        evaluation_satisfaction  text,
        support_count            int not null,
        latitude                 double precision,
        longitude                double precision,
        decide_hours             double precision,
        resolve_hours            double precision
    );
    alter table metrics_changes set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);

    create table metrics_facts (
        level          smallint not null check (level between 1 and 7),
        grain          "char" not null check (grain in ('d', 'm')),
        day            date not null,
        category_code  text not null,
        section_code   text not null,
        township       text not null,
        channel        text not null,
        confidential   boolean not null,
        fact           smallint not null,
        n              bigint not null,
        primary key (level, grain, day, category_code, section_code, township, channel, confidential, fact) include (n)
    );

    create table metrics_spans (
        kind           smallint not null,
        level          smallint not null check (level between 1 and 7),
        category_code  text not null,
        section_code   text not null,
        township       text not null,
        channel        text not null,
        confidential   boolean not null,
        lo             date not null,
        hi             date not null check (hi >= lo + 2),
        n              bigint not null,
        primary key (kind, level, category_code, section_code, township, channel, confidential, lo, hi) include (n)
    );
    create index metrics_spans_around on metrics_spans using gist (daterange(lo, hi, '[]'));

    create or replace function metrics_rebuild() returns void
    language sql as $rebuild$
        truncate metrics_changes, metrics_facts, metrics_spans;
        insert into metrics_changes (sign, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at, evaluated_at,
                                     review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction, support_count,
                                     latitude, longitude, decide_hours, resolve_hours)
        select 1, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at, evaluated_at,
               review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction, support_count,
               latitude, longitude, decide_hours, resolve_hours
        from complaints;
    $rebuild$;

    -- The API reads the counters and folds the log, deleting what it folded (as 0005 and 0018 allow).
    if exists (select from pg_roles where rolname = 'feedback_api') then
        grant select, insert, update on metrics_changes, metrics_facts, metrics_spans to feedback_api;
        grant delete on metrics_changes to feedback_api;
    end if;

    perform metrics_rebuild();
end;
$migration$;

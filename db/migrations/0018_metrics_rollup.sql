-- The leadership metrics from counters kept per day and per month instead of from every case on
-- every request (README, Metrics, "How the figures are stored"): at 1,000,000 cases a year's summary
-- read the whole table and took 7 s.
--
-- Writing a case never touches a counter, so concurrent submissions never wait for one another on
-- one: a trigger appends the case as it was (sign -1) and as it is now (+1) to metrics_changes, and
-- the API folds that log into the counters a few times a minute (MetricsFolder). A request adds the
-- log's rows not folded yet, so every figure is as fresh as the last commit. Which counters a case
-- feeds is decided in one place, MetricsFacts in the API.

-- A case, as the figures see it: the columns of complaints they read, copied as they are (the API
-- turns instants into the bureau's days as it folds and reads).
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
-- Folding deletes every row it reads, and a request reads the whole log: vacuumed after every
-- 10,000 folded rows, not after a fifth of the table (the default), so that a folded log, however
-- long it was, reads as empty again within a minute or so.
alter table metrics_changes set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);

-- The counters: a fact (MetricsFacts in the API) counted n times on a day, or in a calendar month
-- (day = its first day). Each case is counted at five levels, so that a request reads a few rows
-- a day however many categories and townships there are: 1 by section and category, 2 by section,
-- 3 for the bureau, 4 by section and township, 5 by township, 6 by section and channel, 7 by
-- channel ('' where the level does not split; a case without a township counts under ''). Every
-- level is split by whether the category is confidential (conduct). What no level keeps (two of
-- category, township and channel at once) the API counts from the cases.
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
    -- With n in the index, a request reads the index alone (in key order), not a heap page per row.
    primary key (level, grain, day, category_code, section_code, township, channel, confidential, fact) include (n)
);

-- Pairs of days a "counted once if either day is in the period" figure depends on (the response
-- rate's decision and acceptance deadline…), kept only when they are two days apart or more: a
-- period lying strictly inside such a pair is the one case the day counters cannot tell apart.
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

create function metrics_log(c complaints, sign smallint) returns void
language sql as $$
    insert into metrics_changes (sign, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at, evaluated_at,
                                 review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction, support_count,
                                 latitude, longitude, decide_hours, resolve_hours)
    values (sign, c.section_code, c.category_code, c.township, c.channel, c.status, c.submitted_at, c.decided_at, c.resolved_at, c.evaluated_at,
            c.review_requested_at, c.accept_by, c.resolve_by, c.evaluation_solved, c.evaluation_satisfaction, c.support_count,
            c.latitude, c.longitude, c.decide_hours, c.resolve_hours)
$$;

create function metrics_changes_track() returns trigger
language plpgsql as $$
begin
    if tg_op <> 'INSERT' then
        perform metrics_log(old, -1::smallint);
    end if;
    if tg_op <> 'DELETE' then
        perform metrics_log(new, 1::smallint);
    end if;
    return null;
end;
$$;

-- Emptying the cases (the tests do) empties the counters.
create function metrics_clear() returns trigger
language plpgsql as $$
begin
    truncate metrics_changes, metrics_facts, metrics_spans;
    return null;
end;
$$;

-- Every case again, from nothing: after this migration, and when the bureau's time zone changes
-- (DatabaseMigrator), since the days depend on it.
create function metrics_rebuild() returns void
language sql as $$
    truncate metrics_changes, metrics_facts, metrics_spans;
    insert into metrics_changes (sign, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at, evaluated_at,
                                 review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction, support_count,
                                 latitude, longitude, decide_hours, resolve_hours)
    select 1, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at, evaluated_at,
           review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction, support_count,
           latitude, longitude, decide_hours, resolve_hours
    from complaints;
$$;

lock table complaints in share mode;

create trigger metrics_changes_on_insert_or_delete
    after insert or delete on complaints
    for each row execute function metrics_changes_track();

-- Most updates (a note, a reminder, a new address text) change nothing the figures count.
create trigger metrics_changes_on_update
    after update on complaints
    for each row
    when ((old.section_code, old.category_code, old.township, old.channel, old.latitude, old.longitude, old.status, old.submitted_at, old.decided_at, old.resolved_at, old.evaluated_at,
           old.review_requested_at, old.accept_by, old.resolve_by, old.evaluation_solved, old.evaluation_satisfaction, old.support_count)
          is distinct from
          (new.section_code, new.category_code, new.township, new.channel, new.latitude, new.longitude, new.status, new.submitted_at, new.decided_at, new.resolved_at, new.evaluated_at,
           new.review_requested_at, new.accept_by, new.resolve_by, new.evaluation_solved, new.evaluation_satisfaction, new.support_count))
    execute function metrics_changes_track();

create trigger metrics_changes_on_truncate
    after truncate on complaints
    for each statement execute function metrics_clear();

-- Also under session_replication_role = replica: bulk loads (COPY) and the tests' resets.
alter table complaints enable always trigger metrics_changes_on_insert_or_delete;
alter table complaints enable always trigger metrics_changes_on_update;
alter table complaints enable always trigger metrics_changes_on_truncate;

select metrics_rebuild();

-- The API folds the log: it deletes what it folded.
do $$
begin
    if exists (select from pg_roles where rolname = 'feedback_api') then
        grant delete on metrics_changes to feedback_api;
    end if;
end;
$$;

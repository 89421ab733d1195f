-- The leadership metrics' counters as one row per combination of dimensions and day, ISO week or
-- month, every fact a column, instead of a row per fact at seven levels (0018). At a million cases
-- a year by category read 100,000 rows of 0018's counters, a category with a township had no level
-- and was counted from the cases (over a second), and the first fold after a bulk load took six
-- minutes. docs/metrics.md, "How the figures are stored", says how these are read and written;
-- MetricsCounters and MetricsFacts in the API are the other half of this layout.
--
-- The change log (metrics_changes, 0018/0019) and its triggers stay as they are.

drop table metrics_facts, metrics_spans;

-- A combination: a level (which of section 1, category 2, township 4 and channel 8 it splits by,
-- summed) with the values of those ('' for the others; a case without a township is under '' too),
-- and whether the category is confidential (conduct), which a section head's figures leave out.
-- Ids are given by the folder, which alone writes here (one at a time). longest_reach: the longest
-- reach of its spans (metrics_spans) so far, so that a request looks for no longer ones.
create table metrics_combinations (
    id             int primary key,
    level          smallint not null check (level between 0 and 15),
    section_code   text not null,
    category_code  text not null,
    township       text not null,
    channel        text not null,
    confidential   boolean not null,
    longest_reach  smallint not null default 0,
    unique (level, section_code, category_code, township, channel, confidential)
);

-- The facts of a combination's cases counted on a day (grain 'd'), an ISO week ('w', day = its
-- Monday), a calendar month ('m', day = its first day) or a calendar year ('y', day = 1 January);
-- null where none. The hours to decide and
-- to resolve are counted by step (MetricsFacts.HourSteps) as pairs: step, count, step, count…;
-- short_spans (day rows only) likewise, see metrics_spans.
create table metrics_counts (
    combination               int not null,
    grain                     "char" not null check (grain in ('d', 'w', 'm', 'y')),
    day                       date not null,
    volume                    int,
    merged                    int,
    accepted                  int,
    rejected                  int,
    awaiting_decision         int,
    supports                  int,
    pinned                    int,
    latitude_micro            bigint,
    longitude_micro           bigint,
    finished                  int,
    decided                   int,
    resolved                  int,
    resolved_on_time          int,
    evaluations               int,
    solved                    int,
    satisfied                 int,
    basically_satisfied       int,
    reviews                   int,
    response_on_time_first    int,
    response_on_time_from     int,
    response_on_time_until    int,
    response_first            int,
    response_from             int,
    response_until            int,
    response_due              int,
    on_time_first             int,
    on_time_from              int,
    on_time_until             int,
    on_time_due               int,
    review_base_first         int,
    review_base_from          int,
    review_base_until         int,
    overdue_first             int,
    overdue_from              int,
    overdue_until             int,
    decide_steps              int[],
    resolve_steps             int[],
    short_spans               int[],
    -- Day first: a fold writes the rows day by day, so they go to the end of the index.
    primary key (grain, day, combination)
);

-- Pairs of days two or more apart that a "counted once if either day is in the period" figure
-- depends on (MetricsFacts.Union; kind = its first fact): a period lying strictly between them is
-- the one case the day counters cannot tell apart. Those less than a week long are counted on
-- their first day's counter row (short_spans: kind and length, count; MetricsCounters.ShortSpanCode);
-- the longer ones here, by reach, the power of two the length falls in (hi - lo in
-- 2^reach .. 2^(reach+1) - 1), so that those around a period are found among the few of each reach
-- that start close enough before it.
create table metrics_spans (
    combination  int not null,
    reach        smallint not null,
    lo           date not null,
    hi           date not null check (hi >= lo + 2),
    kind         smallint not null,
    n            int not null,
    primary key (combination, reach, lo, hi, kind) include (n)
);

-- A fold into counters that already hold rows writes its sums here first, then adds them in one
-- statement. Rebuilt from the log if lost, hence unlogged.
create unlogged table metrics_fold_counts (like metrics_counts);
create unlogged table metrics_fold_spans (like metrics_spans);

-- Two lists of counts by index (index, count, index, count…: hour steps, short spans) added up.
create function metrics_add_steps(a int[], b int[]) returns int[]
language sql immutable parallel safe as $$
    select array_agg(v order by step, part)
    from (
        select step, sum(n)::int as n
        from (
            select a[i] as step, a[i + 1] as n from generate_series(1, coalesce(array_length(a, 1), 0), 2) as i
            union all
            select b[i], b[i + 1] from generate_series(1, coalesce(array_length(b, 1), 0), 2) as i
        ) as pairs
        group by step
        having sum(n) <> 0
    ) as added
    cross join lateral (values (1, step), (2, n)) as x (part, v)
$$;

-- Emptying the cases (the tests do) empties the counters.
create or replace function metrics_clear() returns trigger
language plpgsql as $$
begin
    truncate metrics_changes, metrics_counts, metrics_spans, metrics_combinations;
    return null;
end;
$$;

-- Every case again, from nothing: after this migration, and when the bureau's time zone changes
-- (DatabaseMigrator), since the days depend on it.
create or replace function metrics_rebuild() returns void
language sql as $$
    truncate metrics_changes, metrics_counts, metrics_spans, metrics_combinations;
    insert into metrics_changes (sign, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at, evaluated_at,
                                 review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction, support_count,
                                 latitude, longitude, decide_hours, resolve_hours)
    select 1, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at, evaluated_at,
           review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction, support_count,
           latitude, longitude, decide_hours, resolve_hours
    from complaints;
$$;

select metrics_rebuild();

-- The folder empties its staging tables at the start of each fold.
do $$
begin
    if exists (select from pg_roles where rolname = 'feedback_api') then
        grant truncate on metrics_fold_counts, metrics_fold_spans to feedback_api;
    end if;
end;
$$;

-- The leadership metrics' hours to decide and to resolve (issue 5), kept on the case when it is
-- decided or resolved instead of being worked out for every case on every request: at 1,000,000
-- cases that took 5 of the 6 seconds of a year's summary (README, Performance). A working day counts
-- its 24 hours in the bureau's time zone, a day off none (migration 0015's working_days). Like a
-- deadline, a stored duration is not rewritten when the calendar is edited later.

-- The bureau's time zone for the database's own date arithmetic; the migrator writes
-- FEEDBACK_TIME_ZONE here each time the API starts.
create table bureau_settings (
    only_row   boolean primary key default true check (only_row),
    time_zone  text not null
);
insert into bureau_settings (time_zone) values ('Asia/Shanghai');

-- Working hours from one instant to a later one; null when either is null (or beyond working_days).
-- Two primary-key look-ups: as a plain SQL join the planner read all of working_days per call.
create function working_hours_between(started timestamptz, ended timestamptz) returns double precision
language plpgsql stable as $$
declare
    zone text;
    first_day working_days;
    last_day working_days;
begin
    if started is null or ended is null then
        return null;
    end if;
    select time_zone into zone from bureau_settings;
    select * into first_day from working_days where day = (started at time zone zone)::date;
    select * into last_day from working_days where day = (ended at time zone zone)::date;
    return (24 * last_day.ordinal + case when last_day.working then extract(epoch from (ended at time zone zone)::time) / 3600 else 0 end)
         - (24 * first_day.ordinal + case when first_day.working then extract(epoch from (started at time zone zone)::time) / 3600 else 0 end);
end;
$$;

alter table complaints
    add column decide_hours   double precision,
    add column resolve_hours  double precision;

create function complaints_working_hours() returns trigger
language plpgsql as $$
begin
    new.decide_hours := working_hours_between(new.submitted_at, new.decided_at);
    new.resolve_hours := working_hours_between(new.submitted_at, new.resolved_at);
    return new;
end;
$$;

create trigger complaints_working_hours
    before insert or update of submitted_at, decided_at, resolved_at on complaints
    for each row execute function complaints_working_hours();
-- Also under session_replication_role = replica, so bulk loads (COPY) get their hours too.
alter table complaints enable always trigger complaints_working_hours;

update complaints set decided_at = decided_at where decided_at is not null or resolved_at is not null;

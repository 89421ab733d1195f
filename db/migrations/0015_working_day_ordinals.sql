-- Leadership metrics (issue 5) measure the time to decide and to resolve in working hours: each
-- working day counts its 24 hours, a day off counts none. To subtract two instants in working
-- hours without walking the calendar case by case, every day from 2015 to 2060 carries whether it
-- is worked and how many working days came before it; then
--   working hours up to t = 24 × ordinal(local day of t) + (hours since local midnight, if that day is worked)
-- and a duration is the difference of two of these: two hash-join lookups per case.
-- calendar_days (migration 0004) stays the one place where holidays and make-up days are edited;
-- this table follows it through a trigger.
create table working_days (
    day      date primary key,
    working  boolean not null,
    ordinal  int not null
);

insert into working_days (day, working, ordinal)
select day::date, false, -1 from generate_series(date '2015-01-01', date '2060-12-31', interval '1 day') as day;

-- Recomputes every day from calendar_days; only the rows that change are written.
create function recompute_working_days() returns void
language sql as $$
    update working_days w set working = n.working, ordinal = n.ordinal
    from (
        select day, working, (count(*) filter (where working) over (order by day))::int - working::int as ordinal
        from (
            select d.day,
                   case c.kind when 'holiday' then false when 'workday' then true else extract(isodow from d.day) < 6 end as working
            from working_days d left join calendar_days c on c.day = d.day
        ) days
    ) n
    where n.day = w.day and (w.working, w.ordinal) is distinct from (n.working, n.ordinal);
$$;

create function working_days_follow_calendar() returns trigger
language plpgsql as $$
begin
    perform recompute_working_days();
    return null;
end;
$$;

create trigger calendar_days_refresh_working_days
    after insert or update or delete or truncate on calendar_days
    for each statement execute function working_days_follow_calendar();

select recompute_working_days();

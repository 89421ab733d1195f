-- Cases per section, category and status, kept by triggers, so that the queue's counts per status
-- (GET /api/v1/staff/complaints without row filters) sum a few hundred counters instead of counting
-- a section's whole history. At 1,000,000 cases (make bench) counting the enforcement brigade's
-- 735,000 rows took 550-600 ms as a parallel sequential scan, and still 110-160 ms as an
-- index-only scan on a (section_code, status, category_code) index; summing these counters takes
-- well under a millisecond. See README, Performance.
--
-- Each (section, category, status) is spread over 16 slots, one per database session (its process
-- id modulo 16), so concurrent transactions seldom wait for one another's counter row; a slot may go
-- below zero, only the sum counts. Counters that reach zero stay. Row triggers do not fire under
-- session_replication_role = replica (bulk loads, restores): whoever writes complaints that way
-- rebuilds the counters with the statement at the end of this file.
create table complaint_counts (
    section_code   text     not null,
    category_code  text     not null,
    status         text     not null,
    slot           smallint not null,
    n              bigint   not null,
    primary key (section_code, category_code, status, slot)
);

create function complaint_counts_track() returns trigger
language plpgsql as $$
declare
    my_slot smallint := pg_backend_pid() % 16;
begin
    if tg_op = 'INSERT' then
        insert into complaint_counts as t values (new.section_code, new.category_code, new.status, my_slot, 1)
        on conflict (section_code, category_code, status, slot) do update set n = t.n + 1;
    elsif tg_op = 'DELETE' then
        insert into complaint_counts as t values (old.section_code, old.category_code, old.status, my_slot, -1)
        on conflict (section_code, category_code, status, slot) do update set n = t.n - 1;
    else
        -- Both counters in key order, so two transactions never wait for each other in a cycle.
        insert into complaint_counts as t
        select d.* from (values (old.section_code, old.category_code, old.status, my_slot, -1::bigint),
                                (new.section_code, new.category_code, new.status, my_slot, 1::bigint)) as d
        order by 1, 2, 3
        on conflict (section_code, category_code, status, slot) do update set n = t.n + excluded.n;
    end if;
    return null;
end;
$$;

create function complaint_counts_clear() returns trigger
language plpgsql as $$
begin
    truncate complaint_counts;
    return null;
end;
$$;

lock table complaints in share mode;

create trigger complaint_counts_on_insert
    after insert on complaints
    for each row execute function complaint_counts_track();

create trigger complaint_counts_on_update
    after update of section_code, category_code, status on complaints
    for each row
    when (old.section_code is distinct from new.section_code or old.category_code is distinct from new.category_code
          or old.status is distinct from new.status)
    execute function complaint_counts_track();

create trigger complaint_counts_on_delete
    after delete on complaints
    for each row execute function complaint_counts_track();

-- Fires even under session_replication_role = replica, as when the tests empty the tables.
create trigger complaint_counts_on_truncate
    after truncate on complaints
    for each statement execute function complaint_counts_clear();
alter table complaints enable always trigger complaint_counts_on_truncate;

-- The counters of the cases already there, in slot 0 (also how to rebuild them after a bulk load,
-- once the table is emptied).
insert into complaint_counts (section_code, category_code, status, slot, n)
select section_code, category_code, status, 0, count(*)
from complaints
group by 1, 2, 3;

-- Two triggers on complaints made cheaper; what they keep stays the same.
--
-- 1. The status counters' slot comes from the transaction id instead of the session's process id.
-- With the process id modulo 16, two pooled connections whose ids share a remainder shared every
-- counter row for as long as both lived: each submission on one waited for the other's commit. Under
-- load (make bench ONLY=profile) the counters' upsert then spent 4.2 ms a submission waiting, two
-- thirds of the statement's time. Transaction ids in flight at once are nearly consecutive, so they
-- seldom share a remainder, and when two do, the next transactions do not. What is counted does not
-- change: readers sum every slot.
create or replace function complaint_counts_follow() returns trigger
language plpgsql as $$
declare
    my_slot smallint := txid_current() % 16;
begin
    -- Each operation sees only its own transition tables, hence one statement per operation.
    if tg_op = 'INSERT' then
        insert into complaint_counts as t (section_code, category_code, status, slot, n)
        select section_code, category_code, status, my_slot, count(*) from new_rows
        group by 1, 2, 3 order by 1, 2, 3
        on conflict (section_code, category_code, status, slot) do update set n = t.n + excluded.n;
    elsif tg_op = 'DELETE' then
        insert into complaint_counts as t (section_code, category_code, status, slot, n)
        select section_code, category_code, status, my_slot, -count(*) from old_rows
        group by 1, 2, 3 order by 1, 2, 3
        on conflict (section_code, category_code, status, slot) do update set n = t.n + excluded.n;
    else
        insert into complaint_counts as t (section_code, category_code, status, slot, n)
        select section_code, category_code, status, my_slot, sum(change)
        from (select section_code, category_code, status, 1 as change from new_rows
              union all
              select section_code, category_code, status, -1 from old_rows) changes
        group by 1, 2, 3 having sum(change) <> 0 order by 1, 2, 3
        on conflict (section_code, category_code, status, slot) do update set n = t.n + excluded.n;
    end if;
    return null;
end;
$$;

-- 2. The working hours are computed only when there is something to compute: a case that has been
-- neither decided nor resolved, and has no hours to clear, has none (a new case above all). The
-- function ran twice on every insert for nothing: 0.05 ms of the submission's statement.
drop trigger complaints_working_hours on complaints;
create trigger complaints_working_hours
    before insert or update of submitted_at, decided_at, resolved_at on complaints
    for each row
    when (new.decided_at is not null or new.resolved_at is not null or new.decide_hours is not null or new.resolve_hours is not null)
    execute function complaints_working_hours();
alter table complaints enable always trigger complaints_working_hours;

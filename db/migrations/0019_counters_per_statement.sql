-- The case counters (migration 0006) and the metrics change log (0018) written once per statement,
-- from the statement's transition tables, instead of once per row.
--
-- Per row, a statement touching many cases (a bulk update, a bulk load) rewrote the same counter row
-- once per case inside one transaction; each rewrite walked past every version the transaction had
-- already written, so the cost grew with the square of the rows: 25,000 cases inserted at once spent
-- 3.5 s in the counters. Per statement, each (section, category, status) counter changes once and the
-- change log takes one INSERT … SELECT. (The per-row metrics trigger also called an SQL function,
-- which PostgreSQL parses again on every call.) What is counted does not change.

drop trigger complaint_counts_on_insert on complaints;
drop trigger complaint_counts_on_update on complaints;
drop trigger complaint_counts_on_delete on complaints;
drop trigger metrics_changes_on_insert_or_delete on complaints;
drop trigger metrics_changes_on_update on complaints;
drop function complaint_counts_track();
drop function metrics_changes_track();
drop function metrics_log(complaints, smallint);

-- The statement's net change to each counter, added in this session's slot (one slot per session, so
-- concurrent transactions seldom wait for one another's row) and in key order (so two transactions
-- never wait for each other in a cycle). An update that moves no case between counters writes nothing.
create function complaint_counts_follow() returns trigger
language plpgsql as $$
declare
    my_slot smallint := pg_backend_pid() % 16;
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

create trigger complaint_counts_on_insert
    after insert on complaints referencing new table as new_rows
    for each statement execute function complaint_counts_follow();
create trigger complaint_counts_on_update
    after update on complaints referencing old table as old_rows new table as new_rows
    for each statement execute function complaint_counts_follow();
create trigger complaint_counts_on_delete
    after delete on complaints referencing old table as old_rows
    for each statement execute function complaint_counts_follow();

-- The cases as the figures see them: as they were (sign -1) and as they are now (+1). An update
-- that changes none of the columns the figures read logs nothing.
create function metrics_changes_follow() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into metrics_changes (sign, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at,
                                     evaluated_at, review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction,
                                     support_count, latitude, longitude, decide_hours, resolve_hours)
        select 1, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at,
               evaluated_at, review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction,
               support_count, latitude, longitude, decide_hours, resolve_hours
        from new_rows;
    elsif tg_op = 'DELETE' then
        insert into metrics_changes (sign, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at,
                                     evaluated_at, review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction,
                                     support_count, latitude, longitude, decide_hours, resolve_hours)
        select -1, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at,
               evaluated_at, review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction,
               support_count, latitude, longitude, decide_hours, resolve_hours
        from old_rows;
    else
        insert into metrics_changes (sign, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at,
                                     evaluated_at, review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction,
                                     support_count, latitude, longitude, decide_hours, resolve_hours)
        with changed as (
            select o.id
            from old_rows o join new_rows n on n.id = o.id
            where (o.section_code, o.category_code, o.township, o.channel, o.latitude, o.longitude, o.status, o.submitted_at, o.decided_at,
                   o.resolved_at, o.evaluated_at, o.review_requested_at, o.accept_by, o.resolve_by, o.evaluation_solved,
                   o.evaluation_satisfaction, o.support_count)
                  is distinct from
                  (n.section_code, n.category_code, n.township, n.channel, n.latitude, n.longitude, n.status, n.submitted_at, n.decided_at,
                   n.resolved_at, n.evaluated_at, n.review_requested_at, n.accept_by, n.resolve_by, n.evaluation_solved,
                   n.evaluation_satisfaction, n.support_count)
        )
        select -1, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at,
               evaluated_at, review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction,
               support_count, latitude, longitude, decide_hours, resolve_hours
        from old_rows where id in (select id from changed)
        union all
        select 1, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at,
               evaluated_at, review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction,
               support_count, latitude, longitude, decide_hours, resolve_hours
        from new_rows where id in (select id from changed);
    end if;
    return null;
end;
$$;

create trigger metrics_changes_on_insert
    after insert on complaints referencing new table as new_rows
    for each statement execute function metrics_changes_follow();
create trigger metrics_changes_on_update
    after update on complaints referencing old table as old_rows new table as new_rows
    for each statement execute function metrics_changes_follow();
create trigger metrics_changes_on_delete
    after delete on complaints referencing old table as old_rows
    for each statement execute function metrics_changes_follow();
-- Also under session_replication_role = replica: bulk loads (COPY) and the tests' resets.
alter table complaints enable always trigger metrics_changes_on_insert;
alter table complaints enable always trigger metrics_changes_on_update;
alter table complaints enable always trigger metrics_changes_on_delete;

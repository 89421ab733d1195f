-- Staff are told by email of the cases that need them: each chooses, per kind, whether to be
-- told, and the hour at which non-urgent news arrives as one digest.
alter table staff_users
    add column email text check (char_length(email) between 3 and 254),
    add column digest_hour smallint not null default 8 check (digest_hour between 0 and 23);

-- A choice that differs from the kind's default for the user's role; no row, the default.
create table staff_notification_preferences (
    user_id  bigint not null references staff_users (id),
    kind     text not null check (kind ~ '^[a-z][a-z_]{0,39}$'),
    enabled  boolean not null,
    primary key (user_id, kind)
);

alter table notifications
    add column staff_user_id bigint references staff_users (id),
    -- Held for the recipient's digest (next_attempt_at is their digest hour) and sent together with the others due then.
    add column digest boolean not null default false;

-- "Due soon" is told once per deadline, as the overdue reminder is (reminded_for).
alter table complaints add column due_soon_notified_for date;

create index notifications_by_staff_user on notifications (staff_user_id) where staff_user_id is not null;

do $$
begin
    if exists (select from pg_roles where rolname = 'feedback_api') then
        -- A preference switched back to the default is removed.
        grant delete on staff_notification_preferences to feedback_api;
    end if;
end;
$$;

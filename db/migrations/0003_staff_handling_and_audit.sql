-- Staff accounts and their sessions, the security audit log, routing rules, and what a case
-- needs while a section handles it (deadlines, assignee, extension, merge, full-text search).

create table staff_users (
    id             bigint generated always as identity primary key,
    username       text not null unique check (username ~ '^[a-z][a-z0-9._-]{1,31}$'),
    display_name   text not null check (char_length(display_name) between 1 and 50),
    role           text not null check (role in ('staff', 'section_head', 'discipline', 'leader', 'admin')),
    section_code   text references sections (code),
    -- "pbkdf2-sha512$iterations$salt$hash": the iteration count travels with the hash so it can be raised.
    password_hash  text not null,
    active         boolean not null default true,
    failed_logins  int not null default 0 check (failed_logins >= 0),
    locked_until   timestamptz,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    version        int not null default 1 check (version >= 1),
    -- Clerks and heads belong to one section; discipline inspectors to discipline inspection;
    -- leaders and administrators to none.
    constraint staff_users_section check (case role
        when 'staff' then section_code is not null
        when 'section_head' then section_code is not null
        when 'discipline' then section_code = 'discipline'
        else section_code is null end)
);

create index staff_users_section on staff_users (section_code, username);

-- A sign-in. Access tokens name their session, and every request checks it is still open, so
-- logout, a password change or a disabled account ends access at once, not when the token expires.
create table staff_sessions (
    id              uuid primary key,
    user_id         bigint not null references staff_users (id),
    created_at      timestamptz not null,
    expires_at      timestamptz not null,
    revoked_at      timestamptz,
    revoked_reason  text check (revoked_reason in ('logout', 'refresh_token_reused', 'password_changed', 'account_changed'))
);

create index staff_sessions_open on staff_sessions (user_id) where revoked_at is null;

-- Refresh tokens rotate: each is used once. Only a SHA-256 of the token is stored.
create table refresh_tokens (
    token_hash  bytea primary key check (octet_length(token_hash) = 32),
    session_id  uuid not null references staff_sessions (id),
    issued_at   timestamptz not null,
    used_at     timestamptz
);

create index refresh_tokens_session on refresh_tokens (session_id);

-- Who did what, from where, to what, and why; also every failed login and refused request.
-- Never passwords, tokens or citizens' contact details.
create table audit_log (
    id              bigint generated always as identity primary key,
    occurred_at     timestamptz not null,
    actor_id        bigint references staff_users (id),
    actor_username  text check (char_length(actor_username) <= 64),
    actor_role      text,
    ip              inet,
    action          text not null check (action ~ '^[a-z_]+(\.[a-z_]+)*$'),
    outcome         text not null check (outcome in ('succeeded', 'denied', 'failed')),
    target_kind     text,
    target_id       text,
    before          jsonb,
    after           jsonb,
    reason          text check (char_length(reason) <= 4000)
);

create index audit_log_occurred on audit_log (occurred_at desc);
create index audit_log_target on audit_log (target_kind, target_id, occurred_at desc);

-- One refusal for every append-only table, naming the table.
create or replace function reject_timeline_change() returns trigger
language plpgsql as $$
begin
    raise exception '% is append-only: % is not allowed', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_log_append_only
    before update or delete on audit_log
    for each row execute function reject_timeline_change();

create trigger audit_log_no_truncate
    before truncate on audit_log
    for each statement execute function reject_timeline_change();

-- Ordered routing rules: the first active rule whose conditions all hold picks the section.
create table routing_rules (
    id             bigint generated always as identity primary key,
    position       int not null check (position >= 1),
    name           text not null check (char_length(name) between 1 and 100),
    category_code  text references categories (code),
    group_code     text references category_groups (code),
    township       text check (char_length(township) between 1 and 50),
    -- Any one of them appearing in the description is enough.
    keywords       text[] not null default '{}' check (cardinality(keywords) <= 20),
    section_code   text not null references sections (code),
    active         boolean not null default true,
    updated_at     timestamptz not null,
    version        int not null default 1 check (version >= 1),
    constraint routing_rules_has_a_condition
        check (category_code is not null or group_code is not null or township is not null or cardinality(keywords) > 0)
);

alter table complaints
    -- Set on acceptance; moved by an approved extension.
    add column resolve_by        date,
    -- The deadline that matters now: accept_by until decided, then resolve_by. Kept after the case
    -- ends, so the queue can sort every case by one indexed column.
    add column due_on            date,
    add column assignee_id       bigint references staff_users (id),
    add column decided_at        timestamptz,
    add column resolved_at       timestamptz,
    add column extension_status  text check (extension_status in ('requested', 'approved', 'refused')),
    add column extension_days    int check (extension_days between 1 and 30),
    add column extension_reason  text check (char_length(extension_reason) between 1 and 1000),
    add column merged_into_id    bigint references complaints (id) check (merged_into_id <> id),
    -- Overlapping character bigrams of the description, address and township (see ComplaintSearch).
    add column search_vector     tsvector not null default '',
    add constraint complaints_merged_points_somewhere check ((status = 'merged') = (merged_into_id is not null));

update complaints set due_on = accept_by;
alter table complaints alter column due_on set not null;

create index complaints_queue_by_due on complaints (section_code, due_on, id);
create index complaints_queue_by_newest on complaints (section_code, submitted_at desc, id desc);
create index complaints_by_due on complaints (due_on, id);
create index complaints_by_newest on complaints (submitted_at desc, id desc);
create index complaints_open_by_due on complaints (due_on) where status in ('submitted', 'accepted', 'in_progress');
create index complaints_assignee on complaints (assignee_id) where assignee_id is not null;
create index complaints_search on complaints using gin (search_vector);

alter table complaint_events drop constraint complaint_events_type_check;
alter table complaint_events add constraint complaint_events_type_check check (type in (
    'submitted', 'routed', 'accepted', 'rejected', 'assigned', 'transferred', 'note', 'reply',
    'extension_requested', 'extension_approved', 'extension_refused', 'resolved', 'merged', 'reminder'));

-- At most one 督办 reminder per case and missed deadline, however many API instances look.
create unique index complaint_events_one_reminder_per_deadline
    on complaint_events (complaint_id, (data ->> 'deadline'), (data ->> 'due'))
    where type = 'reminder';

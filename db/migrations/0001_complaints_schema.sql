-- Sections, categories, complaints and their append-only timeline.
-- Enumerations are text with CHECK constraints so a new value is one ALTER, not a type migration.

create table sections (
    code        text primary key check (code ~ '^[a-z][a-z_]{1,31}$'),
    name_zh     text not null check (length(name_zh) between 1 and 50),
    name_en     text not null check (length(name_en) between 1 and 80),
    sort_order  int  not null default 0
);

create table category_groups (
    code          text primary key check (code ~ '^[a-z][a-z_]{1,31}$'),
    name_zh       text not null check (length(name_zh) between 1 and 50),
    name_en       text not null check (length(name_en) between 1 and 80),
    -- Confidential groups (staff conduct) are handled by discipline inspection only and never published.
    confidential  boolean not null default false,
    sort_order    int  not null default 0
);

create table categories (
    code                  text primary key check (code ~ '^[a-z]+(\.[a-z]+)?$'),
    group_code            text not null references category_groups (code),
    name_zh               text not null check (length(name_zh) between 1 and 50),
    name_en               text not null check (length(name_en) between 1 and 80),
    description_zh        text not null check (length(description_zh) between 1 and 200),
    description_en        text not null check (length(description_en) between 1 and 300),
    default_section_code  text not null references sections (code),
    -- Legal clocks in working days: never beyond the 60 days of the Regulations on Letters and Visits.
    accept_within_days    int  not null default 2  check (accept_within_days between 1 and 15),
    resolve_within_days   int  not null default 15 check (resolve_within_days between 1 and 60),
    active                boolean not null default true,
    sort_order            int  not null default 0
);

create table complaints (
    id                   bigint generated always as identity primary key,
    -- 12 characters from an alphabet without 0/O, 1/I/L: unguessable, easy to read aloud.
    tracking_code        text not null unique check (tracking_code ~ '^[2-9A-HJKMNP-Z]{12}$'),
    -- Versioned salted hash ("v1$salt$hash"); the password itself is never stored.
    query_password_hash  text not null,
    category_code        text not null references categories (code),
    description          text not null check (char_length(description) between 1 and 4000),
    township             text check (char_length(township) between 1 and 50),
    address              text check (char_length(address) between 1 and 200),
    contact_name         text check (char_length(contact_name) between 1 and 50),
    contact_phone        text check (contact_phone ~ '^1[3-9][0-9]{9}$'),
    contact_email        text check (char_length(contact_email) between 3 and 254),
    channel              text not null default 'web' check (channel in ('web', 'phone', 'letter', 'visit')),
    status               text not null default 'submitted'
                         check (status in ('submitted', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected', 'merged')),
    section_code         text not null references sections (code),
    submitted_at         timestamptz not null,
    -- Deadlines are dates in the bureau's time zone: a decision on that day is on time.
    accept_by            date not null,
    updated_at           timestamptz not null,
    version              int  not null default 1 check (version >= 1)
);

create index complaints_section_status_submitted on complaints (section_code, status, submitted_at);

create table complaint_events (
    id            bigint generated always as identity primary key,
    complaint_id  bigint not null references complaints (id),
    type          text not null check (type in ('submitted')),
    -- Citizens see public events; staff also see internal ones.
    visibility    text not null check (visibility in ('public', 'internal')),
    actor_kind    text not null check (actor_kind in ('citizen', 'staff', 'system')),
    actor_id      text,
    message       text check (char_length(message) <= 4000),
    data          jsonb not null default '{}',
    occurred_at   timestamptz not null
);

create index complaint_events_complaint on complaint_events (complaint_id, id);

-- The timeline is evidence: the database itself refuses to change or remove it.
create function reject_timeline_change() returns trigger
language plpgsql as $$
begin
    raise exception 'complaint_events is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger complaint_events_append_only
    before update or delete on complaint_events
    for each row execute function reject_timeline_change();

create trigger complaint_events_no_truncate
    before truncate on complaint_events
    for each statement execute function reject_timeline_change();

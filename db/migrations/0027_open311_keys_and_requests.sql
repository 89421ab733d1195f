-- Other systems (a city's 12345 platform, a FixMyStreet-style site) file cases through Open311
-- GeoReport v2 with a key an administrator issued. The key is a random secret of 160 bits, so its
-- SHA-256 is enough to store; its first characters name it in lists and in the audit log.
create table open311_keys (
    id                   bigint generated always as identity primary key,
    name                 text not null check (char_length(name) between 1 and 50),
    key_hash             bytea not null unique check (length(key_hash) = 32),
    key_prefix           text not null check (char_length(key_prefix) between 4 and 16),
    requests_per_minute  integer not null check (requests_per_minute between 1 and 10000),
    created_at           timestamptz not null,
    -- Null for the demo key, seeded at start-up rather than by a person.
    created_by           bigint references staff_users (id),
    revoked_at           timestamptz,
    revoked_by           bigint references staff_users (id),
    last_used_at         timestamptz
);

-- Two live keys never share a name, so the queue's "filed through" is unambiguous.
create unique index open311_keys_live_name on open311_keys (name) where revoked_at is null;

alter table complaints drop constraint complaints_channel_check;
alter table complaints add constraint complaints_channel_check
    check (channel in ('web', 'phone', 'letter', 'visit', 'open311'));

-- What a case filed through Open311 brought besides the complaint itself: the key that filed it,
-- the caller's own references, and a link to its media (kept for staff, never fetched).
create table open311_requests (
    complaint_id  bigint primary key references complaints (id),
    key_id        bigint not null references open311_keys (id),
    device_id     text check (char_length(device_id) between 1 and 200),
    account_id    text check (char_length(account_id) between 1 and 200),
    media_url     text check (char_length(media_url) between 1 and 2000)
);

create index open311_requests_by_key on open311_requests (key_id);

-- Open311's audit actions ("open311.request", "open311_key.create") name the standard, digits included.
alter table audit_log drop constraint audit_log_action_check;
alter table audit_log add constraint audit_log_action_check check (action ~ '^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$');

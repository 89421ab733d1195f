-- What a citizen brings and does besides the description (issue 4): guided answers, a township from
-- a list, a map pin, photos, support for a similar case, supplements, the evaluation and a review.
-- Seed data for the new lists comes in 0010.

-- Townships (乡镇/街道) a citizen picks from. The official Chinese name is the key: complaints and
-- routing rules store it as text, as they did before the list existed.
create table townships (
    name_zh     text primary key check (char_length(name_zh) between 1 and 50),
    name_en     text not null check (char_length(name_en) between 1 and 80),
    sort_order  int  not null default 0,
    active      boolean not null default true,
    version     int  not null default 1 check (version >= 1)
);

-- Per-category guidance and extra questions, edited by administrators. Questions are read and
-- written as one document per category, so they are a JSON array on the category:
-- [{key, kind: choice|text, required, labelZh, labelEn, maxLength?, options?: [{value, zh, en}]}].
alter table categories
    add column guidance_zh  text check (char_length(guidance_zh) <= 500),
    add column guidance_en  text check (char_length(guidance_en) <= 800),
    -- Urgent categories (drinking-water sources) are flagged to staff from the first minute.
    add column urgent       boolean not null default false,
    add column questions    jsonb not null default '[]' check (jsonb_typeof(questions) = 'array'),
    add column version      int not null default 1 check (version >= 1);

alter table complaints
    -- The answers to the category's questions, {key: value}, validated by the API against them.
    add column answers                  jsonb not null default '{}' check (jsonb_typeof(answers) = 'object'),
    -- Copied from the category when filed, so a later edit of the category does not rewrite history.
    add column urgent                   boolean not null default false,
    add column latitude                 double precision check (latitude between -90 and 90),
    add column longitude                double precision check (longitude between -180 and 180),
    -- "Me too" from other citizens (complaint_supports), kept as a count for the queue.
    add column support_count            int not null default 0 check (support_count >= 0),
    -- The citizen's evaluation (回访评价), at most one per case; the comment is the event's message.
    add column evaluation_solved        text check (evaluation_solved in ('yes', 'partly', 'no')),
    add column evaluation_satisfaction  text check (evaluation_satisfaction in ('satisfied', 'basically_satisfied', 'dissatisfied')),
    add column evaluated_at             timestamptz,
    -- Set when the citizen asks for a review (复查): the case is flagged as a review from then on.
    add column review_requested_at      timestamptz,
    add column closed_at                timestamptz,
    add constraint complaints_pin_whole check ((latitude is null) = (longitude is null)),
    add constraint complaints_evaluation_whole check (
        (evaluated_at is null) = (evaluation_solved is null) and (evaluated_at is null) = (evaluation_satisfaction is null));

-- One support per case and device; the device token itself is never stored, only its SHA-256.
create table complaint_supports (
    complaint_id  bigint not null references complaints (id),
    device_hash   bytea  not null check (length(device_hash) = 32),
    supported_at  timestamptz not null,
    primary key (complaint_id, device_hash)
);

-- Uploaded photos. An upload belongs to the device that sent it until a complaint or a supplement
-- takes it; unattached uploads are deleted after 24 hours. The file lives in the blob store under
-- blob_name, never under a name the citizen chose.
create table photos (
    id            uuid primary key,
    device_hash   bytea not null check (length(device_hash) = 32),
    blob_name     text  not null unique check (blob_name ~ '^[a-z0-9][a-z0-9/_.-]{0,199}$'),
    content_type  text  not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
    byte_size     int   not null check (byte_size between 1 and 10485760),
    width         int   not null check (width > 0),
    height        int   not null check (height > 0),
    uploaded_at   timestamptz not null,
    complaint_id  bigint references complaints (id),
    attached_at   timestamptz,
    constraint photos_attached_whole check ((complaint_id is null) = (attached_at is null))
);

create index photos_of_complaint on photos (complaint_id, attached_at) where complaint_id is not null;
create index photos_unattached on photos (uploaded_at) where complaint_id is null;

-- Idempotency-Key of POST /complaints: the key and the request are kept as SHA-256 hashes, and
-- the 201 body without its query password (derived from the key; see SubmissionIdempotency).
-- Rows older than a day are forgotten.
create table idempotency_keys (
    key_hash      bytea  primary key check (length(key_hash) = 32),
    request_hash  bytea  not null check (length(request_hash) = 32),
    complaint_id  bigint not null references complaints (id),
    response      jsonb  not null,
    created_at    timestamptz not null
);

create index idempotency_keys_by_age on idempotency_keys (created_at);

-- Wrong query passwords, counted per tracking code typed (known or not, so a lock reveals nothing):
-- five lock that code's lookups for 15 minutes.
create table tracking_lookup_throttle (
    tracking_code  text primary key check (tracking_code ~ '^[2-9A-HJKMNP-Z]{12}$'),
    failures       int  not null default 0 check (failures >= 0),
    locked_until   timestamptz,
    updated_at     timestamptz not null
);

alter table complaint_events drop constraint complaint_events_type_check;
alter table complaint_events add constraint complaint_events_type_check check (type in (
    'submitted', 'routed', 'accepted', 'rejected', 'assigned', 'transferred', 'note', 'reply',
    'extension_requested', 'extension_approved', 'extension_refused', 'resolved', 'merged', 'reminder',
    'supplement', 'evaluated', 'review_requested', 'closed'));

-- Housekeeping forgets stale uploads, idempotency keys and lookup failures; townships are
-- administrators' data like routing rules. Nothing else new is ever deleted.
do $$
begin
    if exists (select from pg_roles where rolname = 'feedback_api') then
        grant delete on photos, idempotency_keys, tracking_lookup_throttle to feedback_api;
    end if;
end;
$$;

-- Notifications by SMS and email. The citizen consents per channel when submitting (notify_by);
-- a notice is written to the outbox in the transaction of the event that causes it, and a
-- background dispatcher on any instance delivers it, retrying with backoff, until it is sent or
-- given up (dead) for an administrator to see and retry.
alter table complaints
    add column notify_by text[] not null default '{}' check (notify_by <@ array['sms', 'email']::text[]),
    -- The language the citizen wrote in: their notices speak it.
    add column language text not null default 'zh-CN' check (language in ('zh-CN', 'en')),
    -- When the "evaluate before it closes" reminder was queued, so it is queued once.
    add column evaluation_reminded_at timestamptz,
    add constraint complaints_notify_by_has_contact check (
        (not 'sms' = any (notify_by) or contact_phone is not null)
        and (not 'email' = any (notify_by) or contact_email is not null));

-- An unsubscribe or a stop request finds the cases that send to the contact.
create index complaints_notified_phone on complaints (contact_phone) where notify_by <> '{}';
create index complaints_notified_email on complaints (lower(contact_email)) where notify_by <> '{}';

create table notifications (
    -- Random (not time-ordered): it is also the token of the message's unsubscribe link.
    id               uuid primary key default gen_random_uuid(),
    kind             text not null check (kind ~ '^[a-z][a-z_]{0,39}$'),
    channel          text not null check (channel in ('sms', 'email')),
    complaint_id     bigint references complaints (id),
    recipient        text not null check (char_length(recipient) between 3 and 254),
    language         text not null check (language in ('zh-CN', 'en')),
    -- What the message says, as facts (dates, codes); the wording is the kind's, in code.
    payload          jsonb not null default '{}',
    state            text not null default 'pending' check (state in ('pending', 'sending', 'sent', 'dead', 'cancelled')),
    attempts         int not null default 0 check (attempts >= 0),
    -- An administrator's retry of a dead message starts a new series of attempts: when, and after how many.
    retried_at       timestamptz,
    attempts_before_retry int not null default 0 check (attempts_before_retry between 0 and attempts),
    created_at       timestamptz not null,
    next_attempt_at  timestamptz not null,
    -- A claimed message belongs to one dispatcher until then; after it, another may take it.
    lease_until      timestamptz,
    sent_at          timestamptz,
    last_error       text check (char_length(last_error) <= 1000),
    provider_id      text check (char_length(provider_id) <= 200),
    check ((state = 'sent') = (sent_at is not null))
);

-- The dispatcher's claim: only what is waiting, in the order it is due.
create index notifications_due on notifications (next_attempt_at) where state in ('pending', 'sending');
create index notifications_by_complaint on notifications (complaint_id, created_at) where complaint_id is not null;
-- The administrator's list, newest first, and the delivery figures of the last days.
create index notifications_by_created on notifications (created_at desc, id desc);

create table notification_attempts (
    notification_id  uuid not null references notifications (id),
    number           int not null check (number >= 1),
    started_at       timestamptz not null,
    duration_ms      int not null check (duration_ms >= 0),
    outcome          text not null check (outcome in ('sent', 'retry', 'rejected')),
    error            text check (char_length(error) <= 1000),
    primary key (notification_id, number)
);

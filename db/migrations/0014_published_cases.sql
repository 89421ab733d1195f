-- Public transparency (issue 5): resolved environmental cases that staff publish with a summary
-- and a result they wrote, after a second person approved. One row per case, holding only what
-- may be public (category, township, month of resolution, the staff-written text) plus who
-- proposed and approved it (internal, never served publicly). Never contact details, photos,
-- the citizen's description, the tracking code or the query password.
create table published_cases (
    id               bigint generated always as identity primary key,
    complaint_id     bigint not null unique references complaints (id),
    -- proposed (awaiting a decision), refused, published, withdrawn. Only published rows are public.
    status           text not null check (status in ('proposed', 'refused', 'published', 'withdrawn')),
    category_code    text not null references categories (code),
    township         text check (char_length(township) between 1 and 50),
    -- The bureau's month of the resolution (first day of the month): a day would narrow it down to one case.
    resolved_month   date not null check (extract(day from resolved_month) = 1),
    summary          text not null check (char_length(summary) between 1 and 500),
    result           text not null check (char_length(result) between 1 and 2000),
    proposed_by      bigint not null references staff_users (id),
    proposed_at      timestamptz not null,
    decided_by       bigint references staff_users (id),
    decided_at       timestamptz,
    decision_reason  text check (char_length(decision_reason) between 1 and 1000),
    -- Set when first approved; kept through later edits, so the public order does not jump.
    published_at     timestamptz,
    version          int not null default 1 check (version >= 1),
    -- Four eyes: whoever wrote the text never approves it.
    constraint published_cases_four_eyes check (status <> 'published' or decided_by <> proposed_by),
    constraint published_cases_published_whole check (status <> 'published' or published_at is not null)
);

-- The public list: newest first, keyset.
create index published_cases_public on published_cases (published_at desc, id desc) where status = 'published';

-- The database itself never lets a confidential (conduct) category be published.
create function refuse_confidential_publication() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from categories c join category_groups g on g.code = c.group_code
               where c.code = new.category_code and g.confidential) then
        raise exception 'confidential cases are never published' using errcode = 'check_violation';
    end if;
    return new;
end;
$$;

create trigger published_cases_never_confidential
    before insert or update of category_code on published_cases
    for each row execute function refuse_confidential_publication();

alter table complaint_events drop constraint complaint_events_type_check;
alter table complaint_events add constraint complaint_events_type_check check (type in (
    'submitted', 'routed', 'accepted', 'rejected', 'assigned', 'transferred', 'note', 'reply',
    'extension_requested', 'extension_approved', 'extension_refused', 'resolved', 'merged', 'reminder',
    'supplement', 'evaluated', 'review_requested', 'closed',
    'publication_proposed', 'publication_approved', 'publication_refused', 'publication_withdrawn'));

-- The pgbench baseline's table: shaped like db/migrations' complaints (same columns, same
-- unique tracking code, same secondary index), in its own database so the API's tables are
-- never touched. Run by bench/baseline.sh with psql -v rows=N -v description=TEXT.
create table bench_complaints (
    id                   bigint generated always as identity primary key,
    tracking_code        text not null unique,
    query_password_hash  text not null,
    category_code        text not null,
    description          text not null,
    township             text,
    address              text,
    contact_name         text,
    contact_phone        text,
    contact_email        text,
    channel              text not null default 'web',
    status               text not null default 'submitted',
    section_code         text not null,
    submitted_at         timestamptz not null,
    accept_by            date not null,
    updated_at           timestamptz not null,
    version              int  not null default 1
);

create index bench_complaints_section_status_submitted on bench_complaints (section_code, status, submitted_at);

-- The rows pgbench-select.sql looks up: tracking code 'Z' + the row number on 11 digits
-- ('Z' is not a hex digit, so these never collide with the md5-based codes of pgbench-insert.sql).
insert into bench_complaints (tracking_code, query_password_hash, category_code, description, township, address,
                              contact_name, contact_phone, section_code, submitted_at, accept_by, updated_at)
select 'Z' || lpad(n::text, 11, '0'),
       'v1$' || md5(n::text) || '$' || md5(md5(n::text)),
       'air.odor', :'description', '剡湖街道', '城东路88号', '王女士', '13800138000', 'enforcement',
       now(), current_date + 2, now()
from generate_series(1, :rows) as n;

vacuum analyze bench_complaints;

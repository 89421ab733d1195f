-- pgbench baseline for POST /api/v1/complaints: one complaint-sized row per transaction.
-- The description (:description, from bench/description.txt) is sent as a parameter, like the API's.
insert into bench_complaints (tracking_code, query_password_hash, category_code, description, township, address,
                              contact_name, contact_phone, section_code, submitted_at, accept_by, updated_at)
values (upper(substr(md5(random()::text), 1, 12)),
        'v1$' || md5(random()::text) || '$' || md5(random()::text),
        'air.odor', :description, '剡湖街道', '城东路88号', '王女士', '13800138000', 'enforcement',
        now(), current_date + 2, now())
on conflict (tracking_code) do nothing;

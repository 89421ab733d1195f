-- pgbench baseline for GET /api/v1/complaints/{trackingCode}: one row by its unique tracking code,
-- picked at random from the :rows prefilled by baseline-schema.sql.
\set n random(1, :rows)
select * from bench_complaints where tracking_code = 'Z' || lpad(:n::text, 11, '0');

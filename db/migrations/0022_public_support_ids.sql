-- The public list of similar open cases named each case by its tracking code: half of the key to the
-- case, handed to anyone — who could then lock its owner out by typing wrong passwords, or add
-- "me too" by the thousand. Each case now has a random support id of its own: the list shows it,
-- "me too" and following a joined case use it, and it opens nothing else.
alter table complaints add column support_id uuid not null default gen_random_uuid();
alter table complaints add constraint complaints_support_id_key unique (support_id);

-- Who said "me too", by client address (an IPv4 address or an IPv6 /64, as the rate limits count
-- them), so one address cannot inflate a case with fresh device tokens, and staff see bursts.
-- Supports given before this column existed have none.
alter table complaint_supports add column client text check (char_length(client) <= 64);
create index complaint_supports_by_client on complaint_supports (complaint_id, client);

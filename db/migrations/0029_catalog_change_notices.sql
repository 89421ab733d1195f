-- Every API instance keeps the catalog (categories and their groups, sections, routing rules,
-- townships) and the working-day calendar in memory. A change to any of them is announced on the channel "catalog_changed"
-- when its transaction commits, so each instance reloads at once instead of after its copy ages.
create or replace function notify_catalog_changed() returns trigger
language plpgsql as $$
begin
    -- PostgreSQL folds identical notices of one transaction into one.
    perform pg_notify('catalog_changed', '');
    return null;
end;
$$;

create trigger categories_changed after insert or update or delete or truncate on categories
    for each statement execute function notify_catalog_changed();
create trigger category_groups_changed after insert or update or delete or truncate on category_groups
    for each statement execute function notify_catalog_changed();
create trigger sections_changed after insert or update or delete or truncate on sections
    for each statement execute function notify_catalog_changed();
create trigger routing_rules_changed after insert or update or delete or truncate on routing_rules
    for each statement execute function notify_catalog_changed();
create trigger townships_changed after insert or update or delete or truncate on townships
    for each statement execute function notify_catalog_changed();
create trigger calendar_days_changed after insert or update or delete or truncate on calendar_days
    for each statement execute function notify_catalog_changed();

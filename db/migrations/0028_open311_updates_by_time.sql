-- GeoReport's servicerequestupdates reads the public events of a time window, across all cases:
-- without this index that is a scan of the whole timeline.
create index complaint_events_public_by_time on complaint_events (occurred_at, id) where visibility = 'public';

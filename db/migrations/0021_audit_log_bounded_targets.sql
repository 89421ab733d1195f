-- Every audit entry must fit the index on (target_kind, target_id, occurred_at): a raw request path
-- of 2.7 KB or more did not, so its insert failed and the entry was lost. The API now names routes
-- by their template and cuts any target to 256 characters (AuditLog.MaxTargetLength); the
-- constraints hold every later row to that. NOT VALID: rows already written are evidence and stay
-- as they are (none can be longer than the index allowed).
alter table audit_log add constraint audit_log_target_kind_length check (char_length(target_kind) <= 64) not valid;
alter table audit_log add constraint audit_log_target_id_length check (char_length(target_id) <= 256) not valid;

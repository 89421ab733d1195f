-- Public monthly bulletin (issue 5): a rejection's ground from a fixed list, so the bulletin can
-- group the cases not accepted. The free-text reason and the referral stay as they are (in the
-- 'rejected' event). Cases rejected before this migration have none: the bulletin shows them as
-- "not classified".
alter table complaints
    add column rejection_ground text check (rejection_ground in
        ('outside_remit', 'not_environmental', 'other_channel', 'duplicate', 'insufficient_information', 'other')),
    add constraint complaints_rejection_ground_only_when_rejected check (rejection_ground is null or status = 'rejected');

-- A search of the staff queue reads the queue in its own order and checks each case for the words
-- (ListQueue.cs), stopping at a full page or after 300 cases per row asked for. For the queue as it
-- opens (open cases, earliest deadline first) these partial indexes hold only open cases, in that
-- order, so each case read is one the queue shows: a section's (clerks, and leaders narrowed to a
-- section) and every section's. Both end in the id, the order's last key: on (due_on) alone a read
-- had to sort each day's open cases (up to 3,700 at 1,000,000 cases) before it could stop. The same
-- indexes serve the reminder job and the overdue list, which read open cases by deadline.
create index complaints_open_queue_by_due on complaints (section_code, due_on, id)
    where status in ('submitted', 'accepted', 'in_progress');

drop index complaints_open_by_due;
create index complaints_open_by_due on complaints (due_on, id)
    where status in ('submitted', 'accepted', 'in_progress');

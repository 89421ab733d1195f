-- Failed sign-ins are counted per username typed, whether or not such an account exists: five in
-- a row lock that name for 15 minutes. Kept on the account, the lock would answer only for real
-- usernames and so tell a guesser which ones exist.
create table login_throttle (
    username      text primary key check (char_length(username) between 1 and 64),
    failures      int not null default 0 check (failures >= 0),
    locked_until  timestamptz
);

insert into login_throttle (username, failures, locked_until)
select username, failed_logins, locked_until from staff_users where failed_logins > 0 or locked_until is not null;

alter table staff_users drop column failed_logins, drop column locked_until;

-- A successful sign-in or a new password forgets the failures.
do $$
begin
    if exists (select from pg_roles where rolname = 'feedback_api') then
        grant delete on login_throttle to feedback_api;
    end if;
end;
$$;

-- Wrong passwords counted per (tracking code or username, client address) instead of per code or
-- username alone: five wrong tries in a row from anywhere locked a code or an account for everyone,
-- so anyone could lock a citizen out of their case (the codes of open cases were public) or lock
-- `admin`. Now five in a row lock only the address that typed them; the right password from another
-- address still opens. Against guessers spread over many addresses, every address's failures also
-- add up per code or username: past a ceiling within a window, each address may try that code or
-- name only once a minute — slowed, never locked. The rules live in the API (PasswordGuesses);
-- docs/security.md explains the design.

drop table tracking_lookup_throttle;
drop table login_throttle;

-- One row per (what was typed, who typed it). client is an IPv4 address or an IPv6 /64, as the
-- rate limits count them.
create table password_guesses (
    kind          text not null check (kind in ('tracking_code', 'username')),
    subject       text not null check (char_length(subject) between 1 and 64),
    client        text not null check (char_length(client) between 1 and 64),
    failures      int  not null check (failures >= 0),
    locked_until  timestamptz,
    -- While the subject is under attack from many addresses: this address's next try.
    paused_until  timestamptz,
    updated_at    timestamptz not null,
    primary key (kind, subject, client)
);

-- Every address's failures on one code or username, in a window that starts with the first failure.
create table password_guess_totals (
    kind              text not null check (kind in ('tracking_code', 'username')),
    subject           text not null check (char_length(subject) between 1 and 64),
    failures          int  not null check (failures >= 0),
    window_started_at timestamptz not null,
    primary key (kind, subject)
);

do $$
begin
    if exists (select from pg_roles where rolname = 'feedback_api') then
        grant delete on password_guesses, password_guess_totals to feedback_api;
    end if;
end;
$$;

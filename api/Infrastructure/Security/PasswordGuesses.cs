using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Infrastructure.Security;

/// <summary>What a password protects: a case's tracking code or a staff username.</summary>
public enum GuessedSubject { TrackingCode, Username }

/// <summary>
/// Wrong passwords, counted so that guessing is hopeless and locking someone else out impossible
/// (docs/security.md). Per (tracking code or username, client address): five wrong in a row lock
/// that address out of that code or name for 15 minutes, even with the right password. A lock
/// started elsewhere does not concern this address: the owner's right password still opens. Per
/// code or name over every address: past <see cref="CeilingPerSubject"/> failures within
/// <see cref="Window"/>, each address may try it only once every <see cref="PauseUnderAttack"/> —
/// guessers spread over many addresses are slowed, and nobody is locked. An unknown code or name
/// counts alike, so the answers reveal nothing about which exist.
///
/// A citizen's failure is written on the side pool, in its own short transaction: the request that
/// fails rolls back, and its count must survive it. Staff sign-in counts inside its own transaction,
/// which commits its refusals.
/// </summary>
public sealed class PasswordGuesses(SideDatabase side, BureauClock clock, ClientAddress client, ILogger<PasswordGuesses> logger)
{
    public const int MaxFailuresPerAddress = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public const int CeilingPerSubject = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan PauseUnderAttack = TimeSpan.FromMinutes(1);

    /// <summary>This address's standing for a code or name: locked, paused, and whether anything is counted.</summary>
    public sealed record Standing(bool Counted, DateTime? LockedUntil, DateTime? PausedUntil);

    /// <summary>Why an address must wait, and for how long.</summary>
    /// <param name="Locked">True: its own wrong passwords locked it; false: the code or name is under attack from many addresses.</param>
    public sealed record Wait(TimeSpan Remaining, bool Locked);

    /// <summary>
    /// The columns of a <see cref="Standing"/> and the join they come from, for the parameters of
    /// <see cref="StandingParameters"/>: to read the standing in the same round trip as one's own query.
    /// </summary>
    public const string StandingColumns = "g.client is not null as counted, g.locked_until, g.paused_until";
    public const string StandingJoin = "left join password_guesses g on g.kind = @guessKind and g.subject = @guessSubject and g.client = @guessClient";

    /// <summary>The parameters <see cref="StandingJoin"/> names, for this request's client.</summary>
    public object StandingParameters(GuessedSubject kind, string subject) =>
        new { guessKind = KindCode(kind), guessSubject = subject, guessClient = Client };

    private string Client => client.Key;

    /// <summary>
    /// For a command that checks a password inside its own transaction (staff sign-in, password change):
    /// takes this address's row for the name until the transaction ends, so tries from one address run
    /// one after another and each sees the count the previous one left — a burst of guesses cannot all
    /// be checked before the lock — and says how long the address must wait, or null.
    /// </summary>
    public async Task<Wait?> HoldAsync(WriteTransaction transaction, GuessedSubject kind, string subject, CancellationToken cancellationToken)
    {
        var parameters = new { kind = KindCode(kind), subject, client = Client, now = clock.UtcNow };
        await transaction.ExecuteAsync(
            """
            insert into password_guesses (kind, subject, client, failures, updated_at) values (@kind, @subject, @client, 0, @now)
            on conflict (kind, subject, client) do nothing
            """, parameters, cancellationToken);
        return WaitFor(await transaction.QuerySingleAsync<Standing>(
            "select true as counted, locked_until, paused_until from password_guesses where kind = @kind and subject = @subject and client = @client for update",
            parameters, cancellationToken));
    }

    /// <summary>How long this address must wait before its next try, or null when it may try now.</summary>
    public Wait? WaitFor(Standing standing)
    {
        var now = clock.UtcNow;
        TimeSpan Left(DateTime? until) => until is { } u ? new DateTimeOffset(u, TimeSpan.Zero) - now : TimeSpan.Zero;
        var locked = Left(standing.LockedUntil);
        if (locked > TimeSpan.Zero) return new Wait(locked, Locked: true);
        var paused = Left(standing.PausedUntil);
        return paused > TimeSpan.Zero ? new Wait(paused, Locked: false) : null;
    }

    /// <summary>The wait a wrong password leaves this address with, if any, and whether it started a lock.</summary>
    public sealed record Failure(Wait? Wait, bool LockedNow);

    private sealed record CountedFailure(DateTime? LockedUntil, DateTime? PausedUntil, bool LockedNow);

    /// <summary>
    /// One statement: concurrent failures queue on the rows, so none is lost. The totals' window
    /// starts again with the first failure after it has passed.
    /// </summary>
    private const string CountFailureSql =
        """
        with total as (
            insert into password_guess_totals as t (kind, subject, failures, window_started_at)
            values (@kind, @subject, 1, @now)
            on conflict (kind, subject) do update
                set failures = case when t.window_started_at <= @windowOpenedBefore then 1 else t.failures + 1 end,
                    window_started_at = case when t.window_started_at <= @windowOpenedBefore then @now else t.window_started_at end
            returning failures
        )
        insert into password_guesses as g (kind, subject, client, failures, locked_until, paused_until, updated_at)
        select @kind, @subject, @client, 1, null, case when total.failures > @ceiling then @pausedUntil end, @now
        from total
        on conflict (kind, subject, client) do update
            set failures = case when g.failures + 1 >= @max then 0 else g.failures + 1 end,
                locked_until = case when g.failures + 1 >= @max then @lockedUntil else g.locked_until end,
                paused_until = excluded.paused_until,
                updated_at = @now
        returning locked_until, paused_until, locked_until = @lockedUntil as locked_now
        """;

    private object CountFailureParameters(GuessedSubject kind, string subject)
    {
        var now = clock.UtcNow;
        return new
        {
            kind = KindCode(kind), subject, client = Client, now,
            windowOpenedBefore = now - Window, ceiling = CeilingPerSubject, pausedUntil = now + PauseUnderAttack,
            max = MaxFailuresPerAddress, lockedUntil = now + LockoutDuration,
        };
    }

    /// <summary>
    /// Counts one wrong password from this address: in the command's transaction (after
    /// <see cref="HoldAsync"/>), or with <paramref name="transaction"/> null on the side pool, where it
    /// survives the request's rollback.
    /// </summary>
    public async Task<Failure> CountFailureAsync(WriteTransaction? transaction, GuessedSubject kind, string subject, CancellationToken cancellationToken)
    {
        var counted = await QueryAsync<CountedFailure>(transaction, CountFailureSql, CountFailureParameters(kind, subject), cancellationToken);
        if (counted.LockedNow)
            logger.LogWarning("A {Kind} locked for one client address for {Minutes} minutes after {Failures} wrong passwords",
                kind, LockoutDuration.TotalMinutes, MaxFailuresPerAddress);
        return new Failure(WaitFor(new Standing(true, counted.LockedUntil, counted.PausedUntil)), counted.LockedNow);
    }

    /// <summary>
    /// After the right password: this address's failures are forgotten (the totals stay: they measure
    /// an attack), in the command's transaction or, with <paramref name="transaction"/> null, on the side pool.
    /// </summary>
    public Task ForgetAsync(WriteTransaction? transaction, GuessedSubject kind, string subject, CancellationToken cancellationToken) =>
        QueryAsync<int>(transaction,
            "with gone as (delete from password_guesses where kind = @kind and subject = @subject and client = @client returning 1) select count(*)::int from gone",
            new { kind = KindCode(kind), subject, client = Client }, cancellationToken);

    /// <summary>One statement in the command's transaction, or without one on the side pool in a transaction of its own.</summary>
    private async Task<T> QueryAsync<T>(WriteTransaction? transaction, string sql, object parameters, CancellationToken cancellationToken)
    {
        if (transaction is not null) return await transaction.QuerySingleAsync<T>(sql, parameters, cancellationToken);
        await using var connection = await side.DataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    /// <summary>Housekeeping: failures with no new try for a day and no lock running, and totals whose window has passed.</summary>
    public static async Task<int> ForgetStaleAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            delete from password_guesses where updated_at <= @since and (locked_until is null or locked_until <= @now);
            delete from password_guess_totals where window_started_at <= @windowOpenedBefore;
            """,
            new { since = now - TimeSpan.FromDays(1), now, windowOpenedBefore = now - Window }, cancellationToken: cancellationToken));

    public static string KindCode(GuessedSubject kind) => kind switch
    {
        GuessedSubject.TrackingCode => "tracking_code",
        GuessedSubject.Username => "username",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

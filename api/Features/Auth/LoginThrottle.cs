using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Features.Auth;

/// <summary>
/// Five failed password checks in a row — at sign-in, or when changing one's password — lock that
/// username for 15 minutes. Counted per name typed, whether or not the account exists, so a lock
/// reveals nothing about which usernames are real.
/// </summary>
public sealed class LoginThrottle(WriteTransaction database, AuditLog audit, BureauClock clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Takes this name's row lock for the rest of the transaction — attempts on one name then run
    /// one after another, so each sees the count the previous one left (a burst of guesses cannot
    /// all slip in before the lock) — and says how long the name stays locked, or null.
    /// </summary>
    public async Task<TimeSpan?> BeginAttemptAsync(string username, CancellationToken cancellationToken)
    {
        await database.ExecuteAsync(
            "insert into login_throttle (username) values (@username) on conflict (username) do nothing", new { username }, cancellationToken);
        var lockedUntil = await database.QuerySingleAsync<DateTime?>(
            "select locked_until from login_throttle where username = @username for update", new { username }, cancellationToken);
        return lockedUntil is { } until && new DateTimeOffset(until, TimeSpan.Zero) - clock.UtcNow is { Ticks: > 0 } remaining
            ? remaining : null;
    }

    /// <summary>Counts one failure; returns the lock it caused, if any.</summary>
    public async Task<TimeSpan?> CountFailureAsync(string username, AuditActor actor, CancellationToken cancellationToken)
    {
        var failures = await database.QuerySingleAsync<int>(
            "update login_throttle set failures = failures + 1 where username = @username returning failures", new { username }, cancellationToken);
        if (failures < MaxFailures) return null;

        await database.ExecuteAsync(
            "update login_throttle set failures = 0, locked_until = @lockedUntil where username = @username",
            new { username, lockedUntil = clock.UtcNow + LockoutDuration }, cancellationToken);
        await audit.RecordAsync(actor, new AuditEntry("auth.lockout", "staff_user", username,
            Reason: $"{MaxFailures} failed password checks in a row"), cancellationToken);
        return LockoutDuration;
    }

    /// <summary>After a success: the count starts again.</summary>
    public Task ForgetAsync(string username, CancellationToken cancellationToken) =>
        database.ExecuteAsync("delete from login_throttle where username = @username", new { username }, cancellationToken);
}

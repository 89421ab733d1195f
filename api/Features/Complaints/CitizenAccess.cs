using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// The citizen's key to a case: tracking code + query password. Every citizen request about an
/// existing case (follow it, add to it, see its photos, evaluate it, ask for a review) passes here.
/// An unknown code, a wrong password and a missing one give the same 404. Five wrong passwords for a
/// code — known or not, so a lock reveals nothing — lock its lookups for 15 minutes (429), even with
/// the right password. Failures are counted in their own short transaction: the request's own
/// transaction rolls back with its 404, and the count must survive it. That is why it has a small
/// pool of its own (<see cref="SideDatabase"/>): commands call it while holding a connection of the main pool.
/// </summary>
public sealed class CitizenAccess(SideDatabase side, BureauClock clock, ILogger<CitizenAccess> logger)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>Verified when the code is unknown, so both outcomes cost the same time.</summary>
    private static readonly string DecoyHash = QueryPasswordHash.Create(SecretCode.New());

    /// <summary>What a lookup reads about the code typed: the case (if any), its password hash, and the code's failures.</summary>
    public sealed record Key(long? ComplaintId, string? QueryPasswordHash, bool Throttled, DateTime? LockedUntil);

    /// <summary>The select list of a <see cref="Key"/> for the parameter @code, so a query can read it in the same round trip.</summary>
    public const string KeySql =
        """
        select c.id as complaint_id, c.query_password_hash, t.tracking_code is not null as throttled, t.locked_until
        from (select @code::text as code) typed
        left join complaints c on c.tracking_code = typed.code
        left join tracking_lookup_throttle t on t.tracking_code = typed.code
        """;

    /// <summary>The canonical code, or the 404 for a string that cannot be one (no guess at any case: nothing to count).</summary>
    public static string NormalizeOrNotFound(string trackingCode) => SecretCode.Normalize(trackingCode) ?? throw NotFound();

    /// <summary>The case's id, or a 404 / 429 problem.</summary>
    public async Task<long> VerifyAsync(string trackingCode, string? queryPassword, CancellationToken cancellationToken)
    {
        var code = NormalizeOrNotFound(trackingCode);
        Key key;
        await using (var connection = await side.DataSource.OpenConnectionAsync(cancellationToken))
            key = await connection.QuerySingleAsync<Key>(new CommandDefinition(KeySql, new { code }, cancellationToken: cancellationToken));
        return await ConfirmAsync(code, queryPassword, key, cancellationToken);
    }

    /// <summary>
    /// Decides with what was read: the case's id, or a 404 / 429 problem. Writes (on the primary, on
    /// its own connection) only to count a failure or to forget earlier ones after a success.
    /// </summary>
    public async Task<long> ConfirmAsync(string code, string? queryPassword, Key key, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        if (key.LockedUntil is { } until && new DateTimeOffset(until, TimeSpan.Zero) - now is { Ticks: > 0 } remaining)
            throw Locked(remaining);

        var password = SecretCode.Normalize(queryPassword);
        if (QueryPasswordHash.Verify(password, key.QueryPasswordHash ?? DecoyHash) && key.ComplaintId is { } id)
        {
            // A success forgets the earlier failures.
            if (key.Throttled)
            {
                await using var primary = await side.DataSource.OpenConnectionAsync(cancellationToken);
                await primary.ExecuteAsync(new CommandDefinition(
                    "delete from tracking_lookup_throttle where tracking_code = @code", new { code }, cancellationToken: cancellationToken));
            }
            return id;
        }

        await using var connection = await side.DataSource.OpenConnectionAsync(cancellationToken);

        // One statement counts the failure and, at the fifth, locks the code: concurrent guesses queue
        // on the row, so a burst cannot slip past the count.
        var (lockedNow, failures) = await connection.QuerySingleAsync<(bool, int)>(new CommandDefinition(
            """
            insert into tracking_lookup_throttle as t (tracking_code, failures, updated_at) values (@code, 1, @now)
            on conflict (tracking_code) do update
                set failures = case when t.failures + 1 >= @max then 0 else t.failures + 1 end,
                    locked_until = case when t.failures + 1 >= @max then @lockedUntil else t.locked_until end,
                    updated_at = @now
            returning locked_until is not null and locked_until > @now, failures
            """,
            new { code, now, max = MaxFailures, lockedUntil = now + LockoutDuration }, cancellationToken: cancellationToken));
        if (lockedNow)
        {
            logger.LogWarning("Tracking code lookups locked for {Minutes} minutes after {Failures} wrong query passwords",
                LockoutDuration.TotalMinutes, MaxFailures);
            throw Locked(LockoutDuration);
        }
        throw NotFound(attemptsLeft: MaxFailures - failures);
    }

    /// <summary>Housekeeping: failures with no new attempt for a day, and no lock running, are forgotten.</summary>
    public static async Task<int> ForgetStaleAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "delete from tracking_lookup_throttle where updated_at <= @since and (locked_until is null or locked_until <= @now)",
            new { since = now - TimeSpan.FromDays(1), now }, cancellationToken: cancellationToken));

    /// <param name="attemptsLeft">After a wrong password: how many more before the lock (unknown codes count alike, so it tells nothing).</param>
    public static ProblemException NotFound(int? attemptsLeft = null) => new(StatusCodes.Status404NotFound,
        Lang.Pick("查询编号或查询密码不正确", "Tracking code or query password is incorrect"), LostPassword,
        extensions: attemptsLeft is { } left ? new Dictionary<string, object?> { ["attemptsLeft"] = left } : null);

    private static ProblemException Locked(TimeSpan remaining) => new(StatusCodes.Status429TooManyRequests,
        Lang.Pick($"查询密码错误次数过多，请 {Minutes(remaining)} 分钟后再试", $"Too many wrong query passwords; try again in {Minutes(remaining)} minutes"),
        LostPassword, retryAfter: remaining);

    private static string LostPassword => Lang.Pick(
        $"连续输错 {MaxFailures} 次，该编号将暂停查询 {LockoutDuration.TotalMinutes} 分钟。查询密码只在提交时显示一次，遗失后无法找回；如需帮助，可拨打 12369 环保举报热线。",
        $"After {MaxFailures} wrong tries in a row the code is paused for {LockoutDuration.TotalMinutes} minutes. The query password is shown only once, when you submit, and cannot be recovered; for help, call the 12369 environmental hotline.");

    private static int Minutes(TimeSpan remaining) => Math.Max(1, (int)Math.Ceiling(remaining.TotalMinutes));
}

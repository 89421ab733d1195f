using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;

namespace Feedback.Api.Features.Cases;

/// <summary>
/// The citizen's key to a case: tracking code + query password. Every citizen request about an
/// existing case (follow it, add to it, see its photos, evaluate it, ask for a review) passes here.
/// An unknown code, a wrong password and a missing one give the same 404, byte for byte. Wrong
/// passwords are counted per code and client address by <see cref="PasswordGuesses"/>: five in a
/// row lock that address out of that code for 15 minutes (429, even with the right password), while
/// the owner's right password from another address still opens the case.
/// </summary>
public sealed class CitizenAccess(PasswordGuesses guesses, SideDatabase side)
{
    /// <summary>The request header that carries the query password on every citizen route about an existing case.</summary>
    public const string QueryPasswordHeader = "X-Query-Password";

    /// <summary>Verified when the code is unknown, so both outcomes cost the same time.</summary>
    private static readonly string DecoyHash = QueryPasswordHash.Create(SecretCode.New());

    /// <summary>What a lookup reads about the code typed: the case (if any), its password hash, and this address's standing.</summary>
    public sealed record Key(long? ComplaintId, string? QueryPasswordHash, bool Counted, DateTime? LockedUntil, DateTime? PausedUntil)
    {
        public PasswordGuesses.Standing Standing => new(Counted, LockedUntil, PausedUntil);
    }

    /// <summary>The select list of a <see cref="Key"/> for the parameters of <see cref="KeyParameters"/>, so a query can read it in the same round trip.</summary>
    public const string KeySql =
        $"""
        select c.id as complaint_id, c.query_password_hash, {PasswordGuesses.StandingColumns}
        from (select @code::text as code) typed
        left join complaints c on c.tracking_code = typed.code
        {PasswordGuesses.StandingJoin}
        """;

    /// <summary>The parameters of <see cref="KeySql"/>: @code and those of the caller's standing.</summary>
    public DynamicParameters KeyParameters(string code)
    {
        var parameters = new DynamicParameters(guesses.StandingParameters(GuessedSubject.TrackingCode, code));
        parameters.Add("code", code);
        return parameters;
    }

    /// <summary>The canonical code, or the 404 for a string that cannot be one (no guess at any case: nothing to count).</summary>
    public static string NormalizeOrNotFound(string trackingCode) => SecretCode.Normalize(trackingCode) ?? throw NotFound();

    /// <summary>The case's id, or a 404 / 429 problem.</summary>
    public async Task<long> VerifyAsync(string trackingCode, string? queryPassword, CancellationToken cancellationToken)
    {
        var code = NormalizeOrNotFound(trackingCode);
        Key key;
        await using (var connection = await side.DataSource.OpenConnectionAsync(cancellationToken))
            key = await connection.QuerySingleAsync<Key>(new CommandDefinition(KeySql, KeyParameters(code), cancellationToken: cancellationToken));
        return await ConfirmAsync(code, queryPassword, key, cancellationToken);
    }

    /// <summary>
    /// Decides with what was read: the case's id, or a 404 / 429 problem. Writes only to count a
    /// failure, or to forget this address's earlier ones after a success.
    /// </summary>
    public async Task<long> ConfirmAsync(string code, string? queryPassword, Key key, CancellationToken cancellationToken)
    {
        if (guesses.WaitFor(key.Standing) is { } wait) throw MustWait(wait);

        var password = SecretCode.Normalize(queryPassword);
        if (QueryPasswordHash.Verify(password, key.QueryPasswordHash ?? DecoyHash) && key.ComplaintId is { } id)
        {
            if (key.Counted) await guesses.ForgetAsync(transaction: null, GuessedSubject.TrackingCode, code, cancellationToken);
            return id;
        }
        var failure = await guesses.CountFailureAsync(transaction: null, GuessedSubject.TrackingCode, code, cancellationToken);
        throw failure.Wait is { } now ? MustWait(now) : NotFound();
    }

    /// <summary>The one 404 for an unknown code, a wrong password and a missing one.</summary>
    public static ProblemException NotFound() => new(StatusCodes.Status404NotFound,
        Lang.Pick("查询编号或查询密码不正确", "Tracking code or query password is incorrect"), LostPassword);

    private static ProblemException MustWait(PasswordGuesses.Wait wait) => new(StatusCodes.Status429TooManyRequests,
        wait.Locked
            ? Lang.Pick($"查询密码错误次数过多，请 {Minutes(wait.Remaining)} 分钟后再试", $"Too many wrong query passwords; try again in {Minutes(wait.Remaining)} minutes")
            : Lang.Pick("此编号近期被多次尝试查询，为保护您的案件，请 1 分钟后再试", "This code has had many wrong tries lately; to protect the case, try again in a minute"),
        LostPassword, retryAfter: wait.Remaining);

    private static string LostPassword => Lang.Pick(
        $"从同一网络连续输错 {PasswordGuesses.MaxFailuresPerAddress} 次，将暂停从该网络查询此编号 {PasswordGuesses.LockoutDuration.TotalMinutes} 分钟。查询密码只在提交时显示一次；提交时选择了短信或邮件通知的，可申请把新密码发送到该手机或邮箱，否则遗失后无法找回；如需帮助，可拨打 12369 环保举报热线。",
        $"After {PasswordGuesses.MaxFailuresPerAddress} wrong tries in a row from one network, lookups of the code from that network pause for {PasswordGuesses.LockoutDuration.TotalMinutes} minutes. The query password is shown only once, when you submit; if you asked to be told by text message or email, a new one can be sent there, otherwise a lost one cannot be recovered; for help, call the 12369 environmental hotline.");

    private static int Minutes(TimeSpan remaining) => Math.Max(1, (int)Math.Ceiling(remaining.TotalMinutes));
}

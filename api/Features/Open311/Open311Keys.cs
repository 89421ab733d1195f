using System.Security.Cryptography;
using System.Text;
using Dapper;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// The API keys other systems file cases with. A key is "fb311_" and 32 random characters (160
/// bits), shown once when made and stored as its SHA-256; its first ten characters name it in
/// lists. Each key has its own budget of requests a minute.
/// </summary>
public sealed class Open311Keys(NpgsqlDataSource dataSource, AuditLog audit, CurrentStaff caller, RateLimitBudgets budgets)
{
    public const string Prefix = "fb311_";
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    public const int DefaultRequestsPerMinute = 60;

    /// <param name="Name">The system it was issued to, e.g. "12345 市民热线平台".</param>
    public sealed record Key(long Id, string Name, int RequestsPerMinute);

    public static string NewValue() => Prefix + RandomNumberGenerator.GetString(Alphabet, 32);

    public static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    /// <summary>What lists show of a key: enough to tell keys apart, too little to use one.</summary>
    public static string Shown(string value) => value[..Math.Min(10, value.Length)];

    /// <summary>
    /// The live key the caller sent, within its budget. A missing, unknown or revoked key is a 403
    /// (audited, with repeats from one address folded into one row); a key over its budget a 429.
    /// </summary>
    public async Task<Key> AuthenticateAsync(string? value, CancellationToken cancellationToken)
    {
        Key? key = null;
        if (value is { Length: > 0 and <= 256 })
        {
            // The primary, not the read replica: a key made a moment ago works at once.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            key = await connection.QuerySingleOrDefaultAsync<Key>(new CommandDefinition(
                "select id, name, requests_per_minute from open311_keys where key_hash = @hash and revoked_at is null",
                new { hash = Hash(value) }, cancellationToken: cancellationToken));
        }
        if (key is null)
        {
            await audit.RecordRepeatableRefusalAsync(AuditActor.Of(caller),
                new AuditEntry("open311.request", "open311_key", value is { Length: > 0 } ? Shown(value) : null,
                    Reason: value is { Length: > 0 } ? "unknown or revoked api_key" : "no api_key"), "denied", cancellationToken);
            throw new ProblemException(StatusCodes.Status403Forbidden, value is { Length: > 0 }
                ? Lang.Pick("api_key 无效或已被吊销", "The api_key is not valid or has been revoked")
                : Lang.Pick("缺少 api_key：向本局系统管理员申请", "The api_key is missing: ask the bureau's system administrator for one"));
        }
        var spent = await budgets.SpendAsync("open311-key", key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), key.RequestsPerMinute, cancellationToken);
        if (!spent.Allowed)
            throw new ProblemException(StatusCodes.Status429TooManyRequests,
                Lang.Pick($"请求过于频繁：此密钥每分钟最多 {key.RequestsPerMinute} 次", $"Too many requests: at most {key.RequestsPerMinute} a minute with this key"),
                retryAfter: spent.RetryAfter);
        return key;
    }

    /// <summary>
    /// FEEDBACK_DEMO: a key named "演示密钥" whose value is FEEDBACK_OPEN311_DEMO_KEY, or, when that
    /// is unset, a new one each start (the previous demo key revoked), printed to the log.
    /// </summary>
    public static async Task SeedDemoAsync(NpgsqlDataSource dataSource, FeedbackOptions options, BureauClock clock, ILogger logger)
    {
        var value = options.Open311DemoKey ?? NewValue();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // Instances starting together take turns; the revocation must be done before the insert
        // checks the name (statements of one WITH run in no set order).
        await connection.ExecuteAsync("select pg_advisory_xact_lock(hashtext('open311 demo key'))", transaction: transaction);
        var parameters = new { name = DemoName, hash = Hash(value), prefix = Shown(value), perMinute = DefaultRequestsPerMinute, now = clock.UtcNow };
        var seeded = await connection.ExecuteScalarAsync<bool>("select not exists (select from open311_keys where key_hash = @hash and revoked_at is null)",
            parameters, transaction);
        if (seeded)
        {
            await connection.ExecuteAsync("update open311_keys set revoked_at = @now where name = @name and revoked_at is null and created_by is null",
                parameters, transaction);
            await connection.ExecuteAsync(
                """
                insert into open311_keys (name, key_hash, key_prefix, requests_per_minute, created_at)
                values (@name, @hash, @prefix, @perMinute, @now)
                """, parameters, transaction);
        }
        await transaction.CommitAsync();
        if (options.Open311DemoKey is null)
            logger.LogWarning("Demo mode: Open311 API key {Key} (set FEEDBACK_OPEN311_DEMO_KEY to keep one across restarts)", value);
        else if (seeded)
            logger.LogWarning("Demo mode: Open311 API key from FEEDBACK_OPEN311_DEMO_KEY seeded as \"{Name}\"", DemoName);
    }

    public const string DemoName = "演示密钥";
}

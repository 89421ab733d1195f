using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// Idempotency-Key on POST /complaints: a submission retried with the same key and the same body
/// (after a lost answer, a reload, a double tap) gets the original 201 and creates nothing; the same
/// key with another body gets 422. The key and the request are stored as SHA-256 hashes, and the
/// 201 body without its query password: a keyed submission's password is derived from the key
/// (<see cref="QueryPasswordFor"/>), so a replay can hand it back although only its hash is stored.
/// The key is therefore the client's secret: a random UUID, never shown or logged.
/// </summary>
public sealed class SubmissionIdempotency(WriteTransaction database, BureauClock clock)
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>16–255 visible ASCII characters (a UUID is 36).</summary>
    public static bool IsWellFormed(string key) => key.Length is >= 16 and <= 255 && key.All(c => c is >= '!' and <= '~');

    public static ProblemException Malformed() => new(StatusCodes.Status400BadRequest,
        Lang.Pick("Idempotency-Key 须为 16–255 个可见 ASCII 字符（建议使用随机 UUID）",
            "Idempotency-Key must be 16–255 visible ASCII characters (a random UUID is best)"));

    /// <summary>The request as the handler sees it (after JSON binding), so spacing and key order do not matter.</summary>
    public static byte[] RequestHash(SubmitComplaint.Command command) =>
        SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(command, Json));

    public static string QueryPasswordFor(string key) => SecretCode.Derive(Encoding.UTF8.GetBytes(key), "feedback/query-password");

    private sealed record Row(byte[] RequestHash, string Response);

    /// <summary>
    /// The one check, inside the submission's transaction and before anything is stored: the earlier
    /// answer for this key (a replay, marked <see cref="SubmitComplaint.Result.Replayed"/>), null for a
    /// first attempt, or a 422 for the key with another body. It holds the key until commit, so two
    /// first attempts racing with one key run one after the other and the second replays the first.
    /// </summary>
    public async Task<SubmitComplaint.Result?> ClaimAsync(string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        var keyHash = KeyHash(key);
        await database.ExecuteAsync("select pg_advisory_xact_lock(@lockId)", new { lockId = BitConverter.ToInt64(keyHash) }, cancellationToken);
        var row = await database.QuerySingleOrDefaultAsync<Row>(
            "select request_hash, response::text as response from idempotency_keys where key_hash = @keyHash and created_at > @since",
            new { keyHash, since = clock.UtcNow - Lifetime }, cancellationToken);
        return Replay(key, requestHash, row);
    }

    public Task RememberAsync(string key, byte[] requestHash, long complaintId, SubmitComplaint.Result result, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            """
            insert into idempotency_keys (key_hash, request_hash, complaint_id, response, created_at)
            values (@keyHash, @requestHash, @complaintId, @response::jsonb, @now)
            on conflict (key_hash) do update
                set request_hash = excluded.request_hash, complaint_id = excluded.complaint_id,
                    response = excluded.response, created_at = excluded.created_at
            """,
            new
            {
                keyHash = KeyHash(key), requestHash, complaintId, now = clock.UtcNow,
                response = JsonSerializer.Serialize(result with { QueryPassword = "" }, Json),
            },
            cancellationToken);

    /// <summary>Housekeeping: a key is honoured for a day.</summary>
    public static async Task<int> ForgetStaleAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "delete from idempotency_keys where created_at <= @since", new { since = now - Lifetime }, cancellationToken: cancellationToken));

    private static SubmitComplaint.Result? Replay(string key, byte[] requestHash, Row? row)
    {
        if (row is null) return null;
        if (!CryptographicOperations.FixedTimeEquals(row.RequestHash, requestHash))
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity,
                Lang.Pick("这个 Idempotency-Key 已用于另一份内容不同的投诉；新的投诉请使用新的 Idempotency-Key",
                    "This Idempotency-Key was used for a different complaint; send a new complaint with a new key"));
        var original = JsonSerializer.Deserialize<SubmitComplaint.Result>(row.Response, Json)!;
        return original with { QueryPassword = QueryPasswordFor(key), Replayed = true };
    }

    private static byte[] KeyHash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

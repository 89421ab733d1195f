using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dapper;
using Feedback.Tests.Support;
using Npgsql;

namespace Feedback.Tests.Integration.Staff;

/// <summary>
/// What the sign-in, administration and authorization tests share: throwaway accounts (so no test
/// ever locks, disables or re-passwords a demo account), sign-ins with a chosen password, and the
/// audit log as the database holds it.
/// </summary>
internal static class StaffSecurity
{
    /// <summary>The first password of every throwaway account.</summary>
    public const string Password = "Test-pass-2026";

    public sealed record Account(long Id, string Username, string Password);

    /// <summary>A lower-case, unique username with a readable prefix (at most 32 characters in all).</summary>
    public static string NewUsername(string prefix) => $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";

    /// <summary>Opens an account through the administrator's API (one PBKDF2 hash, about 0.2 s).</summary>
    public static async Task<Account> CreateAccountAsync(string prefix, string role = "leader", string? section = null)
    {
        using var admin = await StaffLogin.ClientAsync("admin");
        var username = NewUsername(prefix);
        using var response = await admin.PostAsJsonAsync("/api/v1/admin/users",
            new { username, displayName = "测试账户", role, sectionCode = section, password = Password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body);
        return new Account((long)JsonNode.Parse(body)!["id"]!, username, Password);
    }

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string username, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new { username, password });

    /// <summary>Signs in and returns the token pair (accessToken, refreshToken, expiresIn, tokenType).</summary>
    public static async Task<JsonObject> SignInAsync(string username, string password, FeedbackApp? app = null)
    {
        using var client = (app ?? TestEnvironment.App).CreateHttpClient();
        using var response = await LoginAsync(client, username, password);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"login {username}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static HttpClient Bearer(string accessToken, FeedbackApp? app = null)
    {
        var client = (app ?? TestEnvironment.App).CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>GET /auth/me with the token: 200 while its session is open, 401 once it has ended.</summary>
    public static async Task<HttpResponseMessage> MeAsync(string accessToken, FeedbackApp? app = null)
    {
        using var client = Bearer(accessToken, app);
        return await client.GetAsync("/api/v1/auth/me");
    }

    public static async Task<HttpResponseMessage> RefreshAsync(string refreshToken, FeedbackApp? app = null)
    {
        using var client = (app ?? TestEnvironment.App).CreateHttpClient();
        return await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });
    }

    public sealed record AuditRow(
        long Id, string Action, string Outcome, long? ActorId, string? ActorUsername, string? ActorRole, string? Ip,
        string? TargetKind, string? TargetId, string? Before, string? After, string? Reason);

    private static NpgsqlConnection Connect() => new(TestEnvironment.Database.ConnectionString);

    /// <summary>Audit rows in the order they were written, optionally filtered by a SQL condition.</summary>
    public static async Task<List<AuditRow>> AuditAsync(string where = "true", object? parameters = null)
    {
        await using var connection = Connect();
        return (await connection.QueryAsync<AuditRow>(
            $"""
             select id, action, outcome, actor_id, actor_username, actor_role, host(ip) as ip, target_kind, target_id,
                    before::text as before, after::text as after, reason
             from audit_log where {where} order by id
             """, parameters)).AsList();
    }

    public static async Task<long> LastAuditIdAsync()
    {
        await using var connection = Connect();
        return await connection.QuerySingleAsync<long>("select coalesce(max(id), 0) from audit_log");
    }

    /// <summary>The whole audit log as text, to prove what it never contains.</summary>
    public static async Task<string> AuditTextAsync()
    {
        await using var connection = Connect();
        return await connection.QuerySingleAsync<string>("select coalesce(string_agg(row_to_json(a)::text, E'\\n'), '') from audit_log a");
    }

    public static async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = Connect();
        return await connection.QuerySingleAsync<T>(sql, parameters);
    }

    public static async Task<long> UserIdAsync(string username) =>
        await ScalarAsync<long>("select id from staff_users where username = @username", new { username });
}

/// <summary>
/// <see cref="IntegrationTest"/>'s problem assertion for fixtures that keep their cases from one
/// test to the next and so cannot derive from it (it empties the database before every test).
/// </summary>
internal sealed class Problems : IntegrationTest
{
    public static new Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, int status) =>
        IntegrationTest.AssertProblemAsync(response, status);
}

using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Feedback.Tests.Support;

/// <summary>
/// Signs demo accounts in once and reuses their access tokens: each sign-in costs 210,000
/// PBKDF2 rounds, so a test run signs in each account only when its token is getting old.
/// </summary>
public static class StaffLogin
{
    public const string DemoPassword = "demo-2026";

    private static readonly ConcurrentDictionary<string, (string Token, DateTime IssuedAt)> Tokens = new();

    public static async Task<string> TokenAsync(string username, FeedbackApp? app = null)
    {
        if (app is null && Tokens.TryGetValue(username, out var cached) && DateTime.UtcNow - cached.IssuedAt < TimeSpan.FromMinutes(5))
            return cached.Token;
        using var client = (app ?? TestEnvironment.App).CreateHttpClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username, password = DemoPassword });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"login {username}: {body}");
        var token = (string)JsonNode.Parse(body)!["accessToken"]!;
        if (app is null) Tokens[username] = (token, DateTime.UtcNow);
        return token;
    }

    public static async Task<HttpClient> ClientAsync(string username, FeedbackApp? app = null)
    {
        var client = (app ?? TestEnvironment.App).CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(username, app));
        return client;
    }
}

using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using static Feedback.Tests.Integration.Staff.StaffSecurity;

namespace Feedback.Tests.Integration.Staff;

/// <summary>
/// Staff access tokens name their key ("kid"): instances that share FEEDBACK_JWT_KEYS accept each
/// other's tokens, a new key can be added before it signs and the old one dropped after, and
/// nobody is signed out by the rotation (the session's refresh token is not a JWT).
/// </summary>
[NonParallelizable]
public sealed class TokenKeyRotationTests : IntegrationTest
{
    private static readonly string Old = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
    private static readonly string New = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    private static FeedbackApp Instance(string keys) => new(TestEnvironment.Database.ConnectionString,
        settings: new Dictionary<string, string> { ["FEEDBACK_JWT_KEYS"] = keys });

    private static async Task<int> MeAsync(FeedbackApp app, string accessToken)
    {
        using var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await client.GetAsync("/api/v1/auth/me");
        return (int)response.StatusCode;
    }

    private static string KeyId(string jwt) => (string)JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[0]))!["kid"]!;

    [Test]
    public async Task A_key_is_rolled_out_before_it_signs_and_dropped_after_without_signing_anyone_out()
    {
        await using var before = Instance($"2026-06:{Old}");
        await using var during = Instance($"2026-12:{New},2026-06:{Old}");
        await using var after = Instance($"2026-12:{New}");

        var session = await SignInAsync("leader", StaffLogin.DemoPassword, before);
        var oldToken = (string)session["accessToken"]!;
        Assert.That(KeyId(oldToken), Is.EqualTo("2026-06"));

        // While both keys are known, tokens of either key are accepted everywhere that knows it.
        var newToken = (string)(await SignInAsync("leader", StaffLogin.DemoPassword, during))["accessToken"]!;
        Assert.Multiple(async () =>
        {
            Assert.That(KeyId(newToken), Is.EqualTo("2026-12"), "the first key signs");
            Assert.That(await MeAsync(during, oldToken), Is.EqualTo(200));
            Assert.That(await MeAsync(during, newToken), Is.EqualTo(200));
            Assert.That(await MeAsync(before, newToken), Is.EqualTo(401), "an instance that does not know the key refuses its tokens");
            Assert.That(await MeAsync(after, oldToken), Is.EqualTo(401), "a dropped key's tokens are refused");
        });

        // The session signed in before the rotation goes on: its refresh token gets a token of the new key.
        using var refreshed = await RefreshAsync((string)session["refreshToken"]!, after);
        var renewed = await ReadJsonAsync(refreshed);
        Assert.Multiple(async () =>
        {
            Assert.That((int)refreshed.StatusCode, Is.EqualTo(200));
            Assert.That(KeyId((string)renewed["accessToken"]!), Is.EqualTo("2026-12"));
            Assert.That(await MeAsync(after, (string)renewed["accessToken"]!), Is.EqualTo(200));
        });
    }

    [Test]
    public async Task A_token_whose_kid_names_a_key_it_was_not_signed_with_is_refused()
    {
        await using var stranger = Instance($"2026-06:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(48))}");
        await using var bureau = Instance($"2026-06:{Old}");
        var forged = (string)(await SignInAsync("leader", StaffLogin.DemoPassword, stranger))["accessToken"]!;
        Assert.That(await MeAsync(bureau, forged), Is.EqualTo(401));
    }
}

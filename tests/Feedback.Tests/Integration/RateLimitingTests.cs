using System.Net;
using System.Net.Http.Json;
using Feedback.Api.Features.Housekeeping;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration;

/// <summary>
/// Anonymous writes and password attempts per client address (FEEDBACK_RATE_LIMIT_PER_MINUTE),
/// counted in the database for every instance. The limited instances run on a stopped clock, 20
/// seconds into a minute, so no test straddles two budgets.
/// </summary>
public sealed class RateLimitingTests : IntegrationTest
{
    private const int Limit = 3;
    private readonly FixedTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 2, 30, 20, TimeSpan.Zero));

    private FeedbackApp LimitedApp(string? trustedProxies = null)
    {
        var settings = new Dictionary<string, string> { ["FEEDBACK_RATE_LIMIT_PER_MINUTE"] = Limit.ToString() };
        if (trustedProxies is not null) settings["FEEDBACK_TRUSTED_PROXIES"] = trustedProxies;
        var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, _clock, settings);
        app.StartServer();
        return app;
    }

    private static async Task<HttpResponseMessage> SubmitFromAsync(HttpClient client, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = JsonContent.Create(ValidComplaint()) };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    [Test]
    public async Task Submissions_beyond_the_limit_get_429_with_Retry_After_and_store_nothing()
    {
        await using var app = LimitedApp();
        using var client = app.CreateHttpClient();
        for (var i = 0; i < Limit; i++) (await SubmitFromAsync(client)).Dispose();
        using var refused = await SubmitFromAsync(client);

        var problem = await AssertProblemAsync(refused, 429);
        Assert.Multiple(async () =>
        {
            Assert.That(refused.Headers.RetryAfter?.Delta?.TotalSeconds, Is.EqualTo(40), "until the next minute");
            Assert.That((string?)problem["title"], Is.EqualTo("请求过于频繁，请稍后再试"));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(Limit));
        });
    }

    [Test]
    public async Task Every_instance_spends_from_one_budget()
    {
        await using var first = LimitedApp();
        await using var second = LimitedApp();
        using var firstClient = first.CreateHttpClient();
        using var secondClient = second.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { firstClient, secondClient, firstClient, secondClient })
        {
            using var response = await SubmitFromAsync(client);
            statuses.Add(response.StatusCode);
        }
        Assert.Multiple(async () =>
        {
            Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests }),
                "two instances allow the limit, not twice the limit");
            Assert.That(await CountAsync("complaints"), Is.EqualTo(Limit));
        });
    }

    [Test]
    public async Task The_next_minute_brings_a_new_budget_and_housekeeping_forgets_the_old_one()
    {
        await using var app = LimitedApp();
        using var client = app.CreateHttpClient();
        for (var i = 0; i < Limit; i++) (await SubmitFromAsync(client)).Dispose();
        using (var refused = await SubmitFromAsync(client)) Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));

        _clock.Now = _clock.Now.AddSeconds(40);
        using var nextMinute = await SubmitFromAsync(client);
        _clock.Now = _clock.Now.AddMinutes(3);
        var round = await app.Services.GetRequiredService<Housekeeping>().RunOnceAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(nextMinute.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(round.RateLimitMinutesForgotten, Is.EqualTo(2), "both past minutes' counts");
            Assert.That(await CountAsync("rate_limit_windows"), Is.Zero);
        });
    }

    [Test]
    public async Task Password_attempts_have_their_own_budget()
    {
        await using var app = LimitedApp();
        using var client = app.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= Limit; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/2345678{i + 2}ABCD");
            request.Headers.Add("X-Query-Password", "ABCDEFGHJKMN");
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }
        using var submission = await SubmitFromAsync(client);
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Take(Limit), Is.All.EqualTo(HttpStatusCode.NotFound));
            Assert.That(statuses[Limit], Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(submission.StatusCode, Is.EqualTo(HttpStatusCode.Created), "writes are counted apart");
        });
    }

    [Test]
    public async Task Staff_sign_in_is_limited_per_address_against_guessing_across_usernames()
    {
        await using var app = LimitedApp();
        using var client = app.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= Limit; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = $"nobody{i}", password = "wrong-password" });
            statuses.Add(response.StatusCode);
        }
        Assert.That(statuses[Limit], Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task X_Forwarded_For_from_an_untrusted_connection_is_ignored()
    {
        await using var app = LimitedApp();
        using var client = app.CreateHttpClient();
        for (var i = 0; i < Limit; i++) (await SubmitFromAsync(client, $"203.0.113.{i + 1}")).Dispose();
        using var refused = await SubmitFromAsync(client, "203.0.113.99");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "a forged header does not buy a new budget");
    }

    [Test]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget()
    {
        await using var app = LimitedApp(trustedProxies: "127.0.0.1");
        using var client = app.CreateHttpClient();
        for (var i = 0; i < Limit; i++) (await SubmitFromAsync(client, "198.51.100.7")).Dispose();
        using var sameClient = await SubmitFromAsync(client, "198.51.100.7");
        using var otherClient = await SubmitFromAsync(client, "198.51.100.8");
        Assert.Multiple(() =>
        {
            Assert.That(sameClient.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(otherClient.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        });
    }

    [Test]
    public async Task Zero_turns_limiting_off()
    {
        // The shared test app runs with FEEDBACK_RATE_LIMIT_PER_MINUTE=0.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 25; i++)
        {
            using var response = await SubmitFromAsync(Client);
            statuses.Add(response.StatusCode);
        }
        Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.Created));
    }
}

using System.Net;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

/// <summary>
/// Wrong query passwords, against both attackers: the one who guesses (five wrong in a row lock the
/// guessing address for 15 minutes; many addresses together are slowed to one try a minute each) and
/// the one who would lock the owner out (a lock started elsewhere never stops the right password).
/// </summary>
public sealed class TrackingLookupLockTests : IntegrationTest
{
    private const string WrongPassword = "ABCDEFGHJKMN";

    /// <summary>An API that believes X-Forwarded-For from the test (loopback), so each request can come from an address of its own.</summary>
    private static FeedbackApp BehindProxy()
    {
        var app = new FeedbackApp(TestEnvironment.Database.ConnectionString,
            settings: new Dictionary<string, string> { ["FEEDBACK_TRUSTED_PROXIES"] = "127.0.0.1" });
        app.StartServer();
        return app;
    }

    private static async Task<HttpResponseMessage> TrackFromAsync(HttpClient client, string address, string code, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{code}");
        request.Headers.Add("X-Query-Password", password);
        request.Headers.Add("X-Forwarded-For", address);
        return await client.SendAsync(request);
    }

    [Test]
    public async Task Five_wrong_passwords_lock_the_code_even_against_the_right_password()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var wrong = await TrackAsync(code, WrongPassword);
            await AssertProblemAsync(wrong, 404);
        }
        using var fifth = await TrackAsync(code, WrongPassword);
        var problem = await AssertProblemAsync(fifth, 429);
        using var right = await TrackAsync(code, (string)submitted["queryPassword"]!);

        Assert.Multiple(async () =>
        {
            Assert.That((string?)problem["title"], Does.Contain("15 分钟"));
            Assert.That(fifth.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(right.StatusCode, Is.EqualTo((HttpStatusCode)429), "locked even with the right password");
            Assert.That(right.Headers.RetryAfter?.Delta?.TotalSeconds, Is.InRange(1, 900));
            await AssertProblemAsync(right, 429);
        });
    }

    [Test]
    public async Task The_lock_ends_after_15_minutes_and_a_success_forgets_earlier_failures()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        var password = (string)submitted["queryPassword"]!;
        for (var attempt = 1; attempt <= 5; attempt++) (await TrackAsync(code, WrongPassword)).Dispose();
        await ExecuteAsync("update password_guesses set locked_until = now() - interval '1 second'");

        using var afterLock = await TrackAsync(code, password);
        Assert.That(afterLock.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await CountAsync("password_guesses"), Is.Zero, "the success forgot this address's failures");

        // Four failures, a success, four more: never five in a row, so never locked.
        for (var attempt = 1; attempt <= 4; attempt++) (await TrackAsync(code, WrongPassword)).Dispose();
        (await TrackAsync(code, password)).Dispose();
        for (var attempt = 1; attempt <= 4; attempt++) (await TrackAsync(code, WrongPassword)).Dispose();
        using var stillOpen = await TrackAsync(code, password);
        Assert.That(stillOpen.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Unknown_codes_lock_the_same_way_so_a_lock_reveals_nothing()
    {
        const string unknown = "23456789ABCD";
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var miss = await TrackAsync(unknown, WrongPassword);
            Assert.That(miss.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        using var fifth = await TrackAsync(unknown, WrongPassword);
        await AssertProblemAsync(fifth, 429);
    }

    [Test]
    public async Task A_burst_of_concurrent_guesses_is_counted_whole()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => TrackAsync(code, WrongPassword)));
        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        foreach (var response in responses) response.Dispose();

        using var right = await TrackAsync(code, (string)submitted["queryPassword"]!);
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Count(s => s == 404), Is.LessThanOrEqualTo(4), "at most four misses before the lock");
            Assert.That(statuses.Count(s => s == 429), Is.GreaterThanOrEqualTo(8));
            Assert.That(right.StatusCode, Is.EqualTo((HttpStatusCode)429));
        });
    }

    [Test]
    public async Task A_string_that_cannot_be_a_code_is_a_plain_404_and_counts_nothing()
    {
        using var response = await TrackAsync("not-a-code!", WrongPassword);
        await AssertProblemAsync(response, 404);
        Assert.That(await CountAsync("password_guesses"), Is.Zero);
    }

    [Test]
    public async Task A_burst_of_wrong_passwords_on_citizen_commands_never_starves_the_connection_pool()
    {
        // Each command holds a connection of the main pool (8 here) while the failure is counted on
        // the side: three times the pool at once must all be answered, none left waiting for a connection.
        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post,
                $"/api/v1/complaints/{Feedback.Api.Infrastructure.Security.SecretCode.New()}/evaluation")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { solved = "yes", satisfaction = "satisfied" }),
            };
            request.Headers.Add("X-Query-Password", WrongPassword);
            return Client.SendAsync(request);
        }));
        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        foreach (var response in responses) response.Dispose();
        Assert.That(statuses, Is.All.EqualTo(404));
    }

    [Test]
    public async Task A_lock_started_from_another_address_never_stops_the_owners_right_password()
    {
        await using var app = BehindProxy();
        using var client = app.CreateHttpClient();
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        var password = (string)submitted["queryPassword"]!;

        // The attacker knows the code (say, from a poster) and types wrong passwords until locked.
        for (var attempt = 1; attempt <= 5; attempt++) (await TrackFromAsync(client, "203.0.113.66", code, WrongPassword)).Dispose();
        using var attackerLocked = await TrackFromAsync(client, "203.0.113.66", code, password);
        using var owner = await TrackFromAsync(client, "198.51.100.7", code, password);
        using var ownerTypo = await TrackFromAsync(client, "198.51.100.7", code, WrongPassword);
        using var ownerAgain = await TrackFromAsync(client, "198.51.100.7", code, password);

        Assert.Multiple(async () =>
        {
            Assert.That((int)attackerLocked.StatusCode, Is.EqualTo(429), "the guessing address is locked, even with the right password");
            Assert.That((int)owner.StatusCode, Is.EqualTo(200), "the owner, elsewhere, opens the case");
            await AssertProblemAsync(ownerTypo, 404);
            Assert.That((int)ownerAgain.StatusCode, Is.EqualTo(200));
        });
    }

    [Test]
    public async Task Guesses_from_many_addresses_slow_every_address_to_one_try_a_minute_and_lock_nobody()
    {
        await using var app = BehindProxy();
        using var client = app.CreateHttpClient();
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        var password = (string)submitted["queryPassword"]!;

        // Twenty failures (the ceiling) from five addresses, four each: none of them locked yet.
        for (var address = 1; address <= 5; address++)
            for (var attempt = 1; attempt <= 4; attempt++)
            {
                using var miss = await TrackFromAsync(client, $"203.0.113.{address}", code, WrongPassword);
                Assert.That((int)miss.StatusCode, Is.EqualTo(404));
            }

        // Past the ceiling, each wrong password makes its address wait a minute, even for the right one.
        using var first = await TrackFromAsync(client, "203.0.113.50", code, WrongPassword);
        var paused = await AssertProblemAsync(first, 429);
        using var tooSoon = await TrackFromAsync(client, "203.0.113.50", code, password);
        // The owner, from an address that has not failed, is let in at once.
        using var owner = await TrackFromAsync(client, "198.51.100.7", code, password);
        Assert.Multiple(async () =>
        {
            Assert.That(first.Headers.RetryAfter?.Delta?.TotalSeconds, Is.InRange(1, 60));
            Assert.That((int)tooSoon.StatusCode, Is.EqualTo(429));
            Assert.That(tooSoon.Headers.RetryAfter?.Delta?.TotalSeconds, Is.InRange(1, 60));
            Assert.That((string?)paused["title"], Does.Contain("1 分钟"));
            Assert.That((int)owner.StatusCode, Is.EqualTo(200), "slowed, never locked: the right password opens");
        });

        await ExecuteAsync("update password_guesses set paused_until = now() - interval '1 second' where client = '203.0.113.50'");
        using var afterTheMinute = await TrackFromAsync(client, "203.0.113.50", code, password);
        Assert.That((int)afterTheMinute.StatusCode, Is.EqualTo(200));
    }
}

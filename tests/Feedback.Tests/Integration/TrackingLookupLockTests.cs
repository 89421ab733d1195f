using System.Net;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

/// <summary>Five wrong query passwords lock a tracking code's lookups for 15 minutes, whatever the rate limit.</summary>
public sealed class TrackingLookupLockTests : IntegrationTest
{
    private const string WrongPassword = "ABCDEFGHJKMN";

    [Test]
    public async Task Five_wrong_passwords_lock_the_code_even_against_the_right_password()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var wrong = await TrackAsync(code, WrongPassword);
            var miss = await AssertProblemAsync(wrong, 404);
            Assert.That((int?)miss["attemptsLeft"], Is.EqualTo(5 - attempt), $"attempt {attempt}: how many before the lock");
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
        await ExecuteAsync("update tracking_lookup_throttle set locked_until = now() - interval '1 second'");

        using var afterLock = await TrackAsync(code, password);
        Assert.That(afterLock.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await CountAsync("tracking_lookup_throttle"), Is.Zero, "the success forgot the failures");

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
        Assert.That(await CountAsync("tracking_lookup_throttle"), Is.Zero);
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
}

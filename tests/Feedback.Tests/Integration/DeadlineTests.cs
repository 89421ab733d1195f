using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

/// <summary>acceptBy is counted in the bureau's working days (Asia/Shanghai), from a fixed clock.</summary>
public sealed class DeadlineTests
{
    private static async Task<string> AcceptByAsync(DateTimeOffset now, string category)
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(now));
        app.StartServer();
        using var client = app.CreateHttpClient();
        using var response = await client.PostAsJsonAsync("/api/v1/complaints", new { categoryCode = category, description = "测试截止日期" });
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (string)body["acceptBy"]!;
    }

    [Test]
    public async Task Deadlines_skip_weekends_and_count_in_the_bureaus_time_zone()
    {
        await TestEnvironment.ResetDataAsync();
        Assert.Multiple(async () =>
        {
            // Thursday 17:00 UTC is already Friday 01:00 in Shanghai: Friday + 2 working days = Tuesday.
            Assert.That(await AcceptByAsync(DateTimeOffset.Parse("2026-11-26T17:00:00Z"), "air.odor"), Is.EqualTo("2026-12-01"));
            // Thursday 10:00 in Shanghai: Thursday + 2 = Monday.
            Assert.That(await AcceptByAsync(DateTimeOffset.Parse("2026-11-26T02:00:00Z"), "air.odor"), Is.EqualTo("2026-11-30"));
            // Drinking water is urgent: 1 working day. Saturday → Monday.
            Assert.That(await AcceptByAsync(DateTimeOffset.Parse("2026-11-28T04:00:00Z"), "water.drinking"), Is.EqualTo("2026-11-30"));
            // Conduct cases: 3 working days. Monday → Thursday.
            Assert.That(await AcceptByAsync(DateTimeOffset.Parse("2026-11-23T04:00:00Z"), "conduct.inaction"), Is.EqualTo("2026-11-26"));
        });
    }
}

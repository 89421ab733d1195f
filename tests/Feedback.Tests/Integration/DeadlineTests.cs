using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

/// <summary>
/// acceptBy is counted in the bureau's working days (Asia/Shanghai), from a fixed clock, on the
/// calendar the migrations seed.
/// </summary>
public sealed class DeadlineTests
{
    private static async Task<string> AcceptByAsync(DateTimeOffset now, string category) =>
        (string)(await SubmitAsync(now, category))["acceptBy"]!;

    private static async Task<JsonObject> SubmitAsync(DateTimeOffset now, string category)
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(now));
        app.StartServer();
        using var client = app.CreateHttpClient();
        using var response = await client.PostAsJsonAsync("/api/v1/complaints", new { categoryCode = category, description = "测试截止日期" });
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
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

    [Test]
    public async Task Deadlines_skip_the_seeded_public_holidays_and_count_make_up_days()
    {
        await TestEnvironment.ResetDataAsync();
        Assert.Multiple(async () =>
        {
            // Monday 16 February 2026 is in the 春节 block (15–23 February): + 2 = Tuesday 24, Wednesday 25.
            Assert.That(await AcceptByAsync(DateTimeOffset.Parse("2026-02-16T02:00:00Z"), "air.odor"), Is.EqualTo("2026-02-25"));
            // Friday 13 February + 1: Saturday 14 February is a make-up working day (调休上班).
            Assert.That(await AcceptByAsync(DateTimeOffset.Parse("2026-02-13T02:00:00Z"), "water.drinking"), Is.EqualTo("2026-02-14"));
            // Wednesday 30 September + 3 skips 国庆 (1–7 October): Thursday 8, Friday 9, make-up Saturday 10.
            Assert.That(await AcceptByAsync(DateTimeOffset.Parse("2026-09-30T02:00:00Z"), "conduct.inaction"), Is.EqualTo("2026-10-10"));
        });
    }

    [Test]
    public async Task The_submission_answers_the_latest_resolution_deadline_counted_from_the_acceptance_deadline()
    {
        await TestEnvironment.ResetDataAsync();
        // Thursday 26 November in Shanghai: accepted by Monday 30 November, then 15 working days: Monday 21 December.
        var odour = await SubmitAsync(DateTimeOffset.Parse("2026-11-26T02:00:00Z"), "air.odor");
        // Conduct, Wednesday 23 September: 中秋节 on Friday 25 puts the decision on Tuesday 29; then 30 working days
        // across 国庆 (1–7 October) and its make-up Saturday 10 October: Monday 16 November.
        var conduct = await SubmitAsync(DateTimeOffset.Parse("2026-09-23T02:00:00Z"), "conduct.inaction");
        Assert.Multiple(() =>
        {
            Assert.That((string?)odour["acceptBy"], Is.EqualTo("2026-11-30"));
            Assert.That((string?)odour["resolveBy"], Is.EqualTo("2026-12-21"));
            Assert.That((string?)conduct["acceptBy"], Is.EqualTo("2026-09-29"));
            Assert.That((string?)conduct["resolveBy"], Is.EqualTo("2026-11-16"));
        });
    }
}

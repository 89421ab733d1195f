using Feedback.Api.Features.Housekeeping;
using Feedback.Api.Features.Metrics;
using Feedback.Api.Features.Reminders;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration;

/// <summary>
/// Every instance runs the background work: two instances on one database, each round started on
/// both at once and twice over, still do each piece of work once. (Notification dispatch from two
/// instances: <see cref="Notifications.DeliveryTests"/>.)
/// </summary>
public sealed class BackgroundWorkAcrossInstancesTests : IntegrationTest
{
    private static FeedbackApp _second = null!;

    [OneTimeSetUp]
    public void StartSecondInstance()
    {
        _second = new FeedbackApp(TestEnvironment.Database.ConnectionString);
        _second.StartServer();
    }

    [OneTimeTearDown]
    public async Task StopSecondInstance() => await _second.DisposeAsync();

    /// <summary>Runs <paramref name="round"/> on both instances at once, twice each.</summary>
    private static async Task<T[]> OnBothAsync<T>(Func<IServiceProvider, Task<T>> round) =>
        await Task.WhenAll(new[] { App.Services, _second.Services, App.Services, _second.Services }.Select(services => Task.Run(() => round(services))));

    private async Task<List<string>> SubmitCasesAsync(int count)
    {
        var codes = new List<string>();
        for (var i = 0; i < count; i++) codes.Add((string)(await SubmitAsync())["trackingCode"]!);
        return codes;
    }

    [Test]
    public async Task Overdue_reminders_are_recorded_once_per_case()
    {
        var codes = await SubmitCasesAsync(3);
        await ExecuteAsync("update complaints set due_on = current_date - 3");

        var recorded = await OnBothAsync(services => services.GetRequiredService<OverdueReminders>().RecordDueAsync(CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(recorded.Sum(), Is.EqualTo(codes.Count));
            Assert.That(await CountAsync("complaint_events where type = 'reminder'"), Is.EqualTo(codes.Count));
        });
    }

    [Test]
    public async Task Housekeeping_closes_each_case_and_forgets_each_upload_once()
    {
        await SubmitCasesAsync(3);
        await ExecuteAsync("update complaints set status = 'resolved', resolved_at = now() - interval '20 days'");
        await ExecuteAsync(
            """
            insert into photos (id, device_hash, content_type, byte_size, width, height, uploaded_at)
            select gen_random_uuid(), sha256('device'::bytea), 'image/jpeg', 1, 1, 1, now() - interval '25 hours' from generate_series(1, 4)
            """);

        var rounds = await OnBothAsync(services => services.GetRequiredService<Housekeeping>().RunOnceAsync(CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(rounds.Sum(r => r.CasesClosed), Is.EqualTo(3));
            Assert.That(await CountAsync("complaint_events where type = 'closed'"), Is.EqualTo(3));
            Assert.That(rounds.Sum(r => r.UploadsDeleted), Is.EqualTo(4));
            Assert.That(await CountAsync("photos"), Is.Zero);
        });
    }

    [Test]
    public async Task Metrics_changes_are_folded_once()
    {
        await SubmitCasesAsync(4);
        var expected = await CountAsync("complaints");

        var folded = await OnBothAsync(services => services.GetRequiredService<MetricsFolder>().FoldAllAsync(CancellationToken.None));
        var unfolded = await CountAsync("metrics_changes");
        // With nothing left unfolded, the figures come from the folded counters alone.
        using var leader = await StaffLogin.ClientAsync("leader");
        // The bureau's today and yesterday: a submission at midnight falls in one of them.
        var today = DateTime.UtcNow.AddHours(8);
        using var response = await leader.GetAsync($"/api/v1/metrics/summary?from={today.AddDays(-1):yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        var summary = await ReadJsonAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(unfolded, Is.Zero, "every change folded");
            Assert.That(folded.Sum(), Is.GreaterThan(0));
            Assert.That((long)summary["current"]!["volume"]!, Is.EqualTo(expected), "each case counted once, whichever instance folded it");
        });
    }
}

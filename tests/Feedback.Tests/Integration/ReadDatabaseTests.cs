using System.Net.Http.Json;
using Feedback.Api.Infrastructure.Database;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration;

/// <summary>
/// FEEDBACK_DB_READ is used only while the primary reports it a synchronous standby; the test
/// database has no standby at all, so reads must stay on the primary. (Reads from a real standby:
/// the cluster tests.)
/// </summary>
public sealed class ReadDatabaseTests : IntegrationTest
{
    [Test]
    public async Task Without_a_synchronous_standby_reads_go_to_the_primary()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, settings: new Dictionary<string, string>
        {
            // Nothing listens there: a read sent to it would fail.
            ["FEEDBACK_DB_READ"] = "Host=127.0.0.1;Port=1;Database=feedback;Username=nobody;Password=none;Timeout=2",
        });
        app.StartServer();
        using var client = app.CreateHttpClient();
        var reads = app.Services.GetRequiredService<ReadDatabase>();
        await reads.CheckStandbyAsync(CancellationToken.None);
        var toStandby = reads.ReadsFromStandby;

        using var submitted = await client.PostAsJsonAsync("/api/v1/complaints", ValidComplaint());
        var receipt = await ReadJsonAsync(submitted);
        using var lookup = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{receipt["trackingCode"]}");
        lookup.Headers.Add("X-Query-Password", (string)receipt["queryPassword"]!);
        using var found = await client.SendAsync(lookup);

        Assert.Multiple(async () =>
        {
            Assert.That(toStandby, Is.False, "the primary has no synchronous standby");
            Assert.That((int)found.StatusCode, Is.EqualTo(200), await found.Content.ReadAsStringAsync());
        });
    }
}

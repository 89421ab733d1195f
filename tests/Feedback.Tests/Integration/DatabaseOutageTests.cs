using System.Net;
using System.Net.Http.Json;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

/// <summary>
/// With its own cluster, so stopping the database does not disturb other tests: an outage gives
/// 503 problems, and the service recovers by itself when the database returns.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Test]
    public async Task An_outage_gives_503_problems_and_the_service_recovers_by_itself()
    {
        await using var database = await PostgresCluster.StartAsync();
        await using var app = new FeedbackApp(database.ConnectionString, migrationConnectionString: database.MigrationConnectionString);
        app.StartServer();
        using var client = app.CreateHttpClient();
        var complaint = new { categoryCode = "air.odor", description = "数据库故障测试" };

        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await database.StopServerAsync();
        using (var ready = await client.GetAsync("/health/ready"))
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        using (var submit = await client.PostAsJsonAsync("/api/v1/complaints", complaint))
        {
            Assert.Multiple(() =>
            {
                Assert.That(submit.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(submit.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
                Assert.That(submit.Headers.RetryAfter, Is.Not.Null);
            });
        }

        await database.StartServerAgainAsync();
        var recovered = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 20 && recovered != HttpStatusCode.Created; attempt++)
        {
            using var submit = await client.PostAsJsonAsync("/api/v1/complaints", complaint);
            recovered = submit.StatusCode;
            if (recovered != HttpStatusCode.Created) await Task.Delay(250);
        }
        Assert.That(recovered, Is.EqualTo(HttpStatusCode.Created));
    }
}

using System.Net;
using System.Text.Json;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

/// <summary>SIGTERM as a rolling deploy sends it: unready first, then stop listening, and what is in flight finishes.</summary>
public sealed class GracefulShutdownTests : IntegrationTest
{
    /// <summary>A request body sent in two halves: the second only when the test says so.</summary>
    private sealed class HeldBody(byte[] body) : HttpContent
    {
        public TaskCompletionSource FirstHalfSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            FirstHalfSent.SetResult();
            await Release.Task;
            await stream.WriteAsync(body.AsMemory(body.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting until {what}; last: {value}");
            await Task.Delay(50);
        }
    }

    [Test]
    public async Task A_stopping_instance_is_unready_first_then_finishes_the_request_in_flight_and_exits_cleanly()
    {
        await using var api = new ApiProcess(new Dictionary<string, string?>
        {
            ["FEEDBACK_DB"] = TestEnvironment.Database.ConnectionString,
            ["FEEDBACK_RATE_LIMIT_PER_MINUTE"] = "0",
            ["FEEDBACK_DRAIN_SECONDS"] = "2",
        });
        await api.WaitUntilReadyAsync();
        using var client = api.CreateClient();
        var body = new HeldBody(JsonSerializer.SerializeToUtf8Bytes(ValidComplaint()));
        body.Headers.ContentType = new("application/json");
        var submission = client.PostAsync("/api/v1/complaints", body);
        await body.FirstHalfSent.Task;

        api.Terminate();
        var ready = await PollAsync(async () =>
        {
            using var other = api.CreateClient();
            using var response = await other.GetAsync("/health/ready");
            return response.StatusCode;
        }, status => status == HttpStatusCode.ServiceUnavailable, "/health/ready answers 503");
        HttpStatusCode servedWhileDraining;
        using (var other = api.CreateClient())
        using (var categories = await other.GetAsync("/api/v1/categories"))
            servedWhileDraining = categories.StatusCode;
        await PollAsync(api.RefusesConnectionsAsync, refused => refused, "the port refuses new connections");

        body.Release.SetResult();
        using var answer = await submission;
        var exitCode = await api.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Multiple(async () =>
        {
            Assert.That(ready, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(servedWhileDraining, Is.EqualTo(HttpStatusCode.OK), "while unready, the instance still serves what the balancer sends");
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Created), await answer.Content.ReadAsStringAsync());
            Assert.That(await CountAsync("complaints"), Is.EqualTo(1));
            Assert.That(exitCode, Is.Zero, api.Output);
            Assert.That(api.Output, Does.Contain("Stopping: not ready for 2 s"));
        });
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Feedback.Tests.Integration.Cluster;

/// <summary>
/// The production topology, started once for these tests with `make cluster`'s script: HAProxy in
/// front of two API instances, a Patroni primary and its synchronous standby. The tests run in
/// order on the one cluster; each leaves it whole (a primary and a synchronous standby).
/// It needs root (or the packages already installed): elsewhere the tests are skipped.
/// </summary>
[NonParallelizable]
public sealed class ClusterTests
{
    private ClusterTopology _cluster = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!Environment.IsPrivilegedProcess && ClusterTopology.MissingCommands() is { Length: > 0 } missing)
            Assert.Ignore($"The cluster needs patroni, etcd-server, haproxy, socat and curl, which only root can install here (missing {string.Join(", ", missing)}).");
        _cluster = await ClusterTopology.StartAsync();
        _client = new HttpClient { BaseAddress = _cluster.BalancerAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client?.Dispose();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [TearDown]
    public void ShowLogsOfAFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed && _cluster is not null)
            TestContext.Out.WriteLine(_cluster.LogTails());
    }

    [Test, Order(1)]
    public async Task Both_instances_serve_and_a_submission_is_found_at_once_on_the_standby()
    {
        var before = await _cluster.SuccessfulResponsesPerInstanceAsync();
        for (var i = 0; i < 10; i++)
        {
            using var categories = await _client.GetAsync("/api/v1/categories");
            Assert.That(categories.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        var after = await _cluster.SuccessfulResponsesPerInstanceAsync();
        Assert.That(after.Keys, Is.EquivalentTo(new[] { "api1", "api2" }));
        Assert.That(after.Where(instance => instance.Value > before[instance.Key]).Select(instance => instance.Key),
            Is.EquivalentTo(new[] { "api1", "api2" }), "both instances answered through the balancer");

        // Lookups read on the standby; a commit returns once the standby has applied it. So a case
        // is found on the next request, with no waiting.
        for (var i = 0; i < 10; i++)
        {
            var (trackingCode, password) = await SubmitOnceAsync($"读己之写测试 第 {i} 件");
            using var lookup = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{trackingCode}");
            lookup.Headers.Add("X-Query-Password", password);
            using var found = await _client.SendAsync(lookup);
            Assert.That(found.StatusCode, Is.EqualTo(HttpStatusCode.OK), await found.Content.ReadAsStringAsync());
        }
        await using (var primary = await OpenAsync("primary"))
        {
            Assert.That(await ScalarAsync<string>(primary, "show synchronous_commit"), Is.EqualTo("remote_apply"));
            Assert.That(await ScalarAsync<string>(primary, "select string_agg(sync_state, ',') from pg_stat_replication"), Is.EqualTo("sync"));
        }
        await using (var standby = await OpenAsync("standby"))
            Assert.That(await ScalarAsync<long>(standby, "select count(*) from pg_stat_activity where usename = 'feedback'"), Is.GreaterThan(0),
                "the API reads on the standby");
    }

    [Test, Order(2)]
    public async Task A_rolling_restart_fails_no_request()
    {
        // Sent once each, never retried: during a rolling deploy every request must simply work.
        var run = Guid.NewGuid().ToString("N")[..8];
        var answers = new ConcurrentQueue<string>();
        var numbers = 0;
        using var stop = new CancellationTokenSource();

        async Task SubmitAndLookUpUntilStoppedAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints")
                    {
                        Content = JsonContent.Create(Complaint($"滚动重启测试 {run} 第 {Interlocked.Increment(ref numbers)} 件")),
                    };
                    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                    using var response = await _client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    answers.Enqueue(response.StatusCode == HttpStatusCode.Created ? "201" : $"submission {(int)response.StatusCode}: {body}");
                    if (response.StatusCode != HttpStatusCode.Created) continue;
                    var created = JsonNode.Parse(body)!;
                    using var lookup = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{created["trackingCode"]}");
                    lookup.Headers.Add("X-Query-Password", (string)created["queryPassword"]!);
                    using var found = await _client.SendAsync(lookup);
                    answers.Enqueue(found.StatusCode == HttpStatusCode.OK ? "200" : $"lookup {(int)found.StatusCode}");
                }
                catch (Exception lost) when (lost is HttpRequestException or TaskCanceledException)
                {
                    answers.Enqueue($"no answer: {lost.Message}");
                }
            }
        }

        await _cluster.LibraryAsync("cluster_wait_for_sync_standby");
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(SubmitAndLookUpUntilStoppedAsync)).ToArray();
        await WaitUntilAsync(() => answers.Count >= 20, "requests before the restarts");
        var restarted = new List<string>();
        foreach (var instance in new[] { "1", "2" })
        {
            var before = answers.Count;
            restarted.Add(await _cluster.LibraryAsync("cluster_restart_instance", instance));
            await WaitUntilAsync(() => answers.Count >= before + 20, $"requests after instance {instance} is back");
        }
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        TestContext.Out.WriteLine($"rolling restart of {string.Join(", ", restarted)}: {answers.Count} requests answered");

        Assert.Multiple(async () =>
        {
            Assert.That(restarted, Is.EqualTo(new[] { "api-1", "api-2" }));
            Assert.That(answers.Where(answer => answer is not ("201" or "200")), Is.Empty, "no request failed");
            Assert.That((await _cluster.SuccessfulResponsesPerInstanceAsync()).Values, Has.All.GreaterThan(0));
        });
    }

    [Test, Order(3)]
    public async Task When_the_primary_is_killed_every_acknowledged_submission_is_stored_once_with_its_events()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var acknowledged = new ConcurrentDictionary<string, string>(); // description → tracking code
        var acknowledgedAfterTheKill = 0;
        var unexpected = new ConcurrentQueue<string>();
        var killed = false;
        var numbers = 0;
        using var stopSubmitting = new CancellationTokenSource();

        async Task SubmitUntilStoppedAsync()
        {
            while (!stopSubmitting.IsCancellationRequested)
            {
                var description = $"故障切换测试 {run} 第 {Interlocked.Increment(ref numbers)} 件";
                var (trackingCode, failure) = await SubmitLikeTheWebClientAsync(description);
                if (failure is not null)
                {
                    unexpected.Enqueue(failure);
                    continue;
                }
                acknowledged[description] = trackingCode!;
                if (Volatile.Read(ref killed)) Interlocked.Increment(ref acknowledgedAfterTheKill);
            }
        }

        await _cluster.LibraryAsync("cluster_wait_for_sync_standby");
        var submitters = Enumerable.Range(0, 4).Select(_ => Task.Run(SubmitUntilStoppedAsync)).ToArray();
        await WaitUntilAsync(() => acknowledged.Count >= 20, "submissions before the kill");

        var oldPrimary = await _cluster.LibraryAsync("cluster_primary");
        var clock = Stopwatch.StartNew();
        Assert.That(await _cluster.LibraryAsync("cluster_kill_primary"), Is.EqualTo(oldPrimary));
        Volatile.Write(ref killed, true);
        string? newPrimary = null;
        await WaitUntilAsync(async () => (newPrimary = await PrimaryAsync()) is { } node && node != oldPrimary, "Patroni to promote the standby");
        var promotedAfter = clock.Elapsed;
        await WaitUntilAsync(() => Volatile.Read(ref acknowledgedAfterTheKill) > 0, "a submission acknowledged after the kill");
        var firstAcknowledgedAfter = clock.Elapsed;
        await WaitUntilAsync(() => Volatile.Read(ref acknowledgedAfterTheKill) >= 20, "submissions on the new primary");
        await stopSubmitting.CancelAsync();
        await Task.WhenAll(submitters);
        TestContext.Out.WriteLine($"primary {oldPrimary} killed: {newPrimary} promoted after {promotedAfter.TotalSeconds:0.0} s, " +
                                  $"first submission acknowledged after {firstAcknowledgedAfter.TotalSeconds:0.0} s; {acknowledged.Count} acknowledged in all");

        Assert.That(unexpected, Is.Empty, "every answer was a 201, or a 503 or a lost connection that was retried");
        var stored = await StoredAsync(run);
        Assert.Multiple(() =>
        {
            foreach (var (description, trackingCode) in acknowledged)
            {
                Assert.That(stored.TryGetValue(description, out var cases) ? cases : [], Has.Count.EqualTo(1), $"{description} stored once");
                if (cases is [var only])
                {
                    Assert.That(only.TrackingCode, Is.EqualTo(trackingCode), description);
                    Assert.That(only.SubmittedEvents, Is.EqualTo(1), $"{trackingCode} has its 'submitted' event");
                }
            }
            Assert.That(stored.Where(entry => entry.Value.Count > 1).Select(entry => entry.Key), Is.Empty, "no submission stored twice");
        });

        // The old primary comes back as the new primary's synchronous standby.
        await _cluster.LibraryAsync("cluster_wait_for_sync_standby");
        Assert.That(await _cluster.LibraryAsync("cluster_standby"), Is.EqualTo(oldPrimary));
    }

    private sealed record StoredCase(string TrackingCode, long SubmittedEvents);

    private async Task<Dictionary<string, List<StoredCase>>> StoredAsync(string run)
    {
        await using var primary = await OpenAsync("primary");
        await using var command = new NpgsqlCommand(
            """
            select c.description, c.tracking_code,
                   (select count(*) from complaint_events e where e.complaint_id = c.id and e.type = 'submitted')
            from complaints c where c.description like '故障切换测试 ' || $1 || ' %'
            """, primary) { Parameters = { new() { Value = run } } };
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<string, List<StoredCase>>();
        while (await reader.ReadAsync())
        {
            var description = reader.GetString(0);
            if (!stored.TryGetValue(description, out var cases)) stored[description] = cases = [];
            cases.Add(new StoredCase(reader.GetString(1), reader.GetInt64(2)));
        }
        return stored;
    }

    private static object Complaint(string description) => new { categoryCode = "air.odor", description };

    private async Task<(string TrackingCode, string Password)> SubmitOnceAsync(string description)
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/complaints", Complaint(description));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body);
        var created = JsonNode.Parse(body)!;
        return ((string)created["trackingCode"]!, (string)created["queryPassword"]!);
    }

    /// <summary>
    /// One submission as the web client makes it: one Idempotency-Key for the body, sent again after a
    /// 503 or a lost connection until the service answers. Returns the tracking code, or what else came.
    /// </summary>
    private async Task<(string? TrackingCode, string? Failure)> SubmitLikeTheWebClientAsync(string description)
    {
        var key = Guid.NewGuid().ToString();
        var giveUp = Stopwatch.StartNew();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = JsonContent.Create(Complaint(description)) };
            request.Headers.Add("Idempotency-Key", key);
            try
            {
                using var response = await _client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.Created) return ((string)JsonNode.Parse(body)!["trackingCode"]!, null);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable) return (null, $"{(int)response.StatusCode}: {body}");
            }
            catch (Exception lost) when (lost is HttpRequestException or TaskCanceledException)
            {
            }
            if (giveUp.Elapsed > TimeSpan.FromMinutes(2)) return (null, $"{description}: no answer but 503 or a lost connection for two minutes");
            await Task.Delay(200);
        }
    }

    private async Task<string?> PrimaryAsync()
    {
        try
        {
            return await _cluster.LibraryAsync("cluster_primary");
        }
        catch (InvalidOperationException)
        {
            return null; // no node is primary at this moment
        }
    }

    private Task<NpgsqlConnection> OpenAsync(string role) => OpenConnectionAsync(
        new NpgsqlConnectionStringBuilder(_cluster.AdminConnectionString) { TargetSessionAttributes = role }.ConnectionString);

    private static async Task<NpgsqlConnection> OpenConnectionAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls, with a deadline only so that a failure ends.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(3)) Assert.Fail($"Gave up waiting for {what}.");
            await Task.Delay(100);
        }
    }
}

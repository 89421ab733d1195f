using System.Net;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Feedback.Tests.Integration.Staff.StaffSecurity;

namespace Feedback.Tests.Integration;

/// <summary>
/// The audit log cannot be filled at will by the anonymous public, and no entry is silently lost:
/// anonymous refusals are tallied, targets are bounded, and a write that fails fails its request.
/// </summary>
[NonParallelizable]
public sealed class AuditBoundsTests : IntegrationTest
{
    [Test]
    public async Task Ten_thousand_anonymous_401s_add_a_few_small_rows_and_every_one_is_counted()
    {
        const int flood = 10_000;
        // Raw paths of 3 KB, each different: the stored target is the route's template.
        var padding = new string('Z', 3_000);
        var sent = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (_, cancellationToken) =>
        {
            using var client = App.CreateHttpClient();
            while (Interlocked.Increment(ref sent) <= flood)
            {
                using var response = await client.GetAsync($"/api/v1/staff/complaints/{padding}{sent}", cancellationToken);
                statuses.Add(response.StatusCode);
            }
        });
        await FlushRepeatedRefusalsAsync();

        var rows = await AuditAsync("action = 'request.unauthenticated'");
        var bytes = await ScalarAsync<long>("select coalesce(sum(pg_column_size(a.*)), 0) from audit_log a");
        var repeats = await ScalarAsync<long>("select coalesce(sum((after->>'repeats')::bigint), 0) from audit_log where action = 'request.unauthenticated'");
        Assert.Multiple(() =>
        {
            Assert.That(statuses, Has.Count.EqualTo(flood));
            Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(rows, Has.Count.InRange(1, 4), "the first of each minute, and one row counting the rest");
            Assert.That(bytes, Is.LessThan(4_096), "a few hundred bytes a row");
            Assert.That(rows.Select(r => r.TargetId).Distinct(), Is.EqualTo(new[] { "GET /api/v1/staff/complaints/{trackingCode}" }));
            Assert.That(rows.Count(r => r.After is null) + repeats, Is.EqualTo(flood), "none vanished: every refusal is written or counted");
        });
    }

    [Test]
    public async Task Another_address_or_route_is_recorded_at_once_and_a_signed_in_refusal_every_time()
    {
        using (await Client.GetAsync("/api/v1/staff/complaints")) { }
        using (await Client.GetAsync("/api/v1/staff/complaints")) { }
        using (await Client.GetAsync("/api/v1/admin/users")) { }
        using var leader = await StaffAsync("leader");
        using (await leader.GetAsync("/api/v1/admin/users")) { }
        using (await leader.GetAsync("/api/v1/admin/users")) { }

        var rows = (await AuditAsync("outcome = 'denied'")).Select(r => $"{r.Action} {r.TargetId}").ToList();
        Assert.That(rows, Is.EqualTo(new[]
        {
            "request.unauthenticated GET /api/v1/staff/complaints",
            "request.unauthenticated GET /api/v1/admin/users",
            "request.forbidden GET /api/v1/admin/users",
            "request.forbidden GET /api/v1/admin/users",
        }), "the repeated anonymous 401 waits for its minute's summary; the leader's 403s are each written");
    }

    [Test]
    public async Task Any_target_fits_the_log_cut_to_256_characters()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var target = string.Concat(Enumerable.Repeat("环保", 2_000)); // 4,000 characters, 12 KB in UTF-8
        await audit.RecordOutsideTransactionAsync(new AuditActor(null, null, null, IPAddress.Loopback),
            new AuditEntry("request.unauthenticated", "route", target), "denied", CancellationToken.None);

        var stored = (await AuditAsync("action = 'request.unauthenticated'")).Single().TargetId!;
        Assert.Multiple(() =>
        {
            Assert.That(stored, Has.Length.EqualTo(AuditLog.MaxTargetLength));
            Assert.That(stored, Does.StartWith("环保环保").And.EndWith("…"));
        });
    }

    [Test]
    public async Task A_refusal_that_cannot_be_audited_is_not_answered_as_if_it_had_been()
    {
        await ExecuteAsAdminAsync("revoke insert on audit_log from feedback_api");
        try
        {
            using var response = await Client.GetAsync("/api/v1/staff/complaints");
            Assert.That((int)response.StatusCode, Is.GreaterThanOrEqualTo(500), "the request fails rather than leave no trace");
            await AssertProblemAsync(response, (int)response.StatusCode);
        }
        finally
        {
            await ExecuteAsAdminAsync("grant insert on audit_log to feedback_api");
        }
        using var afterwards = await Client.GetAsync("/api/v1/staff/complaints/23456789ABCD");
        Assert.That((int)afterwards.StatusCode, Is.EqualTo(401));
        Assert.That(await AuditAsync("action = 'request.unauthenticated'"), Has.Count.EqualTo(1));
    }

    private static async Task ExecuteAsAdminAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Notifications;

/// <summary>The administrator's outbox: filters, attempts and errors, retrying a dead letter, delivery figures.</summary>
public sealed class OutboxAdministrationTests : NotificationTest
{
    private static async Task<JsonObject> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return JsonNode.Parse(body)!.AsObject();
    }

    [Test]
    public async Task A_dead_letter_shows_its_attempts_and_errors_and_a_retry_delivers_it()
    {
        Smtp.SetMode("550 5.1.1 Mailbox unavailable");
        var (code, _) = await SubmitAsync(Complaint(["sms", "email"]));
        await DispatchAsync();
        using var admin = await StaffLogin.ClientAsync("admin");

        var dead = await GetAsync(admin, "/api/v1/admin/notifications?state=dead");
        var item = dead["items"]!.AsArray().Single()!;
        Assert.Multiple(() =>
        {
            Assert.That((string)item["channel"]!, Is.EqualTo("email"));
            Assert.That((string)item["kind"]!, Is.EqualTo("receipt"));
            Assert.That((string)item["recipient"]!, Is.EqualTo("w***@example.cn"), "masked");
            Assert.That((string)item["trackingCode"]!, Is.EqualTo(code));
            Assert.That((string)item["lastError"]!, Does.Contain("550"));
        });
        var sms = (await GetAsync(admin, "/api/v1/admin/notifications?channel=sms"))["items"]!.AsArray().Single()!;
        Assert.That((string)sms["recipient"]!, Is.EqualTo("138****8000"));

        var id = (string)item["id"]!;
        var details = await GetAsync(admin, $"/api/v1/admin/notifications/{id}");
        var attempt = details["attempts"]!.AsArray().Single()!;
        Assert.Multiple(() =>
        {
            Assert.That((int)attempt["number"]!, Is.EqualTo(1));
            Assert.That((string)attempt["outcome"]!, Is.EqualTo("rejected"));
            Assert.That((string)attempt["error"]!, Does.Contain("550"));
        });

        using (var refused = await admin.PostAsync($"/api/v1/admin/notifications/{(string)sms["id"]!}/retry", null))
            Assert.That((int)refused.StatusCode, Is.EqualTo(409), "a message that was sent is not sent again");

        Smtp.SetMode("ok");
        using (var retried = await admin.PostAsync($"/api/v1/admin/notifications/{id}/retry", null))
        {
            Assert.That((int)retried.StatusCode, Is.EqualTo(200));
            Assert.That((string)JsonNode.Parse(await retried.Content.ReadAsStringAsync())!["state"]!, Is.EqualTo("pending"));
        }
        await DispatchAsync();
        var after = await GetAsync(admin, $"/api/v1/admin/notifications/{id}");
        Assert.Multiple(async () =>
        {
            Assert.That((string)after["message"]!["state"]!, Is.EqualTo("sent"));
            Assert.That(after["attempts"]!.AsArray().Select(a => (string)a!["outcome"]!), Is.EqualTo(new[] { "rejected", "sent" }));
            Assert.That(MailTo("wang@example.cn"), Has.Count.EqualTo(1));
            Assert.That(await ScalarAsync<long>("select count(*) from audit_log where action = 'notification.retry' and target_id = @p::text", id), Is.EqualTo(1));
        });

        var figures = await GetAsync(admin, "/api/v1/admin/notifications/figures");
        var email = figures["channels"]!.AsArray().Single(c => (string)c!["channel"]! == "email")!;
        Assert.Multiple(() =>
        {
            Assert.That((int)email["sent"]!, Is.EqualTo(1));
            Assert.That((int)email["failed"]!, Is.Zero);
            Assert.That((double?)email["medianDelaySeconds"], Is.GreaterThanOrEqualTo(0));
        });
    }

    [Test]
    public async Task The_list_filters_pages_and_hides_a_conduct_cases_code()
    {
        var (conduct, _) = await SubmitAsync(Complaint(["email"], email: "x@example.cn", category: "conduct.misconduct"));
        for (var i = 0; i < 3; i++) await SubmitAsync(Complaint(["sms"], phone: $"1390013900{i}"));
        using var admin = await StaffLogin.ClientAsync("admin");

        var all = await GetAsync(admin, "/api/v1/admin/notifications");
        Assert.Multiple(() =>
        {
            Assert.That(all["items"]!.AsArray(), Has.Count.EqualTo(4));
            Assert.That(all["next"], Is.Null);
            var email = all["items"]!.AsArray().Single(i => (string)i!["channel"]! == "email")!;
            Assert.That(email["trackingCode"], Is.Null, "a conduct case is not named to an administrator");
            Assert.That(all.ToJsonString(), Does.Not.Contain(conduct));
        });
        Assert.That((await GetAsync(admin, "/api/v1/admin/notifications?channel=sms&state=pending&kind=receipt"))["items"]!.AsArray(), Has.Count.EqualTo(3));
        Assert.That((await GetAsync(admin, "/api/v1/admin/notifications?kind=accepted"))["items"]!.AsArray(), Is.Empty);
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        Assert.That((await GetAsync(admin, $"/api/v1/admin/notifications?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}"))["items"]!.AsArray(), Has.Count.EqualTo(4));
        Assert.That((await GetAsync(admin, $"/api/v1/admin/notifications?to={today.AddDays(-1):yyyy-MM-dd}"))["items"]!.AsArray(), Is.Empty);

        await ScalarAsync<int>(
            """
            with made as (
                insert into notifications (kind, channel, recipient, language, payload, created_at, next_attempt_at, state, attempts)
                select 'receipt', 'email', 'p' || n || '@example.cn', 'zh-CN', '{}', now() - n * interval '1 second', now(), 'dead', 1
                from generate_series(1, 60) n returning 1)
            select count(*)::int from made
            """);
        var first = await GetAsync(admin, "/api/v1/admin/notifications?state=dead");
        var second = await GetAsync(admin, $"/api/v1/admin/notifications?state=dead&before={(string)first["next"]!}");
        Assert.Multiple(() =>
        {
            Assert.That(first["items"]!.AsArray(), Has.Count.EqualTo(50));
            Assert.That(second["items"]!.AsArray(), Has.Count.EqualTo(10));
            Assert.That(second["next"], Is.Null);
            Assert.That(first["items"]!.AsArray().Select(i => (string)i!["id"]!).Intersect(second["items"]!.AsArray().Select(i => (string)i!["id"]!)), Is.Empty);
        });

        foreach (var bad in new[] { "state=lost", "kind=nope", "from=2026-12-10&to=2026-12-01", "before=garbage", "channel=pigeon", "from=0001-01-01", "to=9999-12-31" })
        {
            using var refused = await admin.GetAsync($"/api/v1/admin/notifications?{bad}");
            Assert.That((int)refused.StatusCode, Is.EqualTo(400), bad);
        }
        using (var english = await StaffLogin.ClientAsync("admin"))
        {
            english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
            using var kinds = await english.GetAsync("/api/v1/admin/notifications/kinds");
            var list = JsonNode.Parse(await kinds.Content.ReadAsStringAsync())!.AsArray();
            Assert.That(list.Select(k => (string)k!["kind"]!), Does.Contain("receipt").And.Contain("new_case"));
            Assert.That((string)list.Single(k => (string)k!["kind"]! == "receipt")!["name"]!, Is.EqualTo("Receipt"));
            Assert.That(list.Select(k => (string)k!["audience"]!).Distinct(), Is.EqualTo(new[] { "citizen", "staff" }), "citizens' kinds first");
        }
        using var unknown = await admin.GetAsync($"/api/v1/admin/notifications/{Guid.NewGuid()}");
        Assert.That((int)unknown.StatusCode, Is.EqualTo(404));
    }
}

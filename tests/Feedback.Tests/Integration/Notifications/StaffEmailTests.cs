using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Feedback.Api.Features.Reminders;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration.Notifications;

/// <summary>What staff are told by email, by their own settings: new cases (urgent at once, the rest in a digest), assignments, deadlines, decisions to make.</summary>
public sealed class StaffEmailTests : NotificationTest
{
    private static async Task<JsonObject> SettingsAsync(string username, object? change = null)
    {
        using var client = await StaffLogin.ClientAsync(username);
        using var response = change is null ? await client.GetAsync("/api/v1/me/notifications") : await client.PutAsJsonAsync("/api/v1/me/notifications", change);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static Task<JsonObject> GiveEmailAsync(string username, int digestHour = 8) =>
        SettingsAsync(username, new { email = $"{username}@bureau.test", digestHour });

    private static async Task<long> UserIdAsync(string username) =>
        await ScalarAsync<long>("select id from staff_users where username = @p", username);

    [Test]
    public async Task Settings_list_the_kinds_of_ones_role_with_sensible_defaults_and_refuse_what_is_not_theirs()
    {
        var clerk = await SettingsAsync("enforcement.staff");
        var head = await SettingsAsync("enforcement");
        var leader = await SettingsAsync("leader");
        bool On(JsonObject settings, string kind) => (bool)settings["kinds"]!.AsArray().Single(k => (string)k!["kind"]! == kind)!["enabled"]!;
        Assert.Multiple(() =>
        {
            Assert.That(clerk["email"], Is.Null, "no address, no email");
            Assert.That(On(clerk, "new_case"), Is.False, "a clerk is not told of every new case by default");
            Assert.That(On(clerk, "assigned"), Is.True);
            Assert.That(On(head, "new_case"), Is.True);
            Assert.That(leader["kinds"]!.AsArray().Select(k => (string)k!["kind"]!), Is.EquivalentTo(new[] { "extension_requested", "publication_pending" }));
        });

        var changed = await SettingsAsync("enforcement.staff", new { email = "clerk@bureau.test", digestHour = 17, kinds = new[] { new { kind = "new_case", enabled = true } } });
        Assert.Multiple(() =>
        {
            Assert.That((string)changed["email"]!, Is.EqualTo("clerk@bureau.test"));
            Assert.That((int)changed["digestHour"]!, Is.EqualTo(17));
            Assert.That(On(changed, "new_case"), Is.True);
        });

        using var client = await StaffLogin.ClientAsync("enforcement.staff");
        foreach (var bad in new object[]
                 {
                     new { email = "not an address", digestHour = 8 },
                     new { email = "clerk@bureau.test", digestHour = 24 },
                     new { email = "clerk@bureau.test", digestHour = 8, kinds = new[] { new { kind = "extension_requested", enabled = true } } },
                 })
        {
            using var refused = await client.PutAsJsonAsync("/api/v1/me/notifications", bad);
            Assert.That((int)refused.StatusCode, Is.EqualTo(400), await refused.Content.ReadAsStringAsync());
        }
        Assert.That((string)(await SettingsAsync("enforcement.staff"))["email"]!, Is.EqualTo("clerk@bureau.test"), "a refused change changes nothing");
        using var anonymous = Notifying.CreateHttpClient();
        using var unsigned = await anonymous.GetAsync("/api/v1/me/notifications");
        Assert.That((int)unsigned.StatusCode, Is.EqualTo(401));
    }

    [Test]
    public async Task An_urgent_case_is_told_at_once_and_the_others_wait_for_one_digest_at_the_chosen_hour()
    {
        await GiveEmailAsync("enforcement", digestHour: 9);
        await GiveEmailAsync("enforcement.staff"); // a clerk: new cases off by default
        var (urgent, _) = await SubmitAsync(Complaint([], category: "water.drinking"));
        var (first, _) = await SubmitAsync(Complaint([]));
        var (second, _) = await SubmitAsync(Complaint([]));

        await DispatchAsync();
        var now = MailTo("enforcement@bureau.test");
        Assert.That(now.Select(m => m.Subject), Is.EqualTo(new[] { $"新案件待受理：{urgent}（饮用水源污染）" }), "only the urgent case at once");
        Assert.That(MailTo("enforcement.staff@bureau.test"), Is.Empty);

        var due = await ScalarAsync<DateTime>("select min(next_attempt_at) from notifications where digest");
        Clock.Advance(new DateTimeOffset(due, TimeSpan.Zero) - Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        Assert.That(TimeZoneInfo.ConvertTime(new DateTimeOffset(due, TimeSpan.Zero), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).Hour, Is.EqualTo(9));
        await DispatchAsync();
        var digest = MailTo("enforcement@bureau.test").Skip(1).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(digest, Has.Count.EqualTo(1), "one digest for the two cases");
            Assert.That(digest[0].Subject, Is.EqualTo("工作提醒汇总：2 件新案件"));
            Assert.That(digest[0].TextBody, Does.Contain(first).And.Contain(second).And.Not.Contain("化工厂"), "codes, never what the citizen wrote");
            Assert.That(digest[0].TextBody, Does.Not.Contain("13800138000").And.Not.Contain("wang@"), "no contact details");
        });
    }

    [Test]
    public async Task An_assignment_an_extension_request_and_a_proposed_publication_reach_who_must_act_and_never_the_actor()
    {
        foreach (var user in new[] { "enforcement", "enforcement.staff", "leader" }) await GiveEmailAsync(user);
        var (code, _) = await SubmitAsync(Complaint([]));
        Clock.Advance(TimeSpan.FromDays(1)); // past the digest hour: the head's new-case digest is not what this test reads
        await ActAsync("enforcement", code, "assign", new { assigneeId = await UserIdAsync("enforcement.staff") });
        await ActAsync("enforcement.staff", code, "accept", new { });
        await ActAsync("enforcement.staff", code, "extensions", new { days = 10, reason = "需要第三方检测报告" });
        await DispatchAsync();
        Assert.Multiple(() =>
        {
            Assert.That(MailTo("enforcement.staff@bureau.test").Select(m => m.Subject), Does.Contain($"案件指派给您：{code}（异味臭气）"));
            Assert.That(MailTo("leader@bureau.test").Select(m => m.Subject), Does.Contain($"延期申请待审批：{code}（异味臭气）"));
            Assert.That(MailTo("enforcement@bureau.test").Select(m => m.Subject).Where(s => s!.StartsWith("案件指派", StringComparison.Ordinal)), Is.Empty,
                "the head who assigned is not told of it");
        });
        var assigned = MailTo("enforcement.staff@bureau.test").First(m => (m.Subject ?? "").StartsWith("案件指派", StringComparison.Ordinal));
        Assert.That(assigned.TextBody, Does.Contain($"{PublicUrl}/#/staff/cases/{code}"));

        await ActAsync("leader", code, "extensions/decision", new { approve = true, reason = "同意" });
        await ActAsync("enforcement.staff", code, "resolve", new { result = "已责令整改" });
        using (var clerk = await StaffLogin.ClientAsync("enforcement.staff"))
        {
            var current = await clerk.GetAsync($"/api/v1/staff/complaints/{code}/publication");
            using var propose = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{code}/publication")
            {
                Content = JsonContent.Create(new { summary = "群众反映工厂夜间排放异味。", result = "已责令整改，复查时异味已消除。" }),
            };
            propose.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag?.ToString() ?? "\"0\"");
            using var proposed = await clerk.SendAsync(propose);
            Assert.That((int)proposed.StatusCode, Is.EqualTo(200), await proposed.Content.ReadAsStringAsync());
        }
        await DispatchAsync();
        Assert.That(MailTo("enforcement@bureau.test").Select(m => m.Subject), Does.Contain($"公开摘要待审批：{code}（异味臭气）"));
    }

    [Test]
    public async Task Deadlines_warn_the_assignee_and_head_once_when_due_soon_and_once_when_overdue_and_never_outside_discipline_for_conduct()
    {
        foreach (var user in new[] { "enforcement", "enforcement.staff", "discipline", "discipline.staff", "leader" }) await GiveEmailAsync(user);
        var (code, _) = await SubmitAsync(Complaint([]));
        var (conduct, _) = await SubmitAsync(Complaint([], category: "conduct.misconduct"));
        await ActAsync("enforcement", code, "assign", new { assigneeId = await UserIdAsync("enforcement.staff") });
        Clock.Advance(TimeSpan.FromDays(1));
        var reminders = Notifying.Services.GetRequiredService<OverdueReminders>();

        // Move both deadlines to tomorrow (due soon), then to yesterday (overdue).
        await ScalarAsync<int>("with d as (update complaints set due_on = (now() at time zone 'Asia/Shanghai')::date + 1, accept_by = (now() at time zone 'Asia/Shanghai')::date + 1 returning 1) select count(*)::int from d");
        Clock.Reset();
        await reminders.RecordDueAsync(CancellationToken.None);
        await reminders.RecordDueAsync(CancellationToken.None);
        await ScalarAsync<int>("with d as (update complaints set due_on = (now() at time zone 'Asia/Shanghai')::date - 1, accept_by = (now() at time zone 'Asia/Shanghai')::date - 1 returning 1) select count(*)::int from d");
        await reminders.RecordDueAsync(CancellationToken.None);
        await reminders.RecordDueAsync(CancellationToken.None);
        Clock.Advance(TimeSpan.FromDays(1)); // the head's digest of new cases goes out too; this test reads the deadline mail
        await DispatchAsync();

        string[] Subjects(string user) => MailTo($"{user}@bureau.test").Select(m => m.Subject ?? "").Where(s => !s.StartsWith("工作提醒汇总", StringComparison.Ordinal)).ToArray();
        Assert.Multiple(() =>
        {
            foreach (var user in new[] { "enforcement", "enforcement.staff" })
            {
                Assert.That(Subjects(user).Count(s => s == $"案件即将超期：{code}（异味臭气）"), Is.EqualTo(1), user);
                Assert.That(Subjects(user).Count(s => s == $"督办：案件已超期 {code}（异味臭气）"), Is.EqualTo(1), user);
            }
            Assert.That(Subjects("discipline").Count(s => s.Contains(conduct)), Is.EqualTo(2), "discipline inspection hears of the conduct case");
            Assert.That(new[] { "enforcement", "enforcement.staff", "leader" }.SelectMany(Subjects).Where(s => s.Contains(conduct)), Is.Empty,
                "nobody outside discipline inspection and leaders hears of a conduct case");
            Assert.That(MailTo("discipline.staff@bureau.test").Where(m => (m.Subject ?? "").Contains(conduct)), Is.Empty, "a clerk not assigned is not told");
        });
    }

    [Test]
    public async Task A_staff_unsubscribe_link_switches_that_kind_off_for_that_person()
    {
        await GiveEmailAsync("enforcement.staff");
        var (code, _) = await SubmitAsync(Complaint([]));
        await ActAsync("enforcement", code, "assign", new { assigneeId = await UserIdAsync("enforcement.staff") });
        await DispatchAsync();
        var token = Regex.Match(MailTo("enforcement.staff@bureau.test").Single().TextBody!, "unsubscribe\\?token=([0-9a-f]{32})").Groups[1].Value;
        using var response = await Citizen.PostAsJsonAsync("/api/v1/notifications/unsubscribe", new { token });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That((string)body["kind"]!, Is.EqualTo("指派给我的案件"));
        var settings = await SettingsAsync("enforcement.staff");
        Assert.That((bool)settings["kinds"]!.AsArray().Single(k => (string)k!["kind"]! == "assigned")!["enabled"]!, Is.False);
    }
}

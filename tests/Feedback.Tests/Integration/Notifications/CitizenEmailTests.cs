using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Feedback.Tests.Integration.Notifications;

/// <summary>What a citizen who consented to email receives on a real SMTP server, across a whole case.</summary>
public sealed class CitizenEmailTests : NotificationTest
{
    private static string Text(MimeMessage message) => message.TextBody ?? "";

    [Test]
    public async Task A_receipt_carries_the_tracking_code_and_link_but_never_the_password_or_what_was_written()
    {
        var (code, password) = await SubmitAsync(Complaint(["email"]));
        Assert.That(await ScalarAsync<long>("select count(*) from notifications where kind = 'receipt' and state = 'pending'"), Is.EqualTo(1),
            "the receipt is in the outbox as soon as the case is");
        Assert.That(MailTo("wang@example.cn"), Is.Empty, "nothing is sent by the request itself");

        var round = await DispatchAsync();
        Assert.That(round.Sent, Is.EqualTo(1));
        var mail = MailTo("wang@example.cn").Single();
        var id = await ScalarAsync<Guid>("select id from notifications");
        Assert.Multiple(() =>
        {
            Assert.That(mail.Subject, Does.Contain(code));
            Assert.That(mail.From.Mailboxes.Single().Address, Is.EqualTo("noreply@feedback.test"));
            Assert.That(mail.MessageId, Is.EqualTo($"{id:N}@feedback.test"), "the outbox id is the Message-Id");
            Assert.That(mail.Body, Is.InstanceOf<MultipartAlternative>(), "text and HTML alternatives");
            Assert.That(mail.HtmlBody, Does.Contain($"{PublicUrl}/#/track?code={code}"));
            Assert.That(Text(mail), Does.Contain($"{PublicUrl}/#/track?code={code}"));
            Assert.That(Text(mail) + mail.HtmlBody, Does.Not.Contain(password), "the query password is never in a receipt");
            Assert.That(Text(mail) + mail.HtmlBody, Does.Not.Contain("化工厂"), "nothing the citizen wrote");
            Assert.That(mail.Headers["List-Unsubscribe"], Is.EqualTo($"<{PublicUrl}/#/unsubscribe?token={id:N}>"));
            Assert.That(Text(mail), Does.Contain($"{PublicUrl}/#/unsubscribe?token={id:N}"));
        });

        using var track = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{code}");
        track.Headers.Add("X-Query-Password", password);
        using var tracked = await Citizen.SendAsync(track);
        var notices = JsonNode.Parse(await tracked.Content.ReadAsStringAsync())!;
        Assert.Multiple(() =>
        {
            Assert.That(notices["notifyBy"]!.AsArray().Select(n => (string)n!), Is.EqualTo(new[] { "email" }));
            var notice = notices["notices"]!.AsArray().Single()!;
            Assert.That((string)notice["kind"]!, Is.EqualTo("receipt"));
            Assert.That((string)notice["channel"]!, Is.EqualTo("email"));
            Assert.That((string)notice["status"]!, Is.EqualTo("sent"));
            Assert.That(notice["sentAt"], Is.Not.Null);
            Assert.That(notice.ToJsonString(), Does.Not.Contain("wang@"), "the tracking page names the channel, not the contact");
        });
    }

    [Test]
    public async Task Contact_details_without_consent_send_nothing()
    {
        await SubmitAsync(Complaint([]));
        await SubmitAsync(new { categoryCode = "air.odor", description = "夜间异味", contact = new { email = "li@example.cn" } });
        await DispatchAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync<long>("select count(*) from notifications"), Is.Zero);
            Assert.That(Smtp.Messages(), Is.Empty);
        });
    }

    [Test]
    public async Task A_channel_without_its_contact_or_not_offered_is_refused_and_nothing_is_stored()
    {
        foreach (var (complaint, expected) in new (object, string)[]
                 {
                     (Complaint(["email"], email: null), "电子邮箱"),
                     (Complaint(["sms"], phone: null), "手机号码"),
                     (Complaint(["sms", "email"], phone: null, email: null), "手机号码"),
                 })
        {
            using var response = await Citizen.PostAsJsonAsync("/api/v1/complaints", complaint);
            var body = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.EqualTo(400), body);
            var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
            Assert.That(errors.Select(e => e.Key), Does.Contain("notifyBy"), body);
            Assert.That((string?)errors["notifyBy"]![0], Does.Contain(expected), body);
        }
        using (var shared = TestEnvironment.App.CreateHttpClient())
        using (var notOffered = await shared.PostAsJsonAsync("/api/v1/complaints", Complaint(["sms"])))
        {
            var body = await notOffered.Content.ReadAsStringAsync();
            Assert.That((int)notOffered.StatusCode, Is.EqualTo(400), body);
            Assert.That((string?)JsonNode.Parse(body)!["errors"]!["notifyBy"]![0], Does.Contain("暂未开通短信"), "an instance with no SMS provider");
        }
        using var unknown = await Citizen.PostAsJsonAsync("/api/v1/complaints", Complaint(["pigeon"]));
        Assert.That((int)unknown.StatusCode, Is.EqualTo(400));
        Assert.That(await ScalarAsync<long>("select count(*) from complaints"), Is.Zero);
    }

    [Test]
    public async Task The_channels_offered_are_the_channels_configured()
    {
        var offered = await Citizen.GetFromJsonAsync<JsonObject>("/api/v1/notification-channels");
        var shared = await TestEnvironment.App.CreateHttpClient().GetFromJsonAsync<JsonObject>("/api/v1/notification-channels");
        Assert.Multiple(() =>
        {
            Assert.That(offered!["channels"]!.AsArray().Select(c => (string)c!), Is.EqualTo(new[] { "sms", "email" }));
            Assert.That(shared!["channels"]!.AsArray(), Is.Empty, "an instance with no SMTP server and no SMS provider offers neither");
        });
    }

    [Test]
    public async Task The_citizen_is_told_of_every_step_of_a_case_in_their_language()
    {
        using var english = Notifying.CreateHttpClient("en");
        var (code, password) = await SubmitAsync(Complaint(["email"], email: "alice@example.com"), english);
        await ActAsync("enforcement.staff", code, "accept");
        await ActAsync("enforcement.staff", code, "replies", new { text = "We have sent inspectors to the plant." });
        await ActAsync("enforcement.staff", code, "notes", new { text = "内部备注：不告诉市民" });
        await ActAsync("enforcement.staff", code, "resolve", new { result = "The plant was fined and its exhaust filter replaced." });
        await DispatchAsync();

        var mail = MailTo("alice@example.com");
        Assert.That(mail.Select(m => m.Subject), Is.EqualTo(new[]
        {
            $"Complaint received (tracking code {code})",
            $"Complaint accepted ({code})",
            $"A reply on your complaint ({code})",
            $"Complaint resolved: please rate it ({code})",
        }).AsCollection, "one message per public step, none for an internal note, in the order they happened");
        Assert.Multiple(() =>
        {
            Assert.That(mail.All(m => (m.HtmlBody ?? "").Contains("<html lang=\"en\">", StringComparison.Ordinal)));
            Assert.That(Text(mail[2]), Does.Contain("We have sent inspectors to the plant."));
            Assert.That(Text(mail[3]), Does.Contain("The plant was fined"));
            Assert.That(Text(mail[3]), Does.Match(@"by \d{1,2} [A-Z][a-z]+ \d{4}"), "the last day to rate it");
            Assert.That(string.Concat(mail.Select(Text)), Does.Not.Contain("内部备注"));
        });

        // The review: the citizen asks, the section resolves again, the citizen hears the outcome.
        using var review = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{code}/review") { Content = JsonContent.Create(new { reason = "Still smells at night." }) };
        review.Headers.Add("X-Query-Password", password);
        using (var reviewed = await english.SendAsync(review)) Assert.That((int)reviewed.StatusCode, Is.EqualTo(200));
        await ActAsync("enforcement.staff", code, "resolve", new { result = "A night inspection found the filter bypassed; the plant is shut until fixed." });
        await DispatchAsync();
        var outcome = MailTo("alice@example.com").Last();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Subject, Is.EqualTo($"Review outcome ({code})"));
            Assert.That(Text(outcome), Does.Contain("filter bypassed"));
        });
    }

    [Test]
    public async Task A_rejection_gives_the_ground_and_the_referral_and_a_merge_names_no_other_case()
    {
        var (rejected, _) = await SubmitAsync(Complaint(["email"], email: "a@example.cn"));
        var (duplicate, _) = await SubmitAsync(Complaint(["email"], email: "b@example.cn"));
        var (original, _) = await SubmitAsync(Complaint([], email: "c@example.cn"));
        await ActAsync("enforcement.staff", rejected, "reject", new { ground = "outside_remit", reason = "噪声扰民属公安管辖", referral = "请拨打 110 或联系辖区派出所" });
        await ActAsync("enforcement", duplicate, "merge", new { originalTrackingCode = original });
        await DispatchAsync();

        var rejection = MailTo("a@example.cn")[1];
        var merge = MailTo("b@example.cn")[1];
        Assert.Multiple(() =>
        {
            Assert.That(rejection.Subject, Does.Contain("不予受理"));
            Assert.That(Text(rejection), Does.Contain("不属于本局职责范围").And.Contain("噪声扰民属公安管辖").And.Contain("请拨打 110"));
            Assert.That(merge.Subject, Does.Contain("合并"));
            Assert.That(Text(merge) + merge.HtmlBody, Does.Not.Contain(original), "the other case's code is someone else's");
            Assert.That(MailTo("c@example.cn"), Is.Empty);
        });
    }

    [Test]
    public async Task A_refused_action_writes_no_notice()
    {
        var (code, _) = await SubmitAsync(Complaint(["email"]));
        using var clerk = await StaffLogin.ClientAsync("enforcement.staff");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{code}/resolve") { Content = JsonContent.Create(new { result = "done" }) };
        using var current = await clerk.GetAsync($"/api/v1/staff/complaints/{code}");
        request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        using var refused = await clerk.SendAsync(request);
        Assert.That((int)refused.StatusCode, Is.EqualTo(409), "a submitted case cannot be resolved");
        Assert.That(await ScalarAsync<long>("select count(*) from notifications where kind <> 'receipt'"), Is.Zero);
    }

    [Test]
    public async Task A_citizen_who_has_not_rated_is_reminded_once_two_days_before_the_window_closes()
    {
        var (code, _) = await SubmitAsync(Complaint(["email"]));
        await ActAsync("enforcement.staff", code, "accept");
        await ActAsync("enforcement.staff", code, "resolve", new { result = "已处理" });
        var reminders = Notifying.Services.GetRequiredService<Feedback.Api.Features.Notifications.EvaluationReminders>();
        Assert.That(await reminders.QueueDueAsync(CancellationToken.None), Is.Zero, "not yet: the window has just opened");

        Clock.Advance(TimeSpan.FromDays(13));
        Assert.That(await reminders.QueueDueAsync(CancellationToken.None), Is.EqualTo(1), "two days before the 15-day window's last day");
        Assert.That(await reminders.QueueDueAsync(CancellationToken.None), Is.Zero, "once");
        await DispatchAsync();
        var reminder = MailTo("wang@example.cn").Single(m => (m.Subject ?? "").StartsWith("请评价处理结果", StringComparison.Ordinal));
        Assert.That(Text(reminder), Does.Contain(code));
    }

    [Test]
    public async Task Every_notice_of_a_whole_case_arrives_by_sms_and_by_email_once_and_in_order()
    {
        var (code, password) = await SubmitAsync(Complaint(["sms", "email"]));
        await ActAsync("enforcement.staff", code, "accept");
        await ActAsync("enforcement.staff", code, "replies", new { text = "已安排执法人员夜间巡查。" });
        await ActAsync("enforcement.staff", code, "resolve", new { result = "经查属实，已责令企业整改。" });
        await DispatchAsync();

        Clock.Advance(TimeSpan.FromDays(13));
        Assert.That(await Notifying.Services.GetRequiredService<Feedback.Api.Features.Notifications.EvaluationReminders>()
            .QueueDueAsync(CancellationToken.None), Is.EqualTo(1));
        await DispatchAsync();
        Clock.Reset();

        using (var review = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{code}/review") { Content = JsonContent.Create(new { reason = "夜间仍有异味" }) })
        {
            review.Headers.Add("X-Query-Password", password);
            using var reviewed = await Citizen.SendAsync(review);
            Assert.That((int)reviewed.StatusCode, Is.EqualTo(200));
        }
        await ActAsync("enforcement.staff", code, "resolve", new { result = "复查发现治理设施停运，已立案处罚。" });
        await DispatchAsync();

        string[] kinds = ["receipt", "accepted", "reply", "resolved", "evaluation_reminder", "reviewed"];
        var templates = kinds.Select(kind => Templates[kind]).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(Sms.Arrivals.Select(a => a.TemplateId), Is.EqualTo(templates), "one text message per notice, in order");
            Assert.That(Sms.Arrivals.Select(a => a.SessionContext).Distinct().Count(), Is.EqualTo(kinds.Length), "none twice");
            Assert.That(Sms.Arrivals.All(a => a.Parameters[0] == code));
            Assert.That(MailTo("wang@example.cn").Select(m => m.Subject![..4]), Is.EqualTo(new[] { "投诉已收", "投诉已受", "您的投诉", "投诉已办", "请评价处", "复查结果" }),
                "one email per notice, in order");
        });
    }

}

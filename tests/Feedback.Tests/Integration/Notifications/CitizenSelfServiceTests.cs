using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Notifications;

/// <summary>A lost query password re-sent to a consented contact, and the unsubscribe link.</summary>
public sealed class CitizenSelfServiceTests : NotificationTest
{
    private async Task<HttpResponseMessage> AskForNewPasswordAsync(string code, string channel) =>
        await Citizen.PostAsJsonAsync($"/api/v1/complaints/{code}/new-query-password", new { channel });

    private async Task<int> TrackStatusAsync(string code, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{code}");
        request.Headers.Add("X-Query-Password", password);
        using var response = await Citizen.SendAsync(request);
        return (int)response.StatusCode;
    }

    [Test]
    public async Task A_new_password_goes_to_the_consented_contact_and_replaces_the_old_one()
    {
        var (code, old) = await SubmitAsync(Complaint(["sms", "email"]));
        using var asked = await AskForNewPasswordAsync(code, "sms");
        Assert.That((int)asked.StatusCode, Is.EqualTo(202));
        await DispatchAsync();

        var text = Sms.Arrivals.Single(a => a.TemplateId == Templates["password_reset"]);
        var password = text.Parameters[1];
        Assert.Multiple(async () =>
        {
            Assert.That(text.Parameters[0], Is.EqualTo(code));
            Assert.That(password, Does.Match("^[2-9A-Z]{12}$").And.Not.EqualTo(old));
            Assert.That(await TrackStatusAsync(code, old), Is.EqualTo(404), "the old password no longer opens the case");
            Assert.That(await TrackStatusAsync(code, password), Is.EqualTo(200));
            Assert.That(await ScalarAsync<string>("select payload::text from notifications where kind = 'password_reset'"), Does.Not.Contain(password),
                "the password is not kept once sent");
            Assert.That(await ScalarAsync<long>("select count(*) from audit_log where action = 'complaint.new_query_password' and outcome = 'succeeded'"), Is.EqualTo(1));
        });

        using var byEmail = await AskForNewPasswordAsync(code, "email");
        await DispatchAsync();
        var mail = MailTo("wang@example.cn").Single(m => (m.Subject ?? "").StartsWith("新的查询密码", StringComparison.Ordinal));
        Assert.That(mail.TextBody, Does.Contain("新的查询密码").And.Not.Contain(password), "a fresh password again");
    }

    [Test]
    public async Task The_answer_is_the_same_whether_or_not_the_code_exists_or_has_that_contact_and_nothing_is_sent_for_those()
    {
        var (withoutConsent, password) = await SubmitAsync(Complaint([]));
        var (smsOnly, _) = await SubmitAsync(Complaint(["sms"]));
        var answers = new List<string>();
        foreach (var (code, channel) in new[] { (withoutConsent, "sms"), (smsOnly, "email"), ("ABCDEFGHJKMN", "sms"), ("not a code", "email"), (smsOnly, "sms") })
        {
            using var response = await AskForNewPasswordAsync(code, channel);
            Assert.That((int)response.StatusCode, Is.EqualTo(202), code);
            answers.Add((string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!);
        }
        Assert.Multiple(async () =>
        {
            Assert.That(answers.Where((_, i) => i != 1 && i != 3).Distinct().Count(), Is.EqualTo(1), "the SMS answers are one text");
            Assert.That(answers.Where((_, i) => i is 1 or 3).Distinct().Count(), Is.EqualTo(1), "the email answers are one text");
            Assert.That(await ScalarAsync<long>("select count(*) from notifications where kind = 'password_reset'"), Is.EqualTo(1), "only the consented phone");
            Assert.That(await TrackStatusAsync(withoutConsent, password), Is.EqualTo(200), "a case without that contact keeps its password");
            Assert.That(await ScalarAsync<long>("select count(*) from audit_log where action = 'complaint.new_query_password'"), Is.EqualTo(5), "every request is audited");
        });
    }

    [Test]
    public async Task A_case_gets_at_most_three_new_passwords_a_day()
    {
        var (code, _) = await SubmitAsync(Complaint(["sms"]));
        for (var i = 0; i < 5; i++)
        {
            using var response = await AskForNewPasswordAsync(code, "sms");
            Assert.That((int)response.StatusCode, Is.EqualTo(202));
        }
        Assert.That(await ScalarAsync<long>("select count(*) from notifications where kind = 'password_reset'"), Is.EqualTo(3));
        Clock.Advance(TimeSpan.FromHours(25));
        using (await AskForNewPasswordAsync(code, "sms")) { }
        Assert.That(await ScalarAsync<long>("select count(*) from notifications where kind = 'password_reset'"), Is.EqualTo(4), "a day later, one more");
    }

    [Test]
    public async Task A_bad_channel_is_a_400_and_stores_nothing()
    {
        var (code, _) = await SubmitAsync(Complaint(["sms"]));
        using var response = await Citizen.PostAsJsonAsync($"/api/v1/complaints/{code}/new-query-password", new { channel = "pigeon" });
        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(await ScalarAsync<long>("select count(*) from notifications where kind = 'password_reset'"), Is.Zero);
    }

    [Test]
    public async Task The_unsubscribe_link_stops_email_for_every_case_of_that_address_and_cancels_what_waits()
    {
        var (first, password) = await SubmitAsync(Complaint(["sms", "email"]));
        var (second, _) = await SubmitAsync(Complaint(["email"], email: "WANG@example.cn"));
        var (other, _) = await SubmitAsync(Complaint(["email"], email: "li@example.cn"));
        await DispatchAsync();
        var link = MailTo("wang@example.cn").First().TextBody!;
        var token = Regex.Match(link, "unsubscribe\\?token=([0-9a-f]{32})").Groups[1].Value;

        await ActAsync("enforcement.staff", second, "accept");

        using var response = await Citizen.PostAsJsonAsync("/api/v1/notifications/unsubscribe", new { token });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Multiple(async () =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That((string)body["channel"]!, Is.EqualTo("email"));
            Assert.That((int)body["cases"]!, Is.EqualTo(2), "both cases of that address, whatever its case");
            Assert.That(await ScalarAsync<string>("select state from notifications where kind = 'accepted'"), Is.EqualTo("cancelled"));
            Assert.That(await ScalarAsync<string>($"select array_to_string(notify_by, ',') from complaints where tracking_code = '{first}'"), Is.EqualTo("sms"),
                "SMS stays: only email stopped");
            Assert.That(await ScalarAsync<string>($"select array_to_string(notify_by, ',') from complaints where tracking_code = '{other}'"), Is.EqualTo("email"));
            Assert.That(await ScalarAsync<long>("select count(*) from audit_log where action = 'notification.unsubscribe'"), Is.EqualTo(1));
        });
        Assert.That(await TrackStatusAsync(first, password), Is.EqualTo(200));

        foreach (var bad in new[] { "", "not-a-token", Guid.NewGuid().ToString("N") })
        {
            using var refused = await Citizen.PostAsJsonAsync("/api/v1/notifications/unsubscribe", new { token = bad });
            Assert.That((int)refused.StatusCode, Is.EqualTo(404), bad);
        }
    }

    [Test]
    public async Task A_stop_reply_by_text_message_stops_sms_to_that_number_and_other_replies_change_nothing()
    {
        var (first, _) = await SubmitAsync(Complaint(["sms", "email"]));
        var (second, _) = await SubmitAsync(Complaint(["sms"], phone: "+86 138-0013-8000"));
        var (other, _) = await SubmitAsync(Complaint(["sms"], phone: "13900139000"));
        var time = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        async Task<HttpResponseMessage> ReplyAsync(string token, object body) =>
            await Citizen.PostAsJsonAsync($"/api/v1/notifications/sms-replies/{token}", body);

        using (var question = await ReplyAsync(ReplyToken, new { mobile = "13800138000", nationcode = "86", text = "什么时候来处理？", time, sign = "嵊州市环保局", extend = "" }))
            Assert.That((int)question.StatusCode, Is.EqualTo(200));
        Assert.That(await ScalarAsync<long>("select count(*) from complaints where 'sms' = any (notify_by)"), Is.EqualTo(3), "a question is not a stop");

        using var stop = await ReplyAsync(ReplyToken, new { mobile = "13800138000", nationcode = "86", text = " 退订 ", time, sign = "嵊州市环保局", extend = "" });
        Assert.Multiple(async () =>
        {
            Assert.That((int)stop.StatusCode, Is.EqualTo(200));
            Assert.That((int)JsonNode.Parse(await stop.Content.ReadAsStringAsync())!["result"]!, Is.Zero, "the acknowledgement the provider expects");
            Assert.That(await ScalarAsync<string>($"select array_to_string(notify_by, ',') from complaints where tracking_code = '{first}'"), Is.EqualTo("email"));
            Assert.That(await ScalarAsync<string>($"select array_to_string(notify_by, ',') from complaints where tracking_code = '{second}'"), Is.Empty);
            Assert.That(await ScalarAsync<string>($"select array_to_string(notify_by, ',') from complaints where tracking_code = '{other}'"), Is.EqualTo("sms"));
            Assert.That(await ScalarAsync<long>("select count(*) from notifications where channel = 'sms' and recipient = '13800138000' and state = 'cancelled'"), Is.EqualTo(2),
                "the receipts still waiting for that number");
            Assert.That(await ScalarAsync<string>("select target_id from audit_log where action = 'notification.sms_stop'"), Is.EqualTo("138****8000"));
        });

        using (var wrongToken = await ReplyAsync("not-the-token-0123456789abcdef", new { mobile = "13900139000", nationcode = "86", text = "TD", time }))
            Assert.That((int)wrongToken.StatusCode, Is.EqualTo(404));
        using (var malformed = await ReplyAsync(ReplyToken, new { mobile = "13900139000", text = "TD" }))
            Assert.That((int)malformed.StatusCode, Is.EqualTo(400));
        Assert.That(await ScalarAsync<string>($"select array_to_string(notify_by, ',') from complaints where tracking_code = '{other}'"), Is.EqualTo("sms"));
    }
}

using Dapper;
using Feedback.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Feedback.Tests.EndToEnd;

/// <summary>The console's notification pages on a phone: a clerk's own settings, the administrator's outbox.</summary>
public sealed class NotificationConsoleTests : StaffConsoleTest
{
    [Test]
    public async Task A_clerk_chooses_an_address_a_digest_hour_and_a_kind_and_finds_them_kept_and_a_wrong_address_is_refused_in_its_field()
    {
        await SignInAsync(Page, "enforcement.staff");
        await Page.GetByRole(AriaRole.Link, new() { Name = "通知设置" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "通知设置" })).ToBeVisibleAsync();

        // A clerk is not told of every new case of the section unless they ask to be; it comes in the digest.
        var newCases = Page.GetByRole(AriaRole.Checkbox, new() { Name = "本科室新案件" });
        await Expect(newCases).Not.ToBeCheckedAsync();
        await Expect(Page.Locator("[data-kind=new_case]")).ToContainTextAsync("每日汇总");
        await Expect(Page.GetByText("非紧急案件汇总在每天所选时间发送一封；紧急类别即时发送")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-kind=new_case]")).Not.ToContainTextAsync("已改动");

        await Page.GetByLabel("接收通知的电子邮箱").FillAsync("li.ming@example.cn");
        await Page.GetByLabel("每日汇总的发送时间").SelectOptionAsync(new SelectOptionValue { Label = "每天 17:00" });
        await newCases.CheckAsync();
        await Expect(Page.Locator("[data-kind=new_case]")).ToContainTextAsync("已改动：默认为关闭");
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存设置" }).ClickAsync();
        await Expect(Page.GetByText("通知设置已保存。")).ToBeVisibleAsync();

        await Page.ReloadAsync();
        await Expect(Page.GetByLabel("接收通知的电子邮箱")).ToHaveValueAsync("li.ming@example.cn");
        await Expect(Page.GetByLabel("每日汇总的发送时间")).ToHaveValueAsync("17");
        await Expect(newCases).ToBeCheckedAsync();
        await using (var db = new NpgsqlConnection(TestEnvironment.Database.ConnectionString))
        {
            var account = await db.QuerySingleAsync<(string? Email, short DigestHour)>(
                "select email, digest_hour from staff_users where username = 'enforcement.staff'");
            Assert.That(account, Is.EqualTo(("li.ming@example.cn", (short)17)));
        }

        // An address without a proper domain: the server's words beside the field and in the summary; nothing stored.
        await Page.GetByLabel("接收通知的电子邮箱").FillAsync("li.ming@example");
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存设置" }).ClickAsync();
        var field = Page.Locator(".field", new() { Has = Page.GetByLabel("接收通知的电子邮箱") });
        await Expect(field.Locator(".field-error")).ToHaveTextAsync("请填写正确的电子邮箱");
        await Expect(Page.GetByLabel("接收通知的电子邮箱")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByTestId("error-summary")).ToBeFocusedAsync();
        await Expect(Page.GetByTestId("error-summary")).ToContainTextAsync("接收通知的电子邮箱：请填写正确的电子邮箱");
        await Expect(Page.GetByText("通知设置已保存。")).ToHaveCountAsync(0);
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "settings with an error");
        await Page.ReloadAsync();
        await Expect(Page.GetByLabel("接收通知的电子邮箱")).ToHaveValueAsync("li.ming@example.cn");
    }

    [Test]
    public async Task The_administrator_sees_the_weeks_figures_finds_the_failed_messages_reads_their_attempts_and_retries_one()
    {
        var (code, _) = await FileAsync("air.odor", "化工厂夜里排放刺鼻废气。");
        Guid sent, deadEmail, deadSms;
        await using (var db = new NpgsqlConnection(TestEnvironment.Database.ConnectionString))
        {
            const string insert =
                """
                insert into notifications (kind, channel, complaint_id, recipient, language, payload, created_at, next_attempt_at, state, attempts, last_error, sent_at)
                values (@kind, @channel, (select id from complaints where tracking_code = @code), @recipient, 'zh-CN', '{}',
                        now() - @age, now() - @age, @state, @attempts, @error,
                        case when @state = 'sent' then now() - @age + interval '5 seconds' end)
                returning id
                """;
            sent = await db.ExecuteScalarAsync<Guid>(insert, new
            {
                kind = "receipt", channel = "sms", code, recipient = "13800138000", age = TimeSpan.FromHours(2), state = "sent", attempts = 1, error = (string?)null,
            });
            deadEmail = await db.ExecuteScalarAsync<Guid>(insert, new
            {
                kind = "receipt", channel = "email", code, recipient = "wang@example.cn", age = TimeSpan.FromHours(1), state = "dead", attempts = 2,
                error = "550 5.1.1 Mailbox unavailable",
            });
            deadSms = await db.ExecuteScalarAsync<Guid>(insert, new
            {
                kind = "accepted", channel = "sms", code = (string?)null, recipient = "13900139000", age = TimeSpan.FromMinutes(30), state = "dead", attempts = 1,
                error = "Tencent Cloud: FailedOperation.PhoneNumberInBlacklist",
            });
            await db.ExecuteAsync("""
                insert into notifications (kind, channel, recipient, language, payload, created_at, next_attempt_at)
                values ('new_case', 'email', 'chen@example.cn', 'zh-CN', '{}', now() - interval '10 minutes', now())
                """);
            await db.ExecuteAsync("""
                insert into notification_attempts (notification_id, number, started_at, duration_ms, outcome, error) values
                    (@sent, 1, now() - interval '2 hours', 212, 'sent', null),
                    (@deadEmail, 1, now() - interval '1 hour', 340, 'retry', '421 4.7.0 Try again later'),
                    (@deadEmail, 2, now() - interval '50 minutes', 95, 'rejected', '550 5.1.1 Mailbox unavailable'),
                    (@deadSms, 1, now() - interval '30 minutes', 120, 'rejected', 'Tencent Cloud: FailedOperation.PhoneNumberInBlacklist')
                """, new { sent, deadEmail, deadSms });
        }

        await SignInAsync(Page, "admin");
        await Page.GetByRole(AriaRole.Link, new() { Name = "通知发送" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "通知发送", Level = 1 })).ToBeVisibleAsync();

        // The week's figures per channel, in plain numbers.
        var figures = Page.GetByTestId("outbox-figures");
        var sms = figures.Locator("tr[data-channel=sms]");
        var email = figures.Locator("tr[data-channel=email]");
        await Expect(sms.Locator("[data-figure=sent]")).ToHaveTextAsync("1");
        await Expect(sms.Locator("[data-figure=failed]")).ToHaveTextAsync("1");
        await Expect(sms.Locator("[data-figure=median]")).ToHaveTextAsync("5 秒");
        await Expect(email.Locator("[data-figure=failed]")).ToHaveTextAsync("1");
        await Expect(email.Locator("[data-figure=waiting]")).ToHaveTextAsync("1");
        await Expect(email.Locator("[data-figure=median]")).ToHaveTextAsync("—");

        // Every message, newest first, recipients masked, the case's code where there is a case.
        var rows = Page.Locator(".outbox-row");
        await Expect(rows).ToHaveCountAsync(4);
        await Expect(rows.First).ToHaveAttributeAsync("data-state", "pending");
        var failedEmail = Page.Locator($".outbox-row[data-id='{deadEmail}']");
        await Expect(failedEmail).ToContainTextAsync("受理回执");
        await Expect(failedEmail).ToContainTextAsync("w***@example.cn");
        await Expect(failedEmail).ToContainTextAsync(code[..4]);
        await Expect(failedEmail.GetByTestId("outbox-state")).ToHaveTextAsync("发送失败");
        await Expect(failedEmail).ToContainTextAsync("550 5.1.1 Mailbox unavailable");
        await Expect(Page.Locator($".outbox-row[data-id='{deadSms}']")).ToContainTextAsync("—");
        await Expect(Page.Locator("main")).Not.ToContainTextAsync("wang@example.cn");
        await Expect(Page.Locator("main")).Not.ToContainTextAsync("13900139000");

        // Only the failed ones; the filter stays in the address, so a reload keeps it.
        await Page.GetByText("筛选条件").ClickAsync(); // folded on a phone
        await Page.GetByLabel("状态").SelectOptionAsync("dead");
        await Page.GetByRole(AriaRole.Button, new() { Name = "应用筛选" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(2);
        Assert.That(Page.Url, Does.Contain("state=dead"));
        await Page.ReloadAsync();
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(Page.GetByLabel("状态")).ToHaveValueAsync("dead");

        // The e-mail's attempts, each with its error.
        await failedEmail.Locator(".row-open").ClickAsync();
        var detail = Page.GetByTestId("outbox-detail");
        var attempts = detail.GetByTestId("attempts").Locator("li");
        await Expect(attempts).ToHaveCountAsync(2);
        await Expect(attempts.Nth(0)).ToContainTextAsync("第 1 次");
        await Expect(attempts.Nth(0)).ToContainTextAsync("失败，稍后重试");
        await Expect(attempts.Nth(0)).ToContainTextAsync("421 4.7.0 Try again later");
        await Expect(attempts.Nth(1)).ToContainTextAsync("被拒绝，不再重试");
        await Expect(attempts.Nth(1)).ToContainTextAsync("用时 95 毫秒");
        await Expect(attempts.Nth(1)).ToContainTextAsync("550 5.1.1 Mailbox unavailable");
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "the outbox with a message open");

        // 重试: it waits to be sent again, on the page and in the outbox.
        await detail.GetByRole(AriaRole.Button, new() { Name = "重试" }).ClickAsync();
        await Expect(detail).ToContainTextAsync("已重新排队，等待发送。");
        await Expect(detail.GetByTestId("detail-state")).ToHaveTextAsync("等待发送");
        await Expect(failedEmail.GetByTestId("outbox-state")).ToHaveTextAsync("等待发送");
        await Expect(detail.GetByRole(AriaRole.Button, new() { Name = "重试" })).ToHaveCountAsync(0);
        Assert.That(await StateAsync(deadEmail), Is.EqualTo("pending"));

        // Someone else retried the text message first: the server's reason is shown, and the page catches up.
        var failedSms = Page.Locator($".outbox-row[data-id='{deadSms}']");
        await failedSms.Locator(".row-open").ClickAsync();
        await Expect(detail.GetByTestId("attempts").Locator("li")).ToHaveCountAsync(1);
        await using (var db = new NpgsqlConnection(TestEnvironment.Database.ConnectionString))
            await db.ExecuteAsync("update notifications set state = 'pending', next_attempt_at = now() where id = @deadSms", new { deadSms });
        await detail.GetByRole(AriaRole.Button, new() { Name = "重试" }).ClickAsync();
        await Expect(detail.GetByRole(AriaRole.Alert)).ToContainTextAsync("只有已放弃的消息可以重试");
        await Expect(detail.GetByTestId("detail-state")).ToHaveTextAsync("等待发送");
        await Expect(failedSms.GetByTestId("outbox-state")).ToHaveTextAsync("等待发送");

        var overflow = await Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0), "the outbox fits a 360-pixel phone");
    }

    private static async Task<string> StateAsync(Guid id)
    {
        await using var db = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        return await db.QuerySingleAsync<string>("select state from notifications where id = @id", new { id });
    }
}

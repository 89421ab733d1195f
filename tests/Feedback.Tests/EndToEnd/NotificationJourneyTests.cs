using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Feedback.Api.Features.Notifications;
using Feedback.Tests.Support;
using Microsoft.Playwright;
using MimeKit;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// A citizen who asks to be told by text message and email, against an API that sends both: to a
/// real SMTP server on loopback and to the Tencent Cloud SMS stub, delivered by the API's own
/// background dispatcher. Links in the emails point at this API, so the test follows them.
/// </summary>
public sealed partial class NotificationJourneyTests : BrowserTest
{
    private const string Phone = "13800138000";
    private const string Email = "wang@example.cn";
    private const string SmsConsent = "短信通知我办理进展（受理、答复、办结等）";
    private const string EmailConsent = "邮件通知我办理进展（受理、答复、办结等）";
    /// <summary>How long to wait for the dispatcher (it polls every second): a test input, not an expectation.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly IReadOnlyDictionary<string, string> Templates = CitizenNotices.All
        .Select((kind, i) => (kind.Code, Id: $"1000{i:00}"))
        .ToDictionary(t => t.Code, t => t.Id);

    private SmtpTestServer _smtp = null!;
    private TencentSmsStub _sms = null!;
    private FeedbackApp _notifying = null!;

    protected override Uri SiteAddress => _notifying.BaseAddress;

    [OneTimeSetUp]
    public async Task StartNotifyingAppAsync()
    {
        _smtp = await SmtpTestServer.StartAsync();
        _sms = await TencentSmsStub.StartAsync(Templates.Values);
        // The emails link to the app itself, so its address is chosen before it starts.
        var port = FreePort();
        _notifying = new FeedbackApp(TestEnvironment.Database.ConnectionString, settings: new Dictionary<string, string>
        {
            ["FEEDBACK_SMTP_HOST"] = "127.0.0.1",
            ["FEEDBACK_SMTP_PORT"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["FEEDBACK_SMTP_TLS"] = "none",
            ["FEEDBACK_SMTP_FROM"] = "嵊州市生态环境局 <noreply@feedback.test>",
            ["FEEDBACK_PUBLIC_URL"] = $"http://127.0.0.1:{port}",
            ["FEEDBACK_SMS_PROVIDER"] = "tencent",
            ["FEEDBACK_SMS_SECRET_ID"] = TencentSmsStub.SecretId,
            ["FEEDBACK_SMS_SECRET_KEY"] = TencentSmsStub.SecretKey,
            ["FEEDBACK_SMS_APP_ID"] = TencentSmsStub.AppId,
            ["FEEDBACK_SMS_SIGN_NAME"] = TencentSmsStub.SignName,
            ["FEEDBACK_SMS_ENDPOINT"] = _sms.Endpoint.ToString(),
            ["FEEDBACK_SMS_TEMPLATES"] = string.Join(",", Templates.Select(t => $"{t.Key}={t.Value}")),
            // The dispatcher delivers by itself, as in production.
            ["FEEDBACK_NOTIFY_POLL_SECONDS"] = "1",
        }, port: port);
        _notifying.StartServer();
    }

    [OneTimeTearDown]
    public async Task StopNotifyingAppAsync()
    {
        if (_notifying is not null) await _notifying.DisposeAsync();
        if (_smtp is not null) await _smtp.DisposeAsync();
        if (_sms is not null) await _sms.DisposeAsync();
    }

    [SetUp]
    public void ForgetMessages()
    {
        _smtp.Clear();
        _sms.Clear();
        _sms.TakeProtocolViolations();
    }

    [TearDown]
    public void CheckTheWire() =>
        Assert.That(_sms.TakeProtocolViolations(), Is.Empty, "every request the API sent was as Tencent Cloud documents it");

    [Test]
    public async Task A_citizen_opts_in_gets_the_receipt_recovers_a_lost_password_and_unsubscribes_from_email()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("air.odor");
        await Page.GetByLabel("问题描述").FillAsync("小区东侧化工厂每天夜里排放刺鼻废气，已持续一周。");
        await Page.GetByLabel("乡镇（街道）").SelectOptionAsync("剡湖街道");
        await Page.GetByLabel("电子邮箱").FillAsync(Email);
        var sms = Page.GetByLabel(SmsConsent);
        var email = Page.GetByLabel(EmailConsent);
        await Expect(sms).Not.ToBeCheckedAsync();
        await Expect(email).Not.ToBeCheckedAsync();
        await sms.CheckAsync();
        await email.CheckAsync();

        // Text messages without a mobile number: said at the checkbox, in the server's words, before anything is sent.
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(sms).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByText("选择短信通知，请填写手机号码").First).ToBeVisibleAsync();
        await Expect(email).Not.ToHaveAttributeAsync("aria-invalid", "true");
        Assert.That(await CountAsync("complaints"), Is.Zero);
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "the form with its opt-ins and an error");

        await Page.GetByLabel("手机号码").FillAsync(Phone);
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("receipt-notice")).ToContainTextAsync("正在发送到您的手机和邮箱");
        var code = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();
        var oldPassword = (await Page.GetByTestId("query-password").InnerTextAsync()).Replace(" ", "").Trim();

        // The receipt, by both channels, without the password.
        var receipt = await MailAsync(m => m.Subject?.Contains(code, StringComparison.Ordinal) == true, "the receipt email");
        await WaitForAsync(() => _sms.Arrivals.Any(a => a.Phone == "+86" + Phone && a.TemplateId == Templates["receipt"]), "the receipt text message");
        Assert.That(Text(receipt), Does.Not.Contain(oldPassword));

        // Its link opens the tracking page with the code filled in.
        var trackLink = TrackLink().Match(Text(receipt)).Value;
        Assert.That(trackLink, Does.StartWith(_notifying.BaseAddress.ToString().TrimEnd('/')).And.EndWith($"?code={code}"));
        await Page.GotoAsync(trackLink);
        await Expect(Page.GetByLabel("查询编号", new() { Exact = true })).ToHaveValueAsync(new Regex(code[..4]));
        await LookUpAsync(oldPassword);
        await Expect(Page.GetByTestId("notify-by")).ToHaveTextAsync("短信、邮件");
        var notices = Page.GetByTestId("notices");
        await Expect(notices.GetByRole(AriaRole.Heading, new() { Name = "通知记录" })).ToBeVisibleAsync();
        await Expect(notices.Locator("li[data-kind=receipt][data-channel=email]")).ToContainTextAsync("受理回执");
        await Expect(notices.Locator("li[data-kind=receipt][data-channel=email]")).ToContainTextAsync("邮件 · 已发送");

        // A lost password: a new one by email, with only the tracking code.
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync("");
        await Page.GetByRole(AriaRole.Button, new() { Name = "忘记查询密码？" }).ClickAsync();
        await Page.GetByLabel("邮件（提交时留下的电子邮箱）").CheckAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "the tracking page with its notices and the recovery form");
        await Page.GetByRole(AriaRole.Button, new() { Name = "发送新密码" }).ClickAsync();
        await Expect(Page.GetByTestId("recovery-answer")).ToHaveTextAsync(
            "如果该查询编号存在并留有同意接收通知的电子邮箱，新的查询密码已发送到该邮箱，原密码随之失效。");
        var reset = await MailAsync(m => m.Subject?.StartsWith("新的查询密码", StringComparison.Ordinal) == true, "the new password");
        var newPassword = NewPassword().Match(Text(reset)).Groups[1].Value;
        Assert.That(newPassword, Has.Length.EqualTo(12).And.Not.EqualTo(oldPassword));

        await LookUpAsync(oldPassword);
        await Expect(Page.GetByText("查询编号或查询密码不正确").First).ToBeVisibleAsync();
        await LookUpAsync(newPassword);
        await Expect(Page.GetByTestId("status")).ToContainTextAsync("待受理");

        // The unsubscribe link: nothing changes until the citizen confirms.
        var unsubscribeLink = UnsubscribeLink().Match(Text(receipt)).Value;
        Assert.That(unsubscribeLink, Does.StartWith(_notifying.BaseAddress.ToString().TrimEnd('/')));
        await Page.GotoAsync(unsubscribeLink);
        var confirm = Page.GetByRole(AriaRole.Button, new() { Name = "确认退订" });
        await Expect(confirm).ToBeVisibleAsync();
        Assert.That(await NotifyByAsync(code), Is.EqualTo(new[] { "sms", "email" }), "opening the link stops nothing");
        await confirm.ClickAsync();
        await Expect(Page.GetByTestId("unsubscribe-done")).ToHaveTextAsync("已退订。此邮箱将不再收到关于 1 件投诉的邮件。");

        await Page.GotoAsync($"/#/track?code={code}");
        await LookUpAsync(newPassword);
        await Expect(Page.GetByTestId("notify-by")).ToHaveTextAsync("短信");
    }

    [Test]
    public async Task Where_nothing_is_sent_the_form_offers_no_updates_and_the_tracking_page_no_recovery()
    {
        // The shared API has neither an SMTP server nor an SMS provider.
        var channels = await Page.RunAndWaitForResponseAsync(() => Page.GotoAsync(new Uri(App.BaseAddress, "/#/").ToString()),
            response => response.Url.EndsWith("/api/v1/notification-channels", StringComparison.Ordinal));
        Assert.That(await channels.TextAsync(), Does.Contain("\"channels\":[]"));
        await Page.GetByLabel("手机号码").FillAsync(Phone);
        Assert.Multiple(async () =>
        {
            Assert.That(await Page.GetByRole(AriaRole.Checkbox).CountAsync(), Is.Zero);
            Assert.That(await Page.GetByText("勾选短信或邮件通知").CountAsync(), Is.Zero);
        });

        await Page.GetByRole(AriaRole.Link, new() { Name = "查询进度" }).First.ClickAsync();
        await Expect(Page.GetByLabel("查询密码", new() { Exact = true })).ToBeVisibleAsync();
        Assert.That(await Page.GetByRole(AriaRole.Button, new() { Name = "忘记查询密码？" }).CountAsync(), Is.Zero);
    }

    private static string Text(MimeMessage message) => message.TextBody ?? "";

    private async Task LookUpAsync(string password)
    {
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
    }

    private async Task<MimeMessage> MailAsync(Func<MimeMessage, bool> match, string what)
    {
        MimeMessage? found = null;
        await WaitForAsync(() => (found = _smtp.Messages().FirstOrDefault(m => m.To.Mailboxes.Any(to => to.Address == Email) && match(m))) is not null, what);
        return found!;
    }

    private static async Task WaitForAsync(Func<bool> arrived, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!arrived())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what} did not arrive within {Patience.TotalSeconds} s");
            await Task.Delay(200);
        }
    }

    private static async Task<string[]> NotifyByAsync(string code)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select notify_by from complaints where tracking_code = @code", connection);
        command.Parameters.AddWithValue("code", code);
        return (string[])(await command.ExecuteScalarAsync())!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/#/track\?code=[2-9A-HJKMNP-Z]{12}")]
    private static partial Regex TrackLink();

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/#/unsubscribe\?token=[0-9a-f]{32}")]
    private static partial Regex UnsubscribeLink();

    [GeneratedRegex(@"新的查询密码：([2-9A-HJKMNP-Z]{12})")]
    private static partial Regex NewPassword();
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Api.Features.Notifications;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;

namespace Feedback.Tests.Integration.Notifications;

/// <summary>
/// An API instance that sends email to a real SMTP server on loopback and text messages to a
/// Tencent Cloud SMS stub that checks every request as the provider documents it, with a clock
/// the test can move. Staff act through the shared instance (same database); this one takes submissions (its
/// channels are configured) and delivers the outbox when the test says so.
/// </summary>
public abstract class NotificationTest
{
    public const string PublicUrl = "https://feedback.test";
    public const int MaxAttempts = 5;
    public const string ReplyToken = "reply-token-0123456789abcdef";

    protected static SmtpTestServer Smtp { get; private set; } = null!;
    protected static TencentSmsStub Sms { get; private set; } = null!;

    /// <summary>The Chinese template of each kind as 1000xx, the English ones as 2000xx.</summary>
    protected static readonly IReadOnlyDictionary<string, string> Templates = Feedback.Api.Features.Notifications.CitizenNotices.All
        .SelectMany((kind, i) => new[] { (kind.Code, $"1000{i:00}"), (kind.Code + ".en", $"2000{i:00}") })
        .ToDictionary(t => t.Item1, t => t.Item2);
    protected static FeedbackApp Notifying { get; private set; } = null!;
    protected static MovableTimeProvider Clock { get; private set; } = null!;
    protected HttpClient Citizen { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Smtp = await SmtpTestServer.StartAsync();
        Sms = await TencentSmsStub.StartAsync(Templates.Values);
        Clock = new MovableTimeProvider();
        Notifying = new FeedbackApp(TestEnvironment.Database.ConnectionString, Clock, new Dictionary<string, string>
        {
            ["FEEDBACK_SMTP_HOST"] = "127.0.0.1",
            ["FEEDBACK_SMTP_PORT"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FEEDBACK_SMTP_TLS"] = "none",
            ["FEEDBACK_SMTP_FROM"] = "嵊州市生态环境局 <noreply@feedback.test>",
            ["FEEDBACK_PUBLIC_URL"] = PublicUrl,
            ["FEEDBACK_SMS_PROVIDER"] = "tencent",
            ["FEEDBACK_SMS_SECRET_ID"] = TencentSmsStub.SecretId,
            ["FEEDBACK_SMS_SECRET_KEY"] = TencentSmsStub.SecretKey,
            ["FEEDBACK_SMS_APP_ID"] = TencentSmsStub.AppId,
            ["FEEDBACK_SMS_SIGN_NAME"] = TencentSmsStub.SignName,
            ["FEEDBACK_SMS_ENDPOINT"] = Sms.Endpoint.ToString(),
            ["FEEDBACK_SMS_TIMEOUT_SECONDS"] = "2",
            ["FEEDBACK_SMS_REPLY_TOKEN"] = ReplyToken,
            ["FEEDBACK_SMS_TEMPLATES"] = string.Join(",", Templates.Select(t => $"{t.Key}={t.Value}")),
            ["FEEDBACK_NOTIFY_MAX_ATTEMPTS"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Notifying.StartServer();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await Notifying.DisposeAsync();
        await Smtp.DisposeAsync();
        await Sms.DisposeAsync();
    }

    [SetUp]
    public async Task ResetAsync()
    {
        await TestEnvironment.ResetDataAsync();
        Smtp.Clear();
        await Sms.SetModeAsync(new TencentSmsStub.Mode.Ok());
        Sms.Clear();
        Sms.TakeProtocolViolations();
        // Staff act through the shared instance, on the real clock: this one keeps to it too.
        Clock.Reset();
        Citizen = Notifying.CreateHttpClient();
    }

    [TearDown]
    public void CheckTheWire()
    {
        Citizen.Dispose();
        Assert.That(Sms.TakeProtocolViolations(), Is.Empty, "every request the API sent was as Tencent Cloud documents it");
    }

    protected static Task<NotificationDispatcher.Round> DispatchAsync() =>
        Notifying.Services.GetRequiredService<NotificationDispatcher>().DispatchDueAsync(CancellationToken.None);

    protected static object Complaint(string[] notifyBy, string? email = "wang@example.cn", string? phone = "13800138000", string category = "air.odor") => new
    {
        categoryCode = category,
        description = "小区东侧化工厂每天夜里排放刺鼻废气，已持续一周。",
        township = "剡湖街道",
        contact = new { name = "王女士", phone, email },
        notifyBy,
    };

    protected async Task<(string Code, string Password)> SubmitAsync(object complaint, HttpClient? client = null)
    {
        using var response = await (client ?? Citizen).PostAsJsonAsync("/api/v1/complaints", complaint);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body);
        var json = JsonNode.Parse(body)!;
        return ((string)json["trackingCode"]!, (string)json["queryPassword"]!);
    }

    /// <summary>
    /// A case action by a demo account through the shared instance, with the case's current ETag;
    /// asserts it succeeded.
    /// </summary>
    protected static async Task ActAsync(string username, string code, string action, object? body = null)
    {
        using var staff = await StaffLogin.ClientAsync(username);
        using var current = await staff.GetAsync($"/api/v1/staff/complaints/{code}");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{code}/{action}") { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        using var response = await staff.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
    }

    /// <summary>The messages the SMTP server received for a recipient.</summary>
    protected static IReadOnlyList<MimeMessage> MailTo(string address) =>
        Smtp.Messages().Where(m => m.To.Mailboxes.Any(to => to.Address == address)).ToList();

    protected static async Task<T> ScalarAsync<T>(string sql, object? parameter = null)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null) command.Parameters.AddWithValue("p", parameter);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Makes every waiting message due now (instead of waiting out its backoff).</summary>
    protected static Task MakeAllDueAsync() => ScalarAsync<int>(
        "with due as (update notifications set next_attempt_at = now() - interval '1 second' where state = 'pending' returning 1) select count(*)::int from due");
}

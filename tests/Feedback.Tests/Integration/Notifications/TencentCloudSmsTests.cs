using Feedback.Api.Features.Notifications;
using Feedback.Api.Features.Notifications.Sms;
using Feedback.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Feedback.Tests.Integration.Notifications;

/// <summary>
/// The Tencent Cloud SMS adapter over real HTTP against <see cref="TencentSmsStub"/>, which checks every
/// request as the provider documents it. No database: the adapter only talks to the provider.
/// </summary>
[TestFixture]
public sealed class TencentCloudSmsTests
{
    private const string Phone = "13800138000";
    private TencentSmsStub _stub = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartStub()
    {
        _stub = await TencentSmsStub.StartAsync(["1234567", "1234568", "2234568"]);
        _http = new HttpClient();
    }

    [OneTimeTearDown]
    public async Task StopStub()
    {
        _http.Dispose();
        await _stub.DisposeAsync();
    }

    [SetUp]
    public Task Answer_ok() => _stub.SetModeAsync(new TencentSmsStub.Mode.Ok());

    /// <summary>Whatever a test did, the adapter spoke the protocol exactly (tests that break it on purpose take their violations).</summary>
    [TearDown]
    public void No_protocol_violations() => Assert.That(_stub.TakeProtocolViolations(), Is.Empty);

    private TencentCloudSms Gateway(TimeProvider? time = null, params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["FEEDBACK_SMS_PROVIDER"] = "tencent",
            ["FEEDBACK_SMS_SECRET_ID"] = TencentSmsStub.SecretId,
            ["FEEDBACK_SMS_SECRET_KEY"] = TencentSmsStub.SecretKey,
            ["FEEDBACK_SMS_APP_ID"] = TencentSmsStub.AppId,
            ["FEEDBACK_SMS_SIGN_NAME"] = TencentSmsStub.SignName,
            ["FEEDBACK_SMS_REGION"] = TencentSmsStub.Region,
            ["FEEDBACK_SMS_ENDPOINT"] = _stub.Endpoint.ToString(),
            ["FEEDBACK_SMS_TIMEOUT_SECONDS"] = "5",
            ["FEEDBACK_SMS_TEMPLATES"] = "receipt=1234567,accepted=1234568,accepted.en=2234568",
        };
        foreach (var (key, value) in overrides) settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new TencentCloudSms(_http, SmsSettings.FromConfiguration(configuration, ["receipt", "accepted"])!, time ?? TimeProvider.System);
    }

    private static TextMessage Message(string template = "accepted", params string[] parameters) =>
        new(Guid.NewGuid(), Phone, template, parameters.Length > 0 ? parameters : ["FB-2026-000123", "大气污染防治科"]);

    private IReadOnlyList<TencentSmsStub.Arrival> ArrivalsOf(TextMessage message) =>
        [.. _stub.Arrivals.Where(a => a.SessionContext == message.MessageId.ToString())];

    [Test]
    public async Task A_message_arrives_once_with_its_template_parameters_and_id_and_its_serial_number_comes_back()
    {
        var message = Message("accepted", "FB-2026-000123", "大气污染防治科");

        var delivery = await Gateway().SendAsync(message, CancellationToken.None);

        var arrival = ArrivalsOf(message).Single();
        Assert.Multiple(() =>
        {
            Assert.That(delivery, Is.EqualTo(new Delivery.Sent(arrival.SerialNo)));
            Assert.That(arrival.Phone, Is.EqualTo("+86" + Phone));
            Assert.That(arrival.TemplateId, Is.EqualTo("1234568"));
            Assert.That(arrival.Parameters, Is.EqualTo(new[] { "FB-2026-000123", "大气污染防治科" }));
        });
    }

    [TestCase("accepted.en", "2234568", TestName = "An English message uses its English template")]
    [TestCase("receipt.en", "1234567", TestName = "An English message without an English template uses the Chinese one")]
    public async Task English_templates(string template, string templateId)
    {
        var message = Message(template);
        Assert.That(await Gateway().SendAsync(message, CancellationToken.None), Is.TypeOf<Delivery.Sent>());
        Assert.That(ArrivalsOf(message).Single().TemplateId, Is.EqualTo(templateId));
    }

    [TestCase("AuthFailure.SecretIdNotFound", false)]
    [TestCase("UnauthorizedOperation.SerivceSuspendDueToArrears", false)]
    [TestCase("InvalidParameterValue.SdkAppIdNotExist", false)]
    [TestCase("FailedOperation.InsufficientBalanceInSmsPackage", false)]
    [TestCase("FailedOperation.TemplateIncorrectOrUnapproved", false)]
    [TestCase("InternalError.Timeout", false)]
    [TestCase("LimitExceeded.AppDailyLimit", false)]
    [TestCase("SomeFutureCode.NobodyKnows", false)]
    [TestCase("InvalidParameterValue.IncorrectPhoneNumber", true)]
    [TestCase("InvalidParameterValue.TemplateParameterFormatError", true)]
    [TestCase("FailedOperation.TemplateParamSetNotMatchApprovedTemplate", true)]
    [TestCase("FailedOperation.ContainSensitiveWord", true)]
    [TestCase("UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber", true)]
    public async Task A_refused_request_is_retried_or_rejected_by_its_documented_code(string code, bool rejected)
    {
        await _stub.SetModeAsync(new TencentSmsStub.Mode.Error(code, "described by the provider"));
        var message = Message();

        var delivery = await Gateway().SendAsync(message, CancellationToken.None);

        Assert.That(delivery, rejected ? Is.TypeOf<Delivery.Rejected>() : Is.TypeOf<Delivery.Retry>());
        Assert.That(ArrivalsOf(message), Is.Empty);
    }

    [TestCase("FailedOperation.PhoneNumberInBlacklist", true)]
    [TestCase("FailedOperation.PhoneNumberParseFail", true)]
    [TestCase("InvalidParameterValue.IncorrectPhoneNumber", true)]
    [TestCase("LimitExceeded.PhoneNumberOneHourLimit", false)]
    [TestCase("LimitExceeded.PhoneNumberDailyLimit", false)]
    [TestCase("InternalError.SendAndRecvFail", false)]
    public async Task A_refused_number_is_retried_or_rejected_by_its_documented_code(string code, bool rejected)
    {
        await _stub.SetModeAsync(new TencentSmsStub.Mode.NumberError(code));
        var delivery = await Gateway().SendAsync(Message(), CancellationToken.None);
        Assert.That(delivery, rejected ? Is.TypeOf<Delivery.Rejected>() : Is.TypeOf<Delivery.Retry>());
    }

    [Test]
    public async Task The_administrator_reads_the_code_message_and_request_id_but_never_the_number_or_the_parameters()
    {
        await _stub.SetModeAsync(new TencentSmsStub.Mode.NumberError("FailedOperation.PhoneNumberInBlacklist",
            $"+86{Phone} is on the do-not-disturb list (case FB-2026-000123)"));

        var delivery = (Delivery.Rejected)await Gateway().SendAsync(Message("accepted", "FB-2026-000123", "大气污染防治科"), CancellationToken.None);

        Assert.That(delivery.Error, Does.Contain("FailedOperation.PhoneNumberInBlacklist").And.Contain("do-not-disturb")
            .And.Contain(_stub.LastRequestId!).And.Not.Contain(Phone).And.Not.Contain("FB-2026-000123"));
    }

    [Test]
    public async Task Throttling_is_retried()
    {
        await _stub.SetModeAsync(new TencentSmsStub.Mode.Throttle());
        var delivery = await Gateway().SendAsync(Message(), CancellationToken.None);
        Assert.That(delivery, Is.TypeOf<Delivery.Retry>().With.Property(nameof(Delivery.Retry.Error)).Contains("RequestLimitExceeded"));
    }

    [TestCase(503, "<html>Service Unavailable</html>")]
    [TestCase(502, """{"Response": {"Error": {"Code": "InvalidParameterValue.IncorrectPhoneNumber", "Message": "proxied"}}}""")]
    [TestCase(429, "")]
    [TestCase(200, "<html>captive portal</html>")]
    [TestCase(200, """{"Response": {"SendStatusSet": [], "RequestId": "r"}}""")]
    public async Task A_failed_or_unreadable_answer_is_retried(int status, string body)
    {
        await _stub.SetModeAsync(new TencentSmsStub.Mode.Raw(status, body));
        Assert.That(await Gateway().SendAsync(Message(), CancellationToken.None), Is.TypeOf<Delivery.Retry>());
    }

    [Test]
    public async Task An_answer_later_than_the_timeout_is_retried()
    {
        await _stub.SetModeAsync(new TencentSmsStub.Mode.Slow(TimeSpan.FromMinutes(1)));
        var delivery = await Gateway(overrides: ("FEEDBACK_SMS_TIMEOUT_SECONDS", "1")).SendAsync(Message(), CancellationToken.None);
        Assert.That(delivery, Is.TypeOf<Delivery.Retry>().With.Property(nameof(Delivery.Retry.Error)).Contains("no answer within 1 s"));
    }

    [Test]
    public async Task An_answer_within_the_timeout_is_waited_for()
    {
        await _stub.SetModeAsync(new TencentSmsStub.Mode.Slow(TimeSpan.FromMilliseconds(300)));
        Assert.That(await Gateway().SendAsync(Message(), CancellationToken.None), Is.TypeOf<Delivery.Sent>());
    }

    [Test]
    public async Task A_provider_that_is_down_is_retried_and_takes_the_message_when_it_is_back()
    {
        var gateway = Gateway();
        var message = Message();
        Assert.That(await gateway.SendAsync(Message(), CancellationToken.None), Is.TypeOf<Delivery.Sent>(), "up before");

        await _stub.SetModeAsync(new TencentSmsStub.Mode.Down());
        var whileDown = await gateway.SendAsync(message, CancellationToken.None);
        await _stub.SetModeAsync(new TencentSmsStub.Mode.Ok());
        var whenBack = await gateway.SendAsync(message, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(whileDown, Is.TypeOf<Delivery.Retry>().With.Property(nameof(Delivery.Retry.Error)).Contains("ConnectionError"));
            Assert.That(whenBack, Is.TypeOf<Delivery.Sent>());
            Assert.That(ArrivalsOf(message), Has.Count.EqualTo(1));
        });
    }

    /// <summary>
    /// The provider took the message but its answer was lost: the adapter can only say "retry", and the
    /// retry reaches the citizen a second time. The SessionContext makes the two arrivals recognisably
    /// one message, apart from every other.
    /// </summary>
    [Test]
    public async Task A_lost_answer_is_retried_and_the_second_arrival_carries_the_same_session_context()
    {
        var gateway = Gateway();
        var before = _stub.Arrivals.Count;
        var other = Message();
        await gateway.SendAsync(other, CancellationToken.None);
        var message = Message();

        await _stub.SetModeAsync(new TencentSmsStub.Mode.LoseAnswer());
        var lost = await gateway.SendAsync(message, CancellationToken.None);
        var arrivedOnce = ArrivalsOf(message).Count;
        await _stub.SetModeAsync(new TencentSmsStub.Mode.Ok());
        var retried = await gateway.SendAsync(message, CancellationToken.None);

        var duplicated = _stub.Arrivals.Skip(before).GroupBy(a => a.SessionContext).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Multiple(() =>
        {
            Assert.That(lost, Is.TypeOf<Delivery.Retry>());
            Assert.That(arrivedOnce, Is.EqualTo(1), "the provider saw the first try once");
            Assert.That(retried, Is.TypeOf<Delivery.Sent>());
            Assert.That(duplicated, Is.EqualTo(new[] { message.MessageId.ToString() }), "only this message arrived twice");
            Assert.That(ArrivalsOf(other), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task The_stub_refuses_a_wrong_signature_as_the_provider_would()
    {
        var delivery = await Gateway(overrides: ("FEEDBACK_SMS_SECRET_KEY", "not-the-key")).SendAsync(Message(), CancellationToken.None);

        Assert.That(delivery, Is.TypeOf<Delivery.Retry>().With.Property(nameof(Delivery.Retry.Error)).Contains("AuthFailure.SignatureFailure"));
        Assert.That(_stub.TakeProtocolViolations(), Has.One.StartsWith("AuthFailure.SignatureFailure"));
    }

    [Test]
    public async Task The_stub_refuses_a_clock_more_than_five_minutes_off()
    {
        var slowClock = new FixedTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-6));
        var delivery = await Gateway(slowClock).SendAsync(Message(), CancellationToken.None);

        Assert.That(delivery, Is.TypeOf<Delivery.Retry>().With.Property(nameof(Delivery.Retry.Error)).Contains("AuthFailure.SignatureExpire"));
        Assert.That(_stub.TakeProtocolViolations(), Has.One.StartsWith("AuthFailure.SignatureExpire"));
    }

    [Test]
    public async Task The_stub_refuses_a_signature_it_has_not_approved()
    {
        var delivery = await Gateway(overrides: ("FEEDBACK_SMS_SIGN_NAME", "环保局")).SendAsync(Message(), CancellationToken.None);

        Assert.That(delivery, Is.TypeOf<Delivery.Retry>());
        Assert.That(_stub.TakeProtocolViolations(), Has.One.StartsWith("FailedOperation.SignatureIncorrectOrUnapproved"));
    }

    [Test]
    public void Cancellation_by_the_caller_is_not_a_delivery_outcome()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), () => Gateway().SendAsync(Message(), cancelled.Token));
    }
}

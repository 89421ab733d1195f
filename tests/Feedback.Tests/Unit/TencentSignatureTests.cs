using System.Text;
using Feedback.Api.Features.Notifications.Sms;
using Microsoft.Extensions.Configuration;

namespace Feedback.Tests.Unit;

/// <summary>Tencent Cloud's signature v3 against the worked example in its documentation, and the FEEDBACK_SMS_* settings.</summary>
public sealed class TencentSignatureTests
{
    /// <summary>
    /// The signature document's example: CVM's DescribeInstances on 2019-02-25 (UTC; already the 26th
    /// in Beijing, the trap the document warns of), with the body exactly as it prints it. The
    /// document has carried two example keys over the years, each with its own published signature.
    /// </summary>
    [TestCase("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")]
    [TestCase("Gu5t9xGARNpq86cd98joQYCN3*******", "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c")]
    public void Signs_the_documented_example_to_the_documented_signature(string secretKey, string signature)
    {
        var payload = Encoding.UTF8.GetBytes("""{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}""");
        Assert.That(TencentCloudSms.Authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secretKey, "cvm", "cvm.tencentcloudapi.com", 1551113065, payload),
            Is.EqualTo("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, " +
                       $"SignedHeaders=content-type;host, Signature={signature}"));
    }

    private static readonly (string, string)[] Complete =
    [
        ("FEEDBACK_SMS_PROVIDER", "tencent"),
        ("FEEDBACK_SMS_SECRET_ID", "AKIDexample"),
        ("FEEDBACK_SMS_SECRET_KEY", "secret"),
        ("FEEDBACK_SMS_APP_ID", "1400006666"),
        ("FEEDBACK_SMS_SIGN_NAME", "嵊州市环保局"),
        ("FEEDBACK_SMS_TEMPLATES", "receipt=1234567, accepted=1234568, accepted.en=2234568"),
    ];

    private static SmsSettings? Settings(IEnumerable<(string Key, string Value)> settings, params string[] requiredTemplates) =>
        SmsSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(
            settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build(), requiredTemplates);

    private static IEnumerable<(string, string)> With(params (string Key, string Value)[] changes) =>
        Complete.Where(s => changes.All(c => c.Key != s.Item1)).Concat(changes);

    private static string ErrorOf(IEnumerable<(string, string)> settings, params string[] requiredTemplates) =>
        Assert.Throws<InvalidOperationException>(() => Settings(settings, requiredTemplates))!.Message;

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void No_provider_means_no_text_messages(string? provider) =>
        Assert.That(Settings(provider is null ? [] : [("FEEDBACK_SMS_PROVIDER", provider), ("FEEDBACK_SMS_SECRET_ID", "AKIDexample")], "receipt"), Is.Null);

    [Test]
    public void A_complete_configuration_has_the_documented_defaults()
    {
        var settings = Settings(Complete, "receipt", "accepted")!;
        Assert.Multiple(() =>
        {
            Assert.That(settings.SignName, Is.EqualTo("嵊州市环保局"));
            Assert.That(settings.Region, Is.EqualTo("ap-guangzhou"));
            Assert.That(settings.Endpoint, Is.EqualTo(new Uri("https://sms.tencentcloudapi.com")));
            Assert.That(settings.Timeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
        });
    }

    [Test]
    public void Another_provider_is_refused_by_name() =>
        Assert.That(ErrorOf(With(("FEEDBACK_SMS_PROVIDER", "aliyun"))), Does.Contain("FEEDBACK_SMS_PROVIDER").And.Contain("aliyun"));

    [Test]
    public void A_partial_configuration_names_every_missing_variable()
    {
        var message = ErrorOf([("FEEDBACK_SMS_PROVIDER", "tencent"), ("FEEDBACK_SMS_SECRET_ID", "AKIDexample"), ("FEEDBACK_SMS_SIGN_NAME", " ")]);
        Assert.That(message, Does.Contain("FEEDBACK_SMS_SECRET_KEY").And.Contain("FEEDBACK_SMS_APP_ID")
            .And.Contain("FEEDBACK_SMS_SIGN_NAME").And.Contain("FEEDBACK_SMS_TEMPLATES").And.Not.Contain("FEEDBACK_SMS_SECRET_ID"));
    }

    [TestCase("FEEDBACK_SMS_TEMPLATES", "receipt=1234567,accepted")]
    [TestCase("FEEDBACK_SMS_TEMPLATES", "receipt=SMS_1234567")]
    [TestCase("FEEDBACK_SMS_TEMPLATES", "receipt=1,receipt=2")]
    [TestCase("FEEDBACK_SMS_TIMEOUT_SECONDS", "0")]
    [TestCase("FEEDBACK_SMS_TIMEOUT_SECONDS", "ten")]
    [TestCase("FEEDBACK_SMS_ENDPOINT", "sms.tencentcloudapi.com")]
    [TestCase("FEEDBACK_SMS_ENDPOINT", "ftp://sms.tencentcloudapi.com")]
    [TestCase("FEEDBACK_SMS_SIGN_NAME", "【嵊州市环保局】")]
    public void A_malformed_value_is_refused_by_its_variable_name(string name, string value) =>
        Assert.That(ErrorOf(With((name, value))), Does.Contain(name));

    [Test]
    public void Missing_templates_are_all_named_and_english_ones_fall_back_to_chinese()
    {
        var message = ErrorOf(Complete, "receipt", "receipt.en", "accepted", "accepted.en", "result", "result.en", "reminder");
        Assert.That(message, Does.Contain("FEEDBACK_SMS_TEMPLATES").And.Contain("result").And.Contain("reminder")
            .And.Not.Contain("receipt").And.Not.Contain("accepted").And.Not.Contain("result.en"));
    }

    [TestCase("receipt", "1234567")]
    [TestCase("receipt.en", "1234567", TestName = "English without its own template takes the Chinese one")]
    [TestCase("accepted", "1234568")]
    [TestCase("accepted.en", "2234568")]
    [TestCase("result", null)]
    [TestCase("result.en", null)]
    public void Template_ids_are_found_by_key(string key, string? templateId) =>
        Assert.That(Settings(Complete)!.TemplateIdFor(key), Is.EqualTo(templateId));
}

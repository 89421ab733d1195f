using System.Net;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Security;
using Microsoft.Extensions.Configuration;

namespace Feedback.Tests.Unit;

public sealed class AbuseLimitSettingsTests
{
    private static FeedbackOptions Options(params (string Key, string Value)[] settings) =>
        FeedbackOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(
            settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)).Append(KeyValuePair.Create("FEEDBACK_DB", (string?)"Host=x"))).Build());

    [Test]
    public void Defaults_are_20_a_minute_no_trusted_proxy_15_evaluation_days_and_the_Shengzhou_box()
    {
        var options = Options();
        Assert.Multiple(() =>
        {
            Assert.That(options.RateLimitPerMinute, Is.EqualTo(20));
            Assert.That(options.TrustedProxies, Is.Empty);
            Assert.That(options.EvaluationDays, Is.EqualTo(15));
            Assert.That(options.ServiceArea.Contains(29.59, 120.82), Is.True, "嵊州市区");
            Assert.That(options.ServiceArea.Contains(30.27, 120.15), Is.False, "杭州");
        });
    }

    [Test]
    public void Proxies_may_be_addresses_or_ranges()
    {
        var options = Options(("FEEDBACK_TRUSTED_PROXIES", "10.0.0.5, 192.168.0.0/16, ::1"));
        Assert.Multiple(() =>
        {
            Assert.That(options.TrustedProxies.Any(n => n.Contains(IPAddress.Parse("10.0.0.5"))), Is.True);
            Assert.That(options.TrustedProxies.Any(n => n.Contains(IPAddress.Parse("10.0.0.6"))), Is.False);
            Assert.That(options.TrustedProxies.Any(n => n.Contains(IPAddress.Parse("192.168.44.1"))), Is.True);
            Assert.That(options.TrustedProxies.Any(n => n.Contains(IPAddress.IPv6Loopback)), Is.True);
        });
    }

    [TestCase("FEEDBACK_RATE_LIMIT_PER_MINUTE", "-1")]
    [TestCase("FEEDBACK_RATE_LIMIT_PER_MINUTE", "lots")]
    [TestCase("FEEDBACK_TRUSTED_PROXIES", "proxy.example")]
    [TestCase("FEEDBACK_SERVICE_AREA", "29.9,120.5,29.3,121.2")]
    [TestCase("FEEDBACK_SERVICE_AREA", "29.3,120.5,29.9")]
    [TestCase("FEEDBACK_SERVICE_AREA", "a,b,c,d")]
    public void A_bad_setting_stops_the_start_with_a_message_naming_it(string key, string value) =>
        Assert.That(() => Options((key, value)), Throws.InvalidOperationException.With.Message.Contains(key));

    [Test]
    public void IPv6_clients_count_per_64_and_IPv4_per_address()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RateLimiting.ClientKey(IPAddress.Parse("2001:db8:1:2:aaaa::1")),
                Is.EqualTo(RateLimiting.ClientKey(IPAddress.Parse("2001:db8:1:2:bbbb::9"))));
            Assert.That(RateLimiting.ClientKey(IPAddress.Parse("2001:db8:1:3::1")),
                Is.Not.EqualTo(RateLimiting.ClientKey(IPAddress.Parse("2001:db8:1:2::1"))));
            Assert.That(RateLimiting.ClientKey(IPAddress.Parse("::ffff:203.0.113.5")), Is.EqualTo("203.0.113.5"));
            Assert.That(RateLimiting.ClientKey(IPAddress.Parse("203.0.113.5")), Is.Not.EqualTo(RateLimiting.ClientKey(IPAddress.Parse("203.0.113.6"))));
        });
    }

    [Test]
    public void A_derived_code_is_stable_per_secret_and_uses_the_code_alphabet()
    {
        var once = SecretCode.Derive("key-one-0000000000"u8, "label");
        Assert.Multiple(() =>
        {
            Assert.That(SecretCode.Derive("key-one-0000000000"u8, "label"), Is.EqualTo(once));
            Assert.That(SecretCode.Derive("key-two-0000000000"u8, "label"), Is.Not.EqualTo(once));
            Assert.That(SecretCode.Normalize(once), Is.EqualTo(once), "a valid code");
        });
    }
}

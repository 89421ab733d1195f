using Feedback.Api.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Feedback.Tests.Unit;

/// <summary>FEEDBACK_PROMETHEUS_URL, FEEDBACK_PROMETHEUS_TOKEN and FEEDBACK_LOG_FORMAT.</summary>
public sealed class TelemetrySettingsTests
{
    private const string Token = "a-token-of-24-characters";

    private static FeedbackOptions Options(params (string Key, string Value)[] settings) =>
        FeedbackOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(
            settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)).Append(KeyValuePair.Create("FEEDBACK_DB", (string?)"Host=x"))).Build());

    [Test]
    public void By_default_no_metrics_are_served_and_logs_are_JSON()
    {
        var options = Options();
        Assert.Multiple(() =>
        {
            Assert.That(options.PrometheusUrl, Is.Null);
            Assert.That(options.PrometheusToken, Is.Null);
            Assert.That(options.LogFormat, Is.EqualTo(LogFormat.Json));
            Assert.That(Options(("FEEDBACK_LOG_FORMAT", "Text")).LogFormat, Is.EqualTo(LogFormat.Text));
        });
    }

    [TestCase("http://127.0.0.1:9464")]
    [TestCase("http://localhost:9464")]
    [TestCase("http://[::1]:9464/")]
    public void A_loopback_listener_needs_no_token(string url) =>
        Assert.That(Options(("FEEDBACK_PROMETHEUS_URL", url)).PrometheusUrl!.Port, Is.EqualTo(9464));

    [TestCase("http://0.0.0.0:9464")]
    [TestCase("http://[::]:9464")]
    [TestCase("http://10.1.2.3:9464")]
    [TestCase("http://metrics.internal:9464")]
    public void A_listener_other_machines_reach_needs_the_token(string url)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Options(("FEEDBACK_PROMETHEUS_URL", url)));
        Assert.That(refused!.Message, Does.Contain("FEEDBACK_PROMETHEUS_TOKEN"));
        Assert.That(Options(("FEEDBACK_PROMETHEUS_URL", url), ("FEEDBACK_PROMETHEUS_TOKEN", Token)).PrometheusToken, Is.EqualTo(Token));
    }

    [TestCase("FEEDBACK_PROMETHEUS_URL", "https://127.0.0.1:9464", TestName = "HTTPS (a TLS proxy goes in front)")]
    [TestCase("FEEDBACK_PROMETHEUS_URL", "http://127.0.0.1", TestName = "No port")]
    [TestCase("FEEDBACK_PROMETHEUS_URL", "http://127.0.0.1:9464/metrics", TestName = "A path")]
    [TestCase("FEEDBACK_PROMETHEUS_URL", "127.0.0.1:9464", TestName = "No scheme")]
    [TestCase("FEEDBACK_PROMETHEUS_TOKEN", "short", TestName = "A token under 16 characters")]
    [TestCase("FEEDBACK_PROMETHEUS_TOKEN", "sixteen chars and a space", TestName = "A token with a space")]
    [TestCase("FEEDBACK_LOG_FORMAT", "xml", TestName = "An unknown log format")]
    public void Refuses(string variable, string value)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Options((variable, value)));
        Assert.That(refused!.Message, Does.Contain(variable));
    }
}

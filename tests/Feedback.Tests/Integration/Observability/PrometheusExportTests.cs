using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Feedback.Api.Features.Metrics;
using Feedback.Api.Infrastructure.Observability;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration.Observability;

/// <summary>
/// The metrics as Prometheus scrapes them: an instance with FEEDBACK_PROMETHEUS_URL and a token,
/// real requests to its public port, and real scrapes of its metrics port read strictly.
/// </summary>
[NonParallelizable]
public sealed class PrometheusExportTests : IntegrationTest
{
    private const string Token = "scrape-token-for-the-tests-2026";
    private FeedbackApp _app = null!;
    private HttpClient _public = null!;
    private HttpClient _metrics = null!;

    [OneTimeSetUp]
    public void StartInstance()
    {
        var metricsPort = LoopbackPort.Free();
        _app = new FeedbackApp(TestEnvironment.Database.ConnectionString, settings: new Dictionary<string, string>
        {
            ["FEEDBACK_PROMETHEUS_URL"] = $"http://127.0.0.1:{metricsPort}",
            ["FEEDBACK_PROMETHEUS_TOKEN"] = Token,
        });
        _app.StartServer();
        _public = _app.CreateHttpClient();
        _metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
    }

    [OneTimeTearDown]
    public async Task StopInstance()
    {
        _public.Dispose();
        _metrics.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<HttpResponseMessage> GetMetricsAsync(string? token, string path = "/metrics")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // What Prometheus sends: OpenMetrics preferred, the text format accepted.
        request.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        return await _metrics.SendAsync(request);
    }

    /// <summary>A scrape as Prometheus makes it, answered in the text format whatever it prefers.</summary>
    private async Task<PrometheusExposition> ScrapeAsync()
    {
        using var response = await GetMetricsAsync(Token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(response.Content.Headers.ContentType?.ToString(), Does.StartWith("text/plain").And.Contain("version=0.0.4"));
        });
        return PrometheusExposition.Parse(body);
    }

    private async Task<(string Code, string Password)> SubmitToInstanceAsync(string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = JsonContent.Create(ValidComplaint()) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await _public.SendAsync(request);
        var created = await ReadJsonAsync(response);
        Assert.That((int)response.StatusCode, Is.EqualTo(201), created.ToJsonString());
        return ((string)created["trackingCode"]!, (string)created["queryPassword"]!);
    }

    private static double Submissions(PrometheusExposition scrape, string channel) =>
        scrape.Value("feedback_submissions_total", ("channel", channel));

    [Test]
    public async Task Counts_stored_submissions_by_channel_and_not_a_replay_nor_a_refusal()
    {
        var before = await ScrapeAsync();

        await SubmitToInstanceAsync();
        var key = Guid.NewGuid().ToString();
        await SubmitToInstanceAsync(key);
        await SubmitToInstanceAsync(key); // the client's retry: answered with the first, files nothing
        using (var invalid = await _public.PostAsJsonAsync("/api/v1/complaints", new { categoryCode = "air.odor", description = "" }))
            Assert.That((int)invalid.StatusCode, Is.EqualTo(400));
        using var clerk = await StaffLogin.ClientAsync("office.staff", _app);
        using (var phoned = await clerk.PostAsJsonAsync("/api/v1/staff/complaints",
                   new { channel = "phone", categoryCode = "noise.construction", description = "市民来电：工地夜间施工噪声扰民", township = "剡湖街道" }))
            Assert.That((int)phoned.StatusCode, Is.EqualTo(201), await phoned.Content.ReadAsStringAsync());

        var after = await ScrapeAsync();
        Assert.Multiple(() =>
        {
            Assert.That(after.Families["feedback_submissions_total"].Type, Is.EqualTo("counter"));
            Assert.That(Submissions(after, "web") - Submissions(before, "web"), Is.EqualTo(2));
            Assert.That(Submissions(after, "phone") - Submissions(before, "phone"), Is.EqualTo(1));
            Assert.That(Submissions(after, "letter"), Is.EqualTo(Submissions(before, "letter")));
        });
    }

    [Test]
    public async Task Request_durations_are_labelled_by_route_template_never_by_path()
    {
        var (code, password) = await SubmitToInstanceAsync();
        using (var found = await TrackAsync(code, password, _public)) Assert.That((int)found.StatusCode, Is.EqualTo(200));
        using (var wrong = await TrackAsync(code, "ABCDEFGHJKMN", _public)) Assert.That((int)wrong.StatusCode, Is.Not.EqualTo(200));

        using var response = await GetMetricsAsync(Token);
        var text = await response.Content.ReadAsStringAsync();
        var scrape = PrometheusExposition.Parse(text);
        const string route = "/api/v1/complaints/{trackingCode}";
        var lookups = scrape.Series("http_server_request_duration_seconds_count", ("http_route", route), ("http_request_method", "GET"));
        Assert.Multiple(() =>
        {
            Assert.That(scrape.Families["http_server_request_duration_seconds"].Type, Is.EqualTo("histogram"));
            Assert.That(lookups.Where(s => s.Labels["http_response_status_code"] == "200").Sum(s => s.Value), Is.GreaterThanOrEqualTo(1));
            Assert.That(lookups.Where(s => s.Labels["http_response_status_code"] != "200").Sum(s => s.Value), Is.GreaterThanOrEqualTo(1),
                "the refused lookup counts under its own status: the error rate is a ratio of series");
            Assert.That(scrape.Series("http_server_request_duration_seconds_bucket", ("http_route", route), ("le", "+Inf")), Is.Not.Empty);
            Assert.That(text, Does.Not.Contain(code), "a tracking code is never a label");
            Assert.That(text, Does.Not.Contain(password));
        });
    }

    [Test]
    public async Task A_scrape_is_not_a_request_to_the_service()
    {
        static double Requests(PrometheusExposition scrape) => scrape.Series("http_server_request_duration_seconds_count").Sum(s => s.Value);
        await SubmitToInstanceAsync();
        var first = await ScrapeAsync();
        var second = await ScrapeAsync();
        Assert.That(Requests(second), Is.EqualTo(Requests(first)).And.GreaterThan(0));
    }

    [Test]
    public async Task The_database_pools_and_the_runtime_are_exported()
    {
        await SubmitToInstanceAsync();
        var scrape = await ScrapeAsync();
        var pools = scrape.Series("db_client_connection_max").Select(s => s.Labels["db_client_connection_pool_name"]).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pools, Is.Not.Empty);
            Assert.That(pools, Has.None.Contain("Password"), "a pool is named by its connection string without the password");
            Assert.That(scrape.Series("db_client_connection_count", ("db_client_connection_state", "idle")), Is.Not.Empty);
            Assert.That(scrape.Series("db_client_connection_count", ("db_client_connection_state", "used")), Is.Not.Empty);
            Assert.That(scrape.Series("db_client_operation_duration_seconds_count").Sum(s => s.Value), Is.GreaterThan(0));
            Assert.That(scrape.Series("dotnet_gc_collections_total"), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Gauges_report_overdue_cases_waiting_messages_and_unfolded_changes()
    {
        var gauges = _app.Services.GetRequiredService<DatabaseGauges>();
        var (late, _) = await SubmitToInstanceAsync();
        await SubmitToInstanceAsync();
        await ExecuteAsync($"update complaints set accept_by = current_date - 10, due_on = current_date - 10 where tracking_code = '{late}'");
        await ExecuteAsync("""
            insert into notifications (kind, channel, recipient, language, created_at, next_attempt_at)
            values ('receipt', 'sms', '13800138000', 'zh-CN', now(), now())
            """);

        await gauges.RefreshAsync(CancellationToken.None);
        var read = await ScrapeAsync();
        await _app.Services.GetRequiredService<MetricsFolder>().FoldAllAsync(CancellationToken.None);
        await gauges.RefreshAsync(CancellationToken.None);
        var folded = await ScrapeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(read.Families["feedback_cases_overdue"].Type, Is.EqualTo("gauge"));
            Assert.That(read.Value("feedback_cases_overdue", ("deadline", "accept")), Is.EqualTo(1));
            Assert.That(read.Value("feedback_cases_overdue", ("deadline", "resolve")), Is.EqualTo(0));
            Assert.That(read.Value("feedback_notifications_waiting", ("channel", "sms")), Is.EqualTo(1));
            Assert.That(read.Series("feedback_notifications_waiting", ("channel", "email")).Single().Value, Is.EqualTo(0), "an empty channel is a 0, not a missing series");
            Assert.That(read.Value("feedback_metrics_unfolded_changes"), Is.GreaterThanOrEqualTo(4),
                "each filing logs the case, the update logs it as it was and as it is");
            Assert.That(folded.Value("feedback_metrics_unfolded_changes"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task Metrics_are_served_only_on_their_own_port_and_only_with_the_token()
    {
        using var onThePublicPort = await _public.GetAsync("/metrics");
        using var withoutToken = await GetMetricsAsync(null);
        using var wrongToken = await GetMetricsAsync(Token + "x");
        using var withToken = await GetMetricsAsync(Token);
        using var apiOnTheMetricsPort = await GetMetricsAsync(Token, "/api/v1/categories");
        using var post = await _metrics.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/metrics")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) },
        });
        Assert.Multiple(() =>
        {
            Assert.That(onThePublicPort.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(withoutToken.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(withoutToken.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
            Assert.That(wrongToken.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(withToken.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(apiOnTheMetricsPort.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the metrics port serves nothing of the API");
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        });
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Observability;

/// <summary>
/// The built API started as production starts it — `dotnet Feedback.Api.dll --urls …`, no log
/// setting, behind a trusted proxy, with metrics on a port of their own — and its stdout read line
/// by line after a citizen submits a case, looks it up, mistypes the password and is rate-limited.
/// </summary>
[NonParallelizable]
public sealed class StructuredLogTests
{
    private const string Token = "scrape-token-for-the-log-tests";
    private const string CitizenAddress = "203.0.113.7";
    private const string GuesserAddress = "198.51.100.9";
    private const string Name = "王女士";
    private const string Phone = "13800138000";
    private const string Email = "wang@example.cn";
    private const string Description = "小区东侧化工厂每天夜里排放刺鼻废气，已持续一周。";
    private const string QueryStringSecret = "13900139000";

    private ApiProcess _api = null!;
    private HttpClient _public = null!;
    private HttpClient _metrics = null!;
    private string _code = null!;
    private string _password = null!;
    private string _problemTraceId = null!;

    [OneTimeSetUp]
    public async Task StartAndUseTheApi()
    {
        var metricsPort = LoopbackPort.Free();
        var environment = new Dictionary<string, string?>
        {
            ["FEEDBACK_LOG_FORMAT"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["FEEDBACK_DB"] = TestEnvironment.Database.ConnectionString,
            ["FEEDBACK_TRUSTED_PROXIES"] = "127.0.0.1",
            ["FEEDBACK_RATE_LIMIT_PER_MINUTE"] = "2",
            ["FEEDBACK_PROMETHEUS_URL"] = $"http://127.0.0.1:{metricsPort}",
            ["FEEDBACK_PROMETHEUS_TOKEN"] = Token,
        };
        // Its background rounds stay out of the other tests' data while it runs.
        foreach (var interval in new[] { "FEEDBACK_REMINDER_INTERVAL_SECONDS", "FEEDBACK_HOUSEKEEPING_INTERVAL_SECONDS", "FEEDBACK_METRICS_FOLD_SECONDS", "FEEDBACK_NOTIFY_POLL_SECONDS" })
            environment[interval] = "86400";
        _api = new ApiProcess(environment);
        _public = _api.CreateClient();
        _metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        _metrics.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        await _api.WaitUntilReadyAsync();

        using (var submitted = await SendAsync(HttpMethod.Post, "/api/v1/complaints", CitizenAddress, content: JsonContent.Create(new
               {
                   categoryCode = "air.odor", description = Description, township = "剡湖街道",
                   contact = new { name = Name, phone = Phone, email = Email },
               })))
        {
            var created = JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!;
            Assert.That((int)submitted.StatusCode, Is.EqualTo(201), created.ToJsonString());
            (_code, _password) = ((string)created["trackingCode"]!, (string)created["queryPassword"]!);
        }
        using (var found = await SendAsync(HttpMethod.Get, $"/api/v1/complaints/{_code}?from={QueryStringSecret}", CitizenAddress, _password))
            Assert.That((int)found.StatusCode, Is.EqualTo(200));
        using (var mistyped = await SendAsync(HttpMethod.Get, $"/api/v1/complaints/{_code}", CitizenAddress, "ABCDEFGHJKMN"))
        {
            Assert.That((int)mistyped.StatusCode, Is.EqualTo(404));
            _problemTraceId = (string)JsonNode.Parse(await mistyped.Content.ReadAsStringAsync())!["traceId"]!;
        }
        // Two password attempts a minute from one address: the third is refused.
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var guess = await SendAsync(HttpMethod.Get, $"/api/v1/complaints/{_code}", GuesserAddress, "ABCDEFGHJKMN");
            statuses.Add((int)guess.StatusCode);
        }
        Assert.That(statuses[2], Is.EqualTo(429));
        await WaitForLineAsync(line => line.Contains("answered 429"));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _public?.Dispose();
        _metrics?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string forwardedFor, string? password = null, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (password is not null) request.Headers.Add("X-Query-Password", password);
        return await _public.SendAsync(request);
    }

    private async Task WaitForLineAsync(Func<string, bool> wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_api.Lines.Any(wanted))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), () => "the line never came: " + _api.Output);
            await Task.Delay(100);
        }
    }

    private List<JsonObject> Lines() => [.. _api.Lines.Select(line => JsonNode.Parse(line)!.AsObject())];

    private static JsonObject RequestLine(IEnumerable<JsonObject> lines, string startsWith) =>
        lines.Single(line => (string?)line["category"] == "Feedback.Api.Infrastructure.Observability.RequestLog"
                             && ((string)line["message"]!).StartsWith(startsWith, StringComparison.Ordinal));

    [Test]
    public void Every_line_on_stdout_is_one_JSON_object_by_default()
    {
        var lines = _api.Lines;
        Assert.That(lines, Has.Count.GreaterThan(5));
        Assert.Multiple(() =>
        {
            foreach (var line in lines)
            {
                JsonObject? entry = null;
                Assert.DoesNotThrow(() => entry = JsonNode.Parse(line)!.AsObject(), line);
                if (entry is null) continue;
                Assert.That(DateTime.TryParse((string?)entry["time"], out _), Is.True, line);
                Assert.That((string?)entry["level"], Is.AnyOf("Trace", "Debug", "Information", "Warning", "Error", "Critical"), line);
                Assert.That((string?)entry["category"], Is.Not.Empty, line);
                Assert.That((string?)entry["message"], Is.Not.Null, line);
            }
        });
    }

    [Test]
    public void A_request_s_lines_share_its_trace_id_and_its_problem_names_it()
    {
        var lines = Lines();
        var submission = RequestLine(lines, "POST /api/v1/complaints answered 201");
        var traceId = (string)submission["trace_id"]!;
        var handled = lines.Single(line => ((string)line["message"]!).StartsWith("Complaints.SubmitComplaint.Command handled", StringComparison.Ordinal));
        var refusedTrace = _problemTraceId.Split('-')[1];
        Assert.Multiple(() =>
        {
            Assert.That(traceId, Does.Match("^[0-9a-f]{32}$"));
            Assert.That((string)submission["span_id"]!, Does.Match("^[0-9a-f]{16}$"));
            Assert.That((string?)handled["trace_id"], Is.EqualTo(traceId), "the handler's line belongs to the request");
            Assert.That((int?)submission["fields"]!["Status"], Is.EqualTo(201));
            Assert.That((string?)submission["fields"]!["Request"], Is.EqualTo("POST /api/v1/complaints"));
            Assert.That(lines.Where(line => (string?)line["trace_id"] == refusedTrace).Select(line => (string)line["message"]!),
                Has.Some.StartsWith("GET /api/v1/complaints/{trackingCode} answered 404"), "a problem's traceId finds the request's lines");
            Assert.That(lines.Where(line => line["trace_id"] is not null).Select(line => (string)line["trace_id"]!).Distinct().Count(),
                Is.GreaterThanOrEqualTo(6), "each request has a trace of its own");
        });
    }

    [Test]
    public void No_personal_data_nor_a_tracking_code_reaches_the_log()
    {
        var log = _api.Output;
        Assert.Multiple(() =>
        {
            Assert.That(log, Does.Contain("{trackingCode}"), "routes are logged, as templates");
            foreach (var secret in new[] { _code, _password, Name, Phone, Email, Description, QueryStringSecret, CitizenAddress, GuesserAddress, Token })
                Assert.That(log, Does.Not.Contain(secret));
        });
    }

    [Test]
    public async Task A_rate_limit_refusal_is_logged_by_route_and_counted()
    {
        using var response = await _metrics.GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var scrape = PrometheusExposition.Parse(await response.Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(Lines().Where(line => (string?)line["level"] == "Warning").Select(line => (string)line["message"]!),
                Does.Contain("Rate limit reached on GET /api/v1/complaints/{trackingCode}"));
            Assert.That(scrape.Value("feedback_rate_limit_refusals_total", ("budget", "password-attempts")), Is.EqualTo(1));
            Assert.That(scrape.Series("feedback_rate_limit_refusals_total", ("budget", "anonymous-writes")), Is.Empty, "the submission was within its budget");
        });
    }

    [Test]
    public async Task Metrics_listen_beside_the_addresses_given_with_urls_and_not_on_them()
    {
        using var onThePublicPort = await _public.GetAsync("/metrics");
        using var onTheirOwnPort = await _metrics.GetAsync("/metrics");
        Assert.Multiple(() =>
        {
            Assert.That(onThePublicPort.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(onTheirOwnPort.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}

using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Feedback.Tests.Support;


/// <summary>Base for tests that talk HTTP to the running API; each starts with no complaints stored.</summary>
public abstract class IntegrationTest
{
    protected static FeedbackApp App => TestEnvironment.App;
    protected HttpClient Client { get; private set; } = null!;

    [SetUp]
    public async Task ResetAsync()
    {
        await TestEnvironment.ResetDataAsync();
        Client = App.CreateHttpClient();
    }

    [TearDown]
    public void DisposeClient() => Client?.Dispose();

    protected static object ValidComplaint(string categoryCode = "air.odor") => new
    {
        categoryCode,
        description = "小区东侧化工厂每天夜里排放刺鼻废气，已持续一周。",
        township = "剡湖街道",
        address = "城东路 88 号附近",
        contact = new { name = "王女士", phone = "13800138000", email = "wang@example.cn" },
    };

    protected async Task<JsonObject> SubmitAsync(object? complaint = null)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/complaints", complaint ?? ValidComplaint());
        Assert.That((int)response.StatusCode, Is.EqualTo(201), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    protected async Task<HttpResponseMessage> TrackAsync(string trackingCode, string? password, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{Uri.EscapeDataString(trackingCode)}");
        if (password is not null) request.Headers.Add("X-Query-Password", password);
        return await (client ?? Client).SendAsync(request);
    }

    protected static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Asserts an RFC 9457 problem with the status and a trace id, and returns it.</summary>
    protected static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(status), body);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        });
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That((int?)problem["status"], Is.EqualTo(status));
            Assert.That((string?)problem["title"], Is.Not.Empty);
            Assert.That((string?)problem["traceId"], Is.Not.Empty);
            Assert.That(body, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace leaves the server");
        });
        return problem;
    }

    protected static async Task<long> CountAsync(string table)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"select count(*) from {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a statement as the API's database role, e.g. to age a row instead of waiting.</summary>
    protected static async Task ExecuteAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>An HTTP client signed in as a demo account (password demo-2026).</summary>
    protected static Task<HttpClient> StaffAsync(string username) => StaffLogin.ClientAsync(username);

    /// <summary>The case as staff see it, and its ETag.</summary>
    protected static async Task<(JsonObject Case, string ETag)> GetCaseAsync(HttpClient staff, string trackingCode)
    {
        using var response = await staff.GetAsync($"/api/v1/staff/complaints/{trackingCode}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return (JsonNode.Parse(body)!.AsObject(), response.Headers.ETag!.ToString());
    }

    /// <summary>POSTs a case action with If-Match (null sends none).</summary>
    protected static async Task<HttpResponseMessage> ActAsync(HttpClient staff, string trackingCode, string action, string? etag, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{trackingCode}/{action}")
        {
            Content = JsonContent.Create(body ?? new { }),
        };
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await staff.SendAsync(request);
    }

    /// <summary>Performs an action on the current version and asserts it succeeded.</summary>
    protected static async Task<JsonObject> ActOkAsync(HttpClient staff, string trackingCode, string action, object? body = null)
    {
        var (_, etag) = await GetCaseAsync(staff, trackingCode);
        using var response = await ActAsync(staff, trackingCode, action, etag, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{action}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>
    /// How the audit log names the route a request reaches: its method and template, found here by
    /// matching the path against the API's own endpoints segment by segment.
    /// </summary>
    public static string AuditedRoute(HttpMethod method, string path)
    {
        var segments = path.Split('?')[0].Trim('/').Split('/');
        var endpoint = App.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods.Contains(method.Method) == true)
            .Select(e => (Endpoint: e, Template: e.RoutePattern.RawText!.Trim('/').Split('/')))
            .Where(e => e.Template.Length == segments.Length
                        && e.Template.Zip(segments).All(pair => pair.First.StartsWith('{') || pair.First == pair.Second))
            // A literal segment beats a parameter (".../extensions/decision" over ".../{x}/decision").
            .OrderBy(e => e.Template.Count(t => t.StartsWith('{')))
            .First().Endpoint;
        return Feedback.Api.Infrastructure.Auth.AuthSetup.RouteTarget(method.Method, endpoint.RoutePattern);
    }

    /// <summary>Writes now what the API tallies of repeated refusals (it does so every minute), so the next refusal is written when it happens.</summary>
    public static Task FlushRepeatedRefusalsAsync() =>
        App.Services.GetRequiredService<Feedback.Api.Infrastructure.Audit.RepeatedRefusals>().FlushAsync(everything: true, CancellationToken.None);
}

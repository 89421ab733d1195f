using System.Net.Http.Headers;
using System.Text;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

/// <summary>Every error is an RFC 9457 problem with a trace id, and a refused request stores nothing.</summary>
public sealed class ErrorResponseTests : IntegrationTest
{
    private Task<HttpResponseMessage> PostRawAsync(string body, string contentType) =>
        Client.PostAsync("/api/v1/complaints", new StringContent(body, Encoding.UTF8, contentType));

    [TearDown]
    public async Task NothingWasStored() => Assert.That(await CountAsync("complaints"), Is.Zero, "a refused request stores nothing");

    [Test]
    public async Task Unknown_route_is_a_404_problem()
    {
        using var response = await Client.GetAsync("/api/v1/nothing-here");
        await AssertProblemAsync(response, 404);
    }

    [Test]
    public async Task Wrong_method_is_a_405_problem()
    {
        using var response = await Client.DeleteAsync("/api/v1/complaints");
        await AssertProblemAsync(response, 405);
    }

    [Test]
    public async Task Wrong_content_type_is_a_415_problem()
    {
        using var response = await PostRawAsync("""{"categoryCode":"air.odor","description":"臭"}""", "text/plain");
        await AssertProblemAsync(response, 415);
    }

    [TestCase("{\"categoryCode\":\"air.odor\",\"description\":", TestName = "truncated JSON")]
    [TestCase("{categoryCode: 'air.odor'}", TestName = "not JSON")]
    [TestCase("[1,2,3]", TestName = "an array")]
    [TestCase("null", TestName = "null")]
    [TestCase("", TestName = "an empty body")]
    [TestCase("{\"categoryCode\":42,\"description\":\"臭\"}", TestName = "a number for a string")]
    public async Task Malformed_JSON_is_a_400_problem(string body)
    {
        using var response = await PostRawAsync(body, "application/json");
        await AssertProblemAsync(response, 400);
    }

    [Test]
    public async Task A_body_over_64_KiB_is_a_413_problem_in_the_callers_language()
    {
        var huge = $$"""{"categoryCode":"air.odor","description":"{{new string('a', 70_000)}}"}""";
        using var response = await PostRawAsync(huge, "application/json");
        var problem = await AssertProblemAsync(response, 413);
        Assert.That((string?)problem["title"], Is.EqualTo("请求内容过大"));
    }

    [TestCase("application/json; charset=iso-8859-1")]
    [TestCase("application/json; charset=utf-16")]
    [TestCase("application/json; charset=bogus")]
    public async Task A_body_declared_in_another_charset_than_UTF_8_is_a_415_problem(string contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"categoryCode":"air.odor","description":"café 臭"}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await Client.PostAsync("/api/v1/complaints", content);
        await AssertProblemAsync(response, 415);
    }

    [Test]
    public async Task UTF_8_may_be_declared_explicitly()
    {
        using var response = await PostRawAsync("""{"categoryCode":"air.odor","description":"café 臭"}""", "application/json");
        Assert.That((int)response.StatusCode, Is.EqualTo(201));
        await TestEnvironment.ResetDataAsync(); // this test is the one here that stores something
    }

    [TestCase("""{"categoryCode":"air.odor","description":123}""", "description")]
    [TestCase("""{"categoryCode":"air.odor","description":"臭","contact":"13800138000"}""", "contact")]
    [TestCase("""{"categoryCode":"air.odor","description":"臭","contact":{"phone":13800138000}}""", "contact.phone")]
    public async Task A_value_of_the_wrong_type_is_a_400_naming_the_field(string body, string field)
    {
        using var response = await PostRawAsync(body, "application/json");
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]?.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { field }));
    }

    [Test]
    public async Task A_field_given_twice_is_refused_rather_than_guessed()
    {
        using var response = await PostRawAsync("""{"categoryCode":"air.odor","description":"第一","description":"第二"}""", "application/json");
        await AssertProblemAsync(response, 400);
    }

    [Test]
    public async Task A_refused_statement_is_a_500_not_an_outage()
    {
        await using var admin = new Npgsql.NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await admin.OpenAsync();
        await using (var revoke = new Npgsql.NpgsqlCommand("revoke insert on complaint_events from feedback_api", admin))
            await revoke.ExecuteNonQueryAsync();
        try
        {
            using var response = await PostRawAsync("""{"categoryCode":"air.odor","description":"权限被收回"}""", "application/json");
            var problem = await AssertProblemAsync(response, 500);
            Assert.Multiple(() =>
            {
                Assert.That(response.Headers.RetryAfter, Is.Null, "a bug is not worth retrying");
                Assert.That(problem.ToJsonString(), Does.Not.Contain("42501").And.Not.Contain("complaint_events"));
            });
        }
        finally
        {
            await using var grant = new Npgsql.NpgsqlCommand("grant insert on complaint_events to feedback_api", admin);
            await grant.ExecuteNonQueryAsync();
        }
    }

    [Test]
    public async Task A_bug_is_a_500_problem_that_reveals_nothing()
    {
        using var response = await Client.GetAsync("/test/fault");
        var problem = await AssertProblemAsync(response, 500);
        var text = problem.ToJsonString();
        Assert.That(text, Does.Not.Contain("hunter2").And.Not.Contain("db.internal").And.Not.Contain("InvalidOperation"));
    }

    [Test]
    public async Task Problems_speak_English_when_asked()
    {
        using var english = App.CreateHttpClient("en");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/complaints") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        using var response = await english.SendAsync(request);
        var problem = await AssertProblemAsync(response, 405);
        Assert.That((string?)problem["title"], Is.EqualTo("Method not allowed"));
    }

    [Test]
    public async Task Api_responses_carry_security_headers_and_are_not_cached()
    {
        using var response = await Client.GetAsync("/health/live");
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
            Assert.That(response.Headers.GetValues("Referrer-Policy"), Is.EqualTo(new[] { "no-referrer" }));
            Assert.That(response.Headers.CacheControl, Is.EqualTo(CacheControlHeaderValue.Parse("no-store")));
            Assert.That(response.Headers.Contains("Server"), Is.False);
        });
    }

    [Test]
    public async Task Only_configured_origins_may_call_from_a_browser()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString,
            settings: new Dictionary<string, string> { ["FEEDBACK_CORS_ORIGINS"] = "https://good.example, https://other.example" });
        app.StartServer();
        using var client = app.CreateHttpClient();

        async Task<string?> AllowedOriginAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/complaints");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            using var response = await client.SendAsync(request);
            return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await AllowedOriginAsync("https://good.example"), Is.EqualTo("https://good.example"));
            Assert.That(await AllowedOriginAsync("https://evil.example"), Is.Null);
            Assert.That(await AllowedOriginAsync("https://good.example.evil.example"), Is.Null);
            Assert.That(await AllowedOriginAsync("null"), Is.Null);
        });
    }
}

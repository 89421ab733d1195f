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
    public async Task NothingWasStored() => Assert.That(await CountAsync("complaints"), Is.Zero);

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
    public async Task A_body_over_64_KiB_is_a_413_problem()
    {
        var huge = $$"""{"categoryCode":"air.odor","description":"{{new string('a', 70_000)}}"}""";
        using var response = await PostRawAsync(huge, "application/json");
        await AssertProblemAsync(response, 413);
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
    public async Task Browsers_from_other_origins_are_not_let_in()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/complaints");
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        using var response = await Client.SendAsync(request);
        Assert.That(response.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
    }
}

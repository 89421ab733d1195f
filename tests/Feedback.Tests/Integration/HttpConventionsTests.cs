using System.Net;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

/// <summary>HEAD on GET routes, and who may read the API's own documentation (FEEDBACK_API_DOCS).</summary>
public sealed class HttpConventionsTests : IntegrationTest
{
    [TestCase("/api/v1/categories")]
    [TestCase("/api/v1/townships")]
    [TestCase("/health/ready")]
    [TestCase("/openapi/v1.json")]
    public async Task HEAD_answers_as_GET_without_a_body(string path)
    {
        using var get = await Client.GetAsync(path);
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        var body = await head.Content.ReadAsByteArrayAsync();
        Assert.Multiple(() =>
        {
            Assert.That(head.StatusCode, Is.EqualTo(get.StatusCode));
            Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(head.Content.Headers.ContentType?.MediaType, Is.EqualTo(get.Content.Headers.ContentType?.MediaType));
            Assert.That(body, Is.Empty);
        });
    }

    [Test]
    public async Task HEAD_keeps_the_refusals_of_GET_and_a_POST_only_route_stays_405()
    {
        using var tracked = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/v1/complaints/23456789ABCD"));
        using var staff = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/v1/staff/complaints"));
        using var login = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/v1/auth/login"));
        Assert.Multiple(() =>
        {
            Assert.That(tracked.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(staff.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        });
    }

    private static async Task<(HttpStatusCode Document, HttpStatusCode Ui, HttpStatusCode SignedIn)> DocsAsync(string? setting)
    {
        var settings = new Dictionary<string, string>();
        if (setting is not null) settings["FEEDBACK_API_DOCS"] = setting;
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, settings: settings);
        app.StartServer();
        using var client = app.CreateHttpClient();
        using var document = await client.GetAsync("/openapi/v1.json");
        using var ui = await client.GetAsync("/swagger/index.html");
        using var staff = await StaffLogin.ClientAsync("enforcement.staff", app);
        using var signedIn = await staff.GetAsync("/openapi/v1.json");
        return (document.StatusCode, ui.StatusCode, signedIn.StatusCode);
    }

    [Test]
    public async Task The_api_docs_are_public_by_default_for_staff_when_asked_or_off()
    {
        var byDefault = await DocsAsync(null);
        var signedIn = await DocsAsync("signed-in");
        var off = await DocsAsync("off");
        Assert.Multiple(() =>
        {
            Assert.That(byDefault, Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK)));
            Assert.That(signedIn, Is.EqualTo((HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.OK)));
            Assert.That(off, Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        });
    }
}

using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Open311;

/// <summary>GeoReport requests as a client sends them, and a few cases in the states the read side shows.</summary>
public abstract class Open311Test : IntegrationTest
{
    /// <summary>The raw answer: tests that look for what must never appear search these bytes.</summary>
    protected async Task<(int Status, string ContentType, string Body)> GetRawAsync(string path, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await Client.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "",
            Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
    }

    protected async Task<JsonNode> JsonAsync(string path, int status = 200, string? language = null)
    {
        var (actual, contentType, body) = await GetRawAsync(path, language);
        Assert.That(actual, Is.EqualTo(status), body);
        Assert.That(contentType, Is.EqualTo("application/json; charset=utf-8"));
        return JsonNode.Parse(body)!;
    }

    protected async Task<XDocument> XmlAsync(string path, int status = 200, string? language = null)
    {
        var (actual, contentType, body) = await GetRawAsync(path, language);
        Assert.That(actual, Is.EqualTo(status), body);
        Assert.That(contentType, Is.EqualTo("text/xml; charset=utf-8"));
        return XDocument.Parse(body);
    }

    /// <summary>The service requests of a GET requests answer, checked against the schema.</summary>
    protected async Task<JsonArray> RequestsAsync(string query = "", string? language = null)
    {
        var requests = (await JsonAsync($"/open311/v2/requests.json{query}", language: language)).AsArray();
        Open311Conformance.AssertJson("service_requests", requests);
        return requests;
    }

    protected async Task<JsonObject> RequestAsync(string code, string? language = null)
    {
        var list = (await JsonAsync($"/open311/v2/requests/{code}.json", language: language)).AsArray();
        Open311Conformance.AssertJson("service_requests", list);
        Assert.That(list, Has.Count.EqualTo(1), "a request by id is a one-element list");
        return list[0]!.AsObject();
    }

    protected async Task<JsonArray> UpdatesAsync(string query = "")
    {
        var updates = (await JsonAsync($"/open311/v2/servicerequestupdates.json{query}")).AsArray();
        Open311Conformance.AssertJson("service_request_updates", updates);
        return updates;
    }

    /// <summary>The GeoReport 400 for a query, its descriptions joined.</summary>
    protected async Task<string> BadRequestAsync(string path)
    {
        var errors = (await JsonAsync(path, status: 400)).AsArray();
        Open311Conformance.AssertJson("errors", errors);
        Assert.That(errors.Select(e => (int)e!["code"]!), Has.All.EqualTo(400));
        return string.Join(" | ", errors.Select(e => (string)e!["description"]!));
    }

    protected async Task<string> NewCaseAsync(object? complaint = null) => (string)(await SubmitAsync(complaint))["trackingCode"]!;

    /// <summary>An air case accepted by the enforcement brigade's clerk.</summary>
    protected async Task<string> AcceptedCaseAsync(object? complaint = null)
    {
        var code = await NewCaseAsync(complaint);
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, code, "accept");
        return code;
    }

    protected async Task<string> ResolvedCaseAsync(string result, object? complaint = null)
    {
        var code = await AcceptedCaseAsync(complaint);
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, code, "resolve", new { result });
        return code;
    }

    /// <summary>Every item of an answer, a list by its id.</summary>
    protected static JsonObject ById(JsonArray list, string code, string idField = "service_request_id") =>
        list.Single(item => (string)item![idField]! == code)!.AsObject();

    protected static string Encoded(DateTimeOffset instant) => Uri.EscapeDataString(instant.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
}

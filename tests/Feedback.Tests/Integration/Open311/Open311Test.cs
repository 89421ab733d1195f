using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text;
using System.Xml.Linq;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Open311;

/// <summary>GeoReport requests as a client sends them: reads of cases in the states the read side shows, and filings with keys issued through the admin API.</summary>
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

    /// <summary>Issues a key as the demo administrator and returns its value (shown this once).</summary>
    protected static async Task<string> IssueKeyAsync(string name = "12345 市民热线平台", int? requestsPerMinute = null)
    {
        using var admin = await StaffLogin.ClientAsync("admin");
        using var response = await admin.PostAsJsonAsync("/api/v1/admin/open311-keys", new { name, requestsPerMinute });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body);
        return (string)JsonNode.Parse(body)!["key"]!;
    }

    /// <summary>A noise complaint as a FixMyStreet-style site would send it, with its required attribute.</summary>
    protected static Dictionary<string, string> NoiseRequest(string key) => new()
    {
        ["api_key"] = key,
        ["jurisdiction_id"] = "shengzhou",
        ["service_code"] = "noise.construction",
        ["attribute[when]"] = "night",
        ["description"] = "工地每天夜里十一点以后还在打桩，噪声很大，已经持续三天。",
        ["address_string"] = "剡湖街道城东路 88 号工地",
        ["lat"] = "29.5912",
        ["long"] = "120.8215",
        ["email"] = "wang@example.cn",
        ["phone"] = "138 0013 8000",
        ["first_name"] = "小明",
        ["last_name"] = "王",
        ["device_id"] = "fms-device-7",
        ["account_id"] = "fms-user-42",
        ["media_url"] = "https://fixmystreet.example/photo/42.jpeg",
    };

    protected Task<HttpResponseMessage> PostFormAsync(IReadOnlyDictionary<string, string> fields, string format = "json") =>
        Client.PostAsync($"/open311/v2/requests.{format}", new FormUrlEncodedContent(fields));

    protected Task<HttpResponseMessage> PostMultipartAsync(IReadOnlyDictionary<string, string> fields, IEnumerable<(string Part, byte[] File)> files, string format = "json")
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields) content.Add(new StringContent(value, Encoding.UTF8), name);
        foreach (var (part, file) in files)
        {
            var bytes = new ByteArrayContent(file);
            bytes.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            content.Add(bytes, part, $"{part}.jpeg");
        }
        return Client.PostAsync($"/open311/v2/requests.{format}", content);
    }

    /// <summary>The answer's one request, checking the JSON envelope on the way.</summary>
    protected static async Task<JsonObject> FiledAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body);
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("application/json; charset=utf-8"));
        return JsonNode.Parse(body)!.AsArray().Single()!.AsObject();
    }

    /// <summary>GeoReport's error list with the status, in JSON; returns the descriptions.</summary>
    protected static async Task<IReadOnlyList<string>> ErrorsAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("application/json; charset=utf-8"), body);
        var errors = JsonNode.Parse(body)!.AsArray();
        Assert.That(errors, Is.Not.Empty);
        foreach (var error in errors)
        {
            Assert.That((int)error!["code"]!, Is.EqualTo(status));
            Assert.That((string)error["description"]!, Is.Not.Empty);
        }
        return errors.Select(error => (string)error!["description"]!).ToList();
    }

    protected static XDocument Xml(string body)
    {
        Assert.That(body, Does.StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        return XDocument.Parse(body);
    }
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Open311;

/// <summary>
/// A whole exchange as FixMyStreet's Open311 client has it: XML only, its parameters (jurisdiction_id,
/// an empty last_name, a description of title, detail and link, a photo as a file), answers read
/// the way its XML::Simple settings read them — and the case followed through its updates to closed.
/// Also: the POST answer and a token against the specification's schema.
/// </summary>
public sealed class Open311FixMyStreetExchangeTests : Open311Test
{
    /// <summary>
    /// An XML document as Perl's XML::Simple gives it to Open311.pm: the root dropped, an element
    /// with text a string, an empty one an empty hash, repeated elements a list, and the elements
    /// it forces to lists (request, request_update, attribute, value, service, error) always lists.
    /// </summary>
    private static object? XmlSimple(XElement element, bool root = true)
    {
        string[] forcedLists = ["request", "request_update", "attribute", "value", "service", "error"];
        if (!element.HasElements) return element.Value.Length == 0 ? new Dictionary<string, object?>() : element.Value;
        var hash = new Dictionary<string, object?>();
        foreach (var group in element.Elements().GroupBy(child => child.Name.LocalName))
        {
            var values = group.Select(child => XmlSimple(child, root: false)).ToList();
            hash[group.Key] = values.Count > 1 || forcedLists.Contains(group.Key) ? values : values[0];
        }
        return hash;
    }

    private static Dictionary<string, object?> Hash(object? value) => (Dictionary<string, object?>)value!;
    private static List<object?> List(object? value) => (List<object?>)value!;

    private async Task<Dictionary<string, object?>> GetXmlObjectAsync(string path)
    {
        var body = await Client.GetStringAsync(path);
        Assert.That(body, Does.StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        return Hash(XmlSimple(XDocument.Parse(body).Root!));
    }

    [Test]
    public async Task A_fixmystreet_style_client_discovers_files_with_a_photo_and_follows_the_case_to_closed()
    {
        var key = await IssueKeyAsync("FixMyStreet 嵊州");
        var endpoint = (string)Hash(Hash((await GetXmlObjectAsync("/open311/v2/discovery.xml"))["endpoints"])["endpoint"])["url"]!;
        var root = new Uri(endpoint).AbsolutePath + "/";

        // get_service_list and get_service_meta_info
        var services = List(Hash(await GetXmlObjectAsync(root + "services.xml"))["service"]);
        var noise = Hash(services.Single(s => (string)Hash(s)["service_code"]! == "noise.construction"));
        Assert.That(noise["metadata"], Is.EqualTo("true"));
        var attributes = List(Hash(Hash(await GetXmlObjectAsync(root + "services/noise.construction.xml"))["attributes"])["attribute"]);
        var when = Hash(attributes.Single());
        Assert.Multiple(() =>
        {
            Assert.That(when["code"], Is.EqualTo("when"));
            Assert.That(when["datatype"], Is.EqualTo("singlevaluelist"));
            Assert.That(when["required"], Is.EqualTo("true"));
            Assert.That(List(Hash(when["values"])["value"]).Select(v => Hash(v)["key"]), Is.EqualTo(new[] { "day", "night", "both" }));
        });

        // send_service_request: its parameters, as a multipart form with the report's photo.
        var form = new MultipartFormDataContent();
        void Add(string name, string value) => form.Add(new StringContent(value, Encoding.UTF8), name);
        Add("jurisdiction_id", "shengzhou.example");
        Add("api_key", key);
        Add("service_code", "noise.construction");
        Add("lat", "29.5912");
        Add("long", "120.8215");
        Add("email", "alex@example.org");
        Add("first_name", "Alex");
        Add("last_name", "");
        Add("description", "title: 夜间打桩\n\ndetail: 工地每天夜里十一点以后还在打桩。\n\nurl: https://fixmystreet.example/report/123\n\nSubmitted via FixMyStreet\n");
        Add("media_url", "https://fixmystreet.example/photo/123.0.full.jpeg");
        Add("attribute[when]", "night");
        var photo = new ByteArrayContent(TestImages.Jpeg(80, 60));
        photo.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        form.Add(photo, "photo1", "123.0.full.jpeg");
        using var posted = await Client.PostAsync(root + "requests.xml", form);
        var postedBody = await posted.Content.ReadAsStringAsync();
        Assert.That((int)posted.StatusCode, Is.EqualTo(201), postedBody);
        Open311Conformance.AssertXml("post_service_request_response", XDocument.Parse(postedBody));
        var id = (string)Hash(List(Hash(XmlSimple(XDocument.Parse(postedBody).Root!))["request"])[0])["service_request_id"]!;

        // The bureau handles it in its console, like any case.
        using var leader = await StaffAsync("leader");
        var staffView = (await leader.GetFromJsonAsync<JsonObject>($"/api/v1/staff/complaints/{id}"))!;
        Assert.Multiple(() =>
        {
            Assert.That((string)staffView["contact"]!["name"]!, Is.EqualTo("Alex"), "an empty last_name counts as missing");
            Assert.That(staffView["photos"]!.AsArray(), Has.Count.EqualTo(1));
            Assert.That((string)staffView["description"]!, Does.Contain("Submitted via FixMyStreet"));
        });
        using var clerk = await StaffAsync($"{(string)staffView["sectionCode"]!}.staff");
        await ActOkAsync(clerk, id, "accept");
        await ActOkAsync(clerk, id, "resolve", new { result = "已责令工地停止夜间施工，复查时未再发现。" });

        // get_service_request_updates, as FixMyStreet polls it.
        var window = $"?jurisdiction_id=shengzhou.example&api_key={key}&start_date={Encoded(DateTimeOffset.UtcNow.AddHours(-2))}&end_date={Encoded(DateTimeOffset.UtcNow.AddMinutes(1))}";
        var updates = List(Hash(await GetXmlObjectAsync(root + "servicerequestupdates.xml" + window))["request_update"])
            .Select(Hash).Where(u => (string)u["service_request_id"]! == id).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(updates.Select(u => u["status"]), Is.EqualTo(new[] { "IN_PROGRESS", "FIXED" }));
            Assert.That((string)updates[1]["description"]!, Does.Contain("已责令工地停止夜间施工"));
            Assert.That(updates.Select(u => u["update_id"]), Is.Unique);
            Assert.That(updates.Select(u => (string)u["updated_datetime"]!), Has.All.Match(@"[+-]\d{2}:\d{2}$"));
        });

        // get_service_requests for its report.
        var request = Hash(List(Hash(await GetXmlObjectAsync(root + $"requests.xml?service_request_id={id}&jurisdiction_id=shengzhou.example"))["request"]).Single());
        Assert.Multiple(() =>
        {
            Assert.That(request["status"], Is.EqualTo("closed"));
            Assert.That((string)request["status_notes"]!, Does.Contain("已责令工地停止夜间施工"));
            Assert.That(request["service_code"], Is.EqualTo("noise.construction"));
        });
    }

    [Test]
    public async Task The_post_answer_and_a_token_conform_to_the_specification_in_both_formats()
    {
        var key = await IssueKeyAsync();
        using var json = await PostFormAsync(NoiseRequest(key));
        var answer = JsonNode.Parse(await json.Content.ReadAsStringAsync())!;
        Open311Conformance.AssertJson("post_service_request_response", answer);
        var id = (string)answer[0]!["service_request_id"]!;

        var token = (await JsonAsync($"/open311/v2/tokens/{id}.json")).AsArray();
        Open311Conformance.AssertJson("post_service_request_response", token);
        Assert.That(((string)token.Single()!["service_request_id"]!, (string)token.Single()!["token"]!), Is.EqualTo((id, id)));
        Open311Conformance.AssertXml("post_service_request_response", await XmlAsync($"/open311/v2/tokens/{id}.xml"));

        Open311Conformance.AssertJson("errors", await JsonAsync("/open311/v2/tokens/22222222222A.json", status: 404));
        Open311Conformance.AssertXml("errors", await XmlAsync("/open311/v2/tokens/22222222222A.xml", status: 404));
    }

    [Test]
    public async Task A_conduct_case_has_no_token()
    {
        var code = await NewCaseAsync(ValidComplaint("conduct.formalism"));
        await JsonAsync($"/open311/v2/tokens/{code}.json", status: 404);
    }
}

using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Open311;

/// <summary>
/// GeoReport v2 discovery, service list and service definitions, in both formats, against the
/// native category list: every public category is a service with its questions as attributes,
/// conduct categories appear nowhere, and errors come in GeoReport's own format.
/// </summary>
public sealed class Open311ServicesTests : IntegrationTest
{
    private async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await Client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<JsonNode> JsonAsync(string path, string? language = null, int status = 200)
    {
        var (response, body) = await GetAsync(path, language);
        Assert.That((int)response.StatusCode, Is.EqualTo(status), Encoding.UTF8.GetString(body));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("application/json; charset=utf-8"));
        return JsonNode.Parse(body)!;
    }

    private async Task<XDocument> XmlAsync(string path, int status = 200)
    {
        var (response, body) = await GetAsync(path);
        Assert.That((int)response.StatusCode, Is.EqualTo(status), Encoding.UTF8.GetString(body));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/xml; charset=utf-8"));
        Assert.That(Encoding.UTF8.GetString(body), Does.StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "declared UTF-8 and written in UTF-8");
        return XDocument.Parse(Encoding.UTF8.GetString(body));
    }

    private async Task<JsonArray> NativeCategoriesAsync(string? language = null)
    {
        return (await JsonAsync("/api/v1/categories", language)).AsArray();
    }

    [Test]
    public async Task Discovery_names_the_specification_this_servers_endpoint_and_both_formats()
    {
        var json = await JsonAsync("/open311/v2/discovery.json");
        Open311Conformance.AssertJson("discovery", json);
        var endpoint = json["endpoints"]!.AsArray().Single()!;
        Assert.Multiple(() =>
        {
            Assert.That((string)json["changeset"]!, Does.Match(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"));
            Assert.That((string)json["contact"]!, Is.Not.Empty);
            Assert.That((string)json["key_service"]!, Is.Not.Empty);
            Assert.That((string)endpoint["specification"]!, Is.EqualTo("http://wiki.open311.org/GeoReport_v2"));
            Assert.That((string)endpoint["url"]!, Is.EqualTo(new Uri(App.BaseAddress, "/open311/v2").ToString().TrimEnd('/')));
            Assert.That(endpoint["formats"]!.AsArray().Select(f => (string)f!), Is.EquivalentTo(new[] { "text/xml", "application/json" }));
        });

        var xml = await XmlAsync("/open311/v2/discovery.xml");
        Open311Conformance.AssertXml("discovery", xml);
        Assert.Multiple(() =>
        {
            Assert.That(xml.Root!.Name.LocalName, Is.EqualTo("discovery"));
            Assert.That(xml.Root.Element("endpoints")!.Element("endpoint")!.Element("formats")!.Elements("format").Select(f => f.Value),
                Is.EquivalentTo(new[] { "text/xml", "application/json" }));
        });
    }

    [Test]
    public async Task Every_public_category_is_a_service_and_no_conduct_category_appears()
    {
        var native = await NativeCategoriesAsync();
        var services = (await JsonAsync("/open311/v2/services.json")).AsArray();
        Open311Conformance.AssertJson("services", services);
        var publicCategories = native.Where(c => (bool?)c!["confidential"] != true).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(services.Select(s => (string)s!["service_code"]!), Is.EqualTo(publicCategories.Select(c => (string)c!["code"]!)));
            Assert.That(services.Select(s => (string)s!["service_code"]!), Has.None.StartWith("conduct."));
            foreach (var (service, category) in services.Zip(publicCategories))
            {
                Assert.That((string)service!["service_name"]!, Is.EqualTo((string)category!["name"]!));
                Assert.That((string)service["type"]!, Is.EqualTo("realtime"));
                Assert.That((bool)service["metadata"]!, Is.EqualTo(category["questions"]!.AsArray().Count > 0), (string)service["service_code"]!);
                Assert.That((string)service["group"]!, Is.Not.Empty);
                Assert.That(service["keywords"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.String));
            }
        });

        var english = (await JsonAsync("/open311/v2/services.json", "en")).AsArray();
        var englishNative = (await NativeCategoriesAsync("en")).Where(c => (bool?)c!["confidential"] != true);
        Assert.That(english.Select(s => (string)s!["service_name"]!), Is.EqualTo(englishNative.Select(c => (string)c!["name"]!)), "names in the language asked for");

        var xml = await XmlAsync("/open311/v2/services.xml");
        Open311Conformance.AssertXml("services", xml);
        Assert.Multiple(() =>
        {
            Assert.That(xml.Root!.Name.LocalName, Is.EqualTo("services"));
            Assert.That(xml.Root.Elements("service").Select(s => s.Element("service_code")!.Value), Is.EqualTo(services.Select(s => (string)s!["service_code"]!)));
            Assert.That(xml.Root.Elements("service").Select(s => s.Element("metadata")!.Value), Is.EqualTo(services.Select(s => (bool)s!["metadata"]! ? "true" : "false")));
        });
    }

    [Test]
    public async Task A_services_definition_is_its_questions_as_attributes()
    {
        var withQuestions = (await NativeCategoriesAsync()).Where(c => (bool?)c!["confidential"] != true && c["questions"]!.AsArray().Count > 0).ToList();
        Assert.That(withQuestions, Is.Not.Empty, "the seeded catalog has guided questions");
        foreach (var category in withQuestions)
        {
            var code = (string)category!["code"]!;
            var definition = await JsonAsync($"/open311/v2/services/{code}.json");
            Open311Conformance.AssertJson("service_definition", definition);
            var attributes = definition["attributes"]!.AsArray();
            var questions = category["questions"]!.AsArray();
            Assert.Multiple(() =>
            {
                Assert.That((string)definition["service_code"]!, Is.EqualTo(code));
                Assert.That(attributes.Select(a => (string)a!["code"]!), Is.EqualTo(questions.Select(q => (string)q!["key"]!)));
                Assert.That(attributes.Select(a => (int)a!["order"]!), Is.EqualTo(Enumerable.Range(1, attributes.Count)), "distinct positive orders");
                foreach (var (attribute, question) in attributes.Zip(questions))
                {
                    Assert.That((bool)attribute!["variable"]!, Is.True);
                    Assert.That((bool)attribute["required"]!, Is.EqualTo((bool)question!["required"]!));
                    Assert.That((string)attribute["description"]!, Is.Not.Empty);
                    Assert.That((string)attribute["datatype_description"]!, Is.Not.Empty);
                    if ((string)question["kind"]! == "choice")
                    {
                        Assert.That((string)attribute["datatype"]!, Is.EqualTo("singlevaluelist"));
                        Assert.That(attribute["values"]!.AsArray().Select(v => (string)v!["key"]!), Is.EqualTo(question["options"]!.AsArray().Select(o => (string)o!["value"]!)));
                        Assert.That(attribute["values"]!.AsArray().Select(v => (string)v!["name"]!), Has.None.Empty);
                    }
                    else
                    {
                        Assert.That((string)attribute["datatype"]!, Is.AnyOf("string", "text"));
                        Assert.That(attribute["values"], Is.Null);
                    }
                }
            });
        }

        var first = (string)withQuestions[0]!["code"]!;
        var xml = await XmlAsync($"/open311/v2/services/{first}.xml");
        Assert.Multiple(() =>
        {
            Assert.That(xml.Root!.Name.LocalName, Is.EqualTo("service_definition"));
            Assert.That(xml.Root.Element("service_code")!.Value, Is.EqualTo(first));
            Assert.That(xml.Root.Element("attributes")!.Elements("attribute").Count(), Is.EqualTo(withQuestions[0]!["questions"]!.AsArray().Count));
        });
    }

    [Test]
    public async Task Unknown_and_conduct_services_are_404s_in_georeports_error_format()
    {
        foreach (var code in new[] { "conduct.misconduct", "no.such", "air" })
        {
            var json = (await JsonAsync($"/open311/v2/services/{code}.json", status: 404)).AsArray().Single()!;
            Assert.That((int)json["code"]!, Is.EqualTo(404));
            Assert.That((string)json["description"]!, Does.Contain(code));
            var xml = await XmlAsync($"/open311/v2/services/{code}.xml", status: 404);
            Assert.That(xml.Root!.Name.LocalName, Is.EqualTo("errors"));
            Assert.That(xml.Root.Element("error")!.Element("code")!.Value, Is.EqualTo("404"));
        }
        Assert.That((string)(await JsonAsync("/open311/v2/services.yaml", status: 404)).AsArray().Single()!["description"]!, Does.Contain(".json"));
        Assert.That((int)(await JsonAsync("/open311/v2/nothing.json", status: 404)).AsArray().Single()!["code"]!, Is.EqualTo(404));
    }
}

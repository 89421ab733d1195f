using System.Text.Json.Nodes;
using Feedback.Api.Infrastructure.OpenApi;
using Feedback.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Feedback.Tests.Contract;

/// <summary>
/// The checked-in openapi.yaml (from which the web client's types are generated) must be the
/// document the API serves at /openapi/v1.json. `make openapi` rewrites it after an API change.
/// </summary>
public sealed class OpenApiContractTests
{
    [Test]
    public async Task Checked_in_openapi_yaml_is_the_served_document()
    {
        using var client = TestEnvironment.App.CreateHttpClient();
        var served = Normalize(JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json")));

        var yaml = new YamlStream();
        using (var reader = new StreamReader(RepositoryPaths.OpenApiYaml)) yaml.Load(reader);
        var checkedIn = Normalize(yaml.Documents[0].RootNode);

        var difference = FirstDifference(checkedIn, served, "$");
        Assert.That(difference, Is.Null, $"openapi.yaml differs from /openapi/v1.json at {difference}; run `make openapi`.");
    }

    [Test]
    public void Every_YAML_reader_takes_openapi_yaml_the_same_way()
    {
        var ambiguous = YamlReadings.Ambiguous(File.ReadAllText(RepositoryPaths.OpenApiYaml));
        Assert.That(ambiguous, Is.Empty,
            "plain scalars that YAML 1.1 and YAML 1.2 readers take differently; OpenApiYaml must quote them (then run `make openapi`)");
    }

    // The check and the writer, on the spellings that differ: the check finds each one plain, and
    // the writer never leaves one plain.
    [TestCase("yes")]
    [TestCase("No")]
    [TestCase("on")]
    [TestCase("OFF")]
    [TestCase("y")]
    [TestCase("0012")]
    [TestCase("1:20")]
    [TestCase("1e3")]
    [TestCase("2026-01-01")]
    [TestCase("0x1F_")]
    [TestCase("0o17")]
    [TestCase("<<")]
    public void A_string_that_YAML_1_1_reads_otherwise_is_found_plain_and_quoted_by_the_writer(string text)
    {
        Assert.That(YamlReadings.Ambiguous($"enum:\n  - {text}\n{text}: key\n"), Has.Count.EqualTo(2), "plain, as value and as key");
        var written = OpenApiYaml.Write(new JsonObject { ["enum"] = new JsonArray(text), [text] = "key", ["big"] = 1e300 });
        Assert.That(YamlReadings.Ambiguous(written), Is.Empty, written);
        var read = new YamlStream();
        read.Load(new StringReader(written));
        var root = (YamlMappingNode)read.Documents[0].RootNode;
        Assert.That(((YamlScalarNode)((YamlSequenceNode)root["enum"]).Children[0]).Value, Is.EqualTo(text));
    }

    [Test]
    public async Task The_document_is_OpenAPI_3_1_and_names_every_route()
    {
        using var client = TestEnvironment.App.CreateHttpClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)document["openapi"], Does.StartWith("3.1"));
            Assert.That(document["paths"]!.AsObject().Select(p => p.Key), Is.SupersetOf(new[]
            {
                "/api/v1/categories", "/api/v1/complaints", "/api/v1/complaints/{trackingCode}", "/health/live", "/health/ready",
            }));
        });
    }

    [Test]
    public async Task Swagger_UI_is_served()
    {
        using var client = TestEnvironment.App.CreateHttpClient();
        var page = await client.GetStringAsync("/swagger/index.html");
        Assert.That(page, Does.Contain("swagger-ui"));
    }

    // Both documents become trees of dictionaries, lists and strings, so YAML's and JSON's
    // spelling of the same scalar (201 vs '201') compares equal.
    private static object? Normalize(JsonNode? node) => node switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => Normalize(p.Value)),
        JsonArray a => a.Select(Normalize).ToList(),
        null => null,
        _ => node.ToString(),
    };

    private static object? Normalize(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => Normalize(p.Value)),
        YamlSequenceNode s => s.Children.Select(Normalize).ToList(),
        YamlScalarNode { Value: "null", Style: YamlDotNet.Core.ScalarStyle.Plain } => null,
        YamlScalarNode scalar => scalar.Value,
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static string? FirstDifference(object? expected, object? actual, string path) => (expected, actual) switch
    {
        (Dictionary<string, object?> e, Dictionary<string, object?> a) =>
            e.Keys.Union(a.Keys).Order(StringComparer.Ordinal).Select(key =>
                !e.ContainsKey(key) ? $"{path}.{key} (only served)"
                : !a.ContainsKey(key) ? $"{path}.{key} (only in openapi.yaml)"
                : FirstDifference(e[key], a[key], $"{path}.{key}")).FirstOrDefault(d => d is not null),
        (List<object?> e, List<object?> a) when e.Count == a.Count =>
            e.Select((item, i) => FirstDifference(item, a[i], $"{path}[{i}]")).FirstOrDefault(d => d is not null),
        (string e, string a) when e == a => null,
        (null, null) => null,
        _ => $"{path}: '{expected}' vs '{actual}'",
    };
}

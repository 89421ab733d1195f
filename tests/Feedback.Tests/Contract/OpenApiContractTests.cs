using System.Text.Json.Nodes;
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

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Json.Schema;

namespace Feedback.Tests.Support;

/// <summary>
/// Checks GeoReport v2 answers against JSON Schemas written from the specification
/// (tests/Feedback.Tests/Open311/Schemas). An XML answer is checked against the same schema once
/// turned into the JSON shape: its root (which must be the spec's) dropped, a list element's
/// items by their element names, and the few typed fields read as their type.
/// </summary>
public static class Open311Conformance
{
    /// <summary>The spec's XML root for each schema.</summary>
    private static readonly Dictionary<string, string> Roots = new()
    {
        ["discovery"] = "discovery",
        ["services"] = "services",
        ["service_definition"] = "service_definition",
        ["service_requests"] = "service_requests",
        ["post_service_request_response"] = "service_requests",
        ["errors"] = "errors",
        ["service_request_updates"] = "service_requests_updates",
    };

    /// <summary>List elements and the name of their items.</summary>
    private static readonly Dictionary<string, string> Lists = new()
    {
        ["services"] = "service",
        ["service_requests"] = "request",
        ["errors"] = "error",
        ["service_requests_updates"] = "request_update",
        ["endpoints"] = "endpoint",
        ["formats"] = "format",
        ["attributes"] = "attribute",
        ["values"] = "value",
    };

    /// <summary>Fields that are not strings, by "item/field": XML carries them as text.</summary>
    private static readonly Dictionary<string, JsonValueKind> Typed = new()
    {
        ["service/metadata"] = JsonValueKind.True,
        ["attribute/variable"] = JsonValueKind.True,
        ["attribute/required"] = JsonValueKind.True,
        ["attribute/order"] = JsonValueKind.Number,
        ["error/code"] = JsonValueKind.Number,
        ["request/lat"] = JsonValueKind.Number,
        ["request/long"] = JsonValueKind.Number,
    };

    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();

    private static JsonSchema Schema(string name) => Schemas.GetOrAdd(name, _ =>
        JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "Open311", "Schemas", $"{name}.schema.json")));

    public static void AssertJson(string schemaName, JsonNode? answer)
    {
        var errors = Errors(schemaName, answer);
        Assert.That(errors, Is.Empty, $"not a valid {schemaName}:\n{string.Join("\n", errors)}\n{answer?.ToJsonString()}");
    }

    /// <summary>Where and why the answer breaks the schema; empty when it conforms.</summary>
    public static IReadOnlyList<string> Errors(string schemaName, JsonNode? answer)
    {
        using var document = JsonDocument.Parse(answer?.ToJsonString() ?? "null");
        var results = Schema(schemaName).Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return [];
        var errors = (results.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Key}: {error.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid"];
    }

    public static void AssertXml(string schemaName, XDocument answer)
    {
        Assert.That(answer.Root?.Name.LocalName, Is.EqualTo(Roots[schemaName]), $"the root element of {schemaName}");
        AssertJson(schemaName, ToJson(answer.Root!, parent: null));
    }

    /// <summary>The JSON shape of an XML answer (public so a test can read XML the way it reads JSON).</summary>
    public static JsonNode? ToJson(XElement element, string? parent)
    {
        var name = element.Name.LocalName;
        if (Lists.TryGetValue(name, out var item))
        {
            Assert.That(element.Elements().Select(e => e.Name.LocalName), Has.All.EqualTo(item), $"<{name}> holds only <{item}>");
            return new JsonArray(element.Elements().Select(e => ToJson(e, name)).ToArray());
        }
        if (element.HasElements)
            return new JsonObject(element.Elements().Select(e => KeyValuePair.Create(e.Name.LocalName, ToJson(e, name))));
        var text = element.Value;
        return Typed.GetValueOrDefault($"{parent}/{name}") switch
        {
            JsonValueKind.True when text is "true" or "false" => JsonValue.Create(text == "true"),
            JsonValueKind.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) =>
                number % 1 == 0 ? JsonValue.Create((long)number) : JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }
}

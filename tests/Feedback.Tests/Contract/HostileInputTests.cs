using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Contract;

/// <summary>
/// Property-based: every operation of the API's document (openapi.yaml, which the contract test
/// holds equal to what is served) is sent hostile values — out-of-range dates, control characters,
/// extreme numbers, very long text — one parameter or body field at a time, with the others
/// plausible, as an anonymous caller, a leader and an administrator. Whatever is refused must be
/// refused with a 4xx: no 5xx, ever. A database and an API of its own, since administrators'
/// requests change accounts, sections and the calendar.
/// </summary>
[NonParallelizable]
public sealed class HostileInputTests
{
    private PostgresCluster _database = null!;
    private FeedbackApp _app = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await PostgresCluster.StartAsync();
        _app = new FeedbackApp(_database.ConnectionString, migrationConnectionString: _database.MigrationConnectionString);
        _app.StartServer();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static readonly string[] HostileText =
    [
        "\u0000", "a\u0000b", "\u0001\u001f", "\u007f\u0085", "\u202egnp.exe", new string('长', 10_000), "%00", "' or 1=1 --",
    ];

    private static readonly string[] HostileScalars =
    [
        "9999-12-31", "0001-01-01", "-0001-01-01", "2026-02-30", "-1", "0", "2147483648", "-2147483649", "9223372036854775808",
        "-9223372036854775809", "1e308", "-1e308", "NaN", "Infinity", "1.5", "", " ", "２０２６-０１-０１",
    ];

    private static readonly JsonNode[] HostileJson =
    [
        JsonValue.Create("\u0000")!, JsonValue.Create("x\u0000y")!, JsonValue.Create("\u0001")!, JsonValue.Create(new string('长', 10_000))!,
        JsonValue.Create("9999-12-31")!, JsonValue.Create("0001-01-01")!, JsonValue.Create(2147483648L)!, JsonValue.Create(-9223372036854775808L)!,
        JsonValue.Create(1e308)!, JsonValue.Create(-1)!, JsonValue.Create(0)!, JsonValue.Create(true)!, new JsonArray(), new JsonObject(),
    ];

    private sealed record Operation(string Method, string Path, JsonArray Parameters, JsonNode? BodySchema);

    private JsonNode _document = null!;

    private async Task<List<Operation>> OperationsAsync()
    {
        using var client = _app.CreateHttpClient();
        _document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var operations = new List<Operation>();
        foreach (var (path, item) in _document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
                operations.Add(new Operation(method.ToUpperInvariant(), path, operation!["parameters"]?.AsArray() ?? [],
                    operation["requestBody"]?["content"]?["application/json"]?["schema"]));
        return operations;
    }

    [Test]
    public async Task No_hostile_parameter_or_body_field_gets_a_5xx_from_any_route()
    {
        var operations = await OperationsAsync();
        Assert.That(operations, Has.Count.GreaterThan(40), "the document lists the API's routes");
        var clients = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = _app.CreateHttpClient(),
            ["leader"] = await StaffLogin.ClientAsync("leader", _app),
            ["admin"] = await StaffLogin.ClientAsync("admin", _app),
        };
        var failures = new List<string>();
        var sent = 0;
        try
        {
            foreach (var operation in operations)
            {
                foreach (var (who, client) in clients)
                {
                    foreach (var parameter in operation.Parameters)
                    {
                        var name = (string)parameter!["name"]!;
                        var place = (string)parameter["in"]!;
                        if (place is not ("query" or "path" or "header")) continue;
                        foreach (var value in HostileText.Concat(HostileScalars))
                        {
                            if (place == "header" && value.Any(c => c < 0x20 || c > 0x7e)) continue; // HTTP itself forbids these in headers
                            if (place == "path" && value.Length == 0) continue;
                            sent++;
                            await CheckAsync(client, operation, name, value, null, $"{who} {operation.Method} {operation.Path} {place} {name}={Shown(value)}", failures);
                        }
                    }
                    if (operation.BodySchema is { } schema)
                    {
                        var valid = (JsonObject?)Plausible(schema) ?? [];
                        foreach (var field in Fields(schema))
                            foreach (var hostile in HostileJson)
                            {
                                var body = valid.DeepClone().AsObject();
                                body[field] = hostile.DeepClone();
                                sent++;
                                await CheckAsync(client, operation, null, null, body, $"{who} {operation.Method} {operation.Path} body {field}={Shown(hostile.ToJsonString())}", failures);
                            }
                    }
                }
            }
        }
        finally
        {
            foreach (var client in clients.Values) client.Dispose();
        }
        TestContext.Out.WriteLine($"{sent} hostile requests sent");
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(40)));
    }

    private static string Shown(string value) => value.Length > 20 ? value[..8] + $"…({value.Length})" : Uri.EscapeDataString(value);

    private async Task CheckAsync(HttpClient client, Operation operation, string? hostileName, string? hostileValue, JsonObject? body,
        string label, List<string> failures)
    {
        var path = operation.Path;
        var query = new List<string>();
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), "/");
        foreach (var parameter in operation.Parameters)
        {
            var name = (string)parameter!["name"]!;
            var place = (string)parameter["in"]!;
            var required = (bool?)parameter["required"] ?? place == "path";
            var value = name == hostileName ? hostileValue : required ? PlausibleText(parameter["schema"]) : null;
            if (value is null) continue;
            switch (place)
            {
                case "path": path = path.Replace("{" + name + "}", Uri.EscapeDataString(value)); break;
                case "query": query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}"); break;
                case "header": request.Headers.TryAddWithoutValidation(name, value); break;
            }
        }
        request.RequestUri = new Uri(path + (query.Count > 0 ? "?" + string.Join('&', query) : ""), UriKind.Relative);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        else if (operation.BodySchema is { } schema && operation.Method is "POST" or "PUT" or "PATCH")
            request.Content = new StringContent((Plausible(schema) ?? new JsonObject()).ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        if (operation.Method is "PUT" or "PATCH" or "POST" or "DELETE") request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var response = await client.SendAsync(request);
        if ((int)response.StatusCode >= 500)
            failures.Add($"{(int)response.StatusCode} ← {label}: {Truncate(await response.Content.ReadAsStringAsync())}");
    }

    private static string Truncate(string text) => text.Length > 200 ? text[..200] : text;

    private JsonNode Resolve(JsonNode schema) =>
        schema["$ref"] is { } reference
            ? Resolve(_document["components"]!["schemas"]![((string)reference!).Split('/').Last()]!)
            : schema;

    private IEnumerable<string> Fields(JsonNode schema) =>
        Resolve(schema)["properties"]?.AsObject().Select(p => p.Key) ?? [];

    private static string[] Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray many => many.Select(t => (string)t!).ToArray(),
        JsonValue one => [(string)one!],
        _ => [],
    };

    /// <summary>A plausible value for a schema: enough to pass the framework's binding, not necessarily the validators.</summary>
    private JsonNode? Plausible(JsonNode schema)
    {
        schema = Resolve(schema);
        if (schema["enum"] is JsonArray { Count: > 0 } values) return values.First(v => v is not null)!.DeepClone();
        if (schema["oneOf"] is JsonArray oneOf) return Plausible(oneOf.First(s => !Types(Resolve(s!)).SequenceEqual(["null"]))!);
        var types = Types(schema);
        if (types.Contains("object") || schema["properties"] is not null)
        {
            var result = new JsonObject();
            foreach (var (name, property) in schema["properties"]?.AsObject() ?? []) result[name] = Plausible(property!);
            return result;
        }
        if (types.Contains("array")) return new JsonArray();
        if (types.Contains("integer")) return JsonValue.Create(1);
        if (types.Contains("number")) return JsonValue.Create(29.6);
        if (types.Contains("boolean")) return JsonValue.Create(true);
        return JsonValue.Create(PlausibleText(schema));
    }

    private static string PlausibleText(JsonNode? schema) => (string?)schema?["format"] switch
    {
        "date" => "2026-11-02",
        "date-time" => "2026-11-02T08:00:00Z",
        "uuid" => Guid.NewGuid().ToString(),
        "int32" or "int64" => "1",
        _ when schema?["enum"] is JsonArray { Count: > 0 } values => (string?)values[0] ?? "x",
        _ when Types(schema ?? new JsonObject()).Contains("integer") => "1",
        _ => "23456789ABCD",
    };
}

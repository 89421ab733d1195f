using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// A GeoReport v2 answer, built once and written as JSON or XML as the route's suffix asks. The
/// spec's shapes differ only in the wrapper: JSON drops the root (a list is a bare array), XML
/// names it (&lt;services&gt;&lt;service&gt;…). Values are strings, numbers, booleans, objects
/// (ordered fields) and lists whose XML items carry a name.
/// </summary>
public abstract record Open311Value
{
    public sealed record Text(string Value) : Open311Value;
    public sealed record Number(double Value) : Open311Value;
    public sealed record Flag(bool Value) : Open311Value;

    /// <summary>Fields in the spec's order.</summary>
    public sealed record Object(IReadOnlyList<(string Name, Open311Value? Value)> Fields) : Open311Value;

    /// <param name="Item">Each item's element name in XML.</param>
    public sealed record List(string Item, IReadOnlyList<Open311Value> Items) : Open311Value;

    public static implicit operator Open311Value(string value) => new Text(value);
    public static implicit operator Open311Value(bool value) => new Flag(value);
    public static implicit operator Open311Value(int value) => new Number(value);
}

/// <summary>The two formats of every GeoReport route, chosen by the suffix: discovery.json, services.xml…</summary>
public enum Open311Format { Json, Xml }

public static class Open311Formats
{
    public static string ContentType(this Open311Format format) =>
        format == Open311Format.Json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8";

    /// <summary>The answer with its status, in the format's content type, UTF-8 whatever the format.</summary>
    public static IResult Write(this Open311Format format, string root, Open311Value value, int status = StatusCodes.Status200OK) =>
        new Answer(format == Open311Format.Json ? Json(value) : Xml(root, value), format.ContentType(), status);

    private sealed class Answer(byte[] body, string contentType, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        }
    }

    /// <summary>GeoReport's error list: [{"code": 404, "description": "…"}] / &lt;errors&gt;&lt;error&gt;….</summary>
    public static IResult Error(this Open311Format format, int status, string description) => format.Errors(status, [description]);

    /// <summary>One error per description, all with the answer's status.</summary>
    public static IResult Errors(this Open311Format format, int status, IEnumerable<string> descriptions) =>
        format.Write("errors", new Open311Value.List("error", descriptions
            .Select(description => (Open311Value)new Open311Value.Object([("code", status), ("description", description)])).ToList()), status);

    /// <summary>"json" or "xml", the route's {format}; anything else is not a format of GeoReport's.</summary>
    public static Open311Format? Parse(string format) => format switch
    {
        "json" => Open311Format.Json,
        "xml" => Open311Format.Xml,
        _ => null,
    };

    /// <summary>Chinese text and "+" in offsets as themselves, as the rest of the API writes them (the answer is never HTML).</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static byte[] Json(Open311Value value) => JsonSerializer.SerializeToUtf8Bytes(ToJson(value), Readable);

    private static JsonNode? ToJson(Open311Value? value) => value switch
    {
        null => null,
        Open311Value.Text text => JsonValue.Create(text.Value),
        Open311Value.Number number => number.Value % 1 == 0 && Math.Abs(number.Value) < 1e15 ? JsonValue.Create((long)number.Value) : JsonValue.Create(number.Value),
        Open311Value.Flag flag => JsonValue.Create(flag.Value),
        Open311Value.Object obj => new JsonObject(obj.Fields.Select(field => KeyValuePair.Create(field.Name, ToJson(field.Value)))),
        Open311Value.List list => new JsonArray(list.Items.Select(ToJson).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    private static byte[] Xml(string root, Open311Value value)
    {
        using var stream = new MemoryStream();
        // A writer over a stream of bytes declares (and writes) UTF-8; over a StringWriter it would say utf-16.
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            writer.WriteStartDocument();
            WriteElement(writer, root, value);
            writer.WriteEndDocument();
        }
        return stream.ToArray();
    }

    private static void WriteElement(XmlWriter writer, string name, Open311Value? value)
    {
        writer.WriteStartElement(name);
        switch (value)
        {
            case null:
                break;
            case Open311Value.Text text:
                writer.WriteString(text.Value);
                break;
            case Open311Value.Number number:
                writer.WriteString(number.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case Open311Value.Flag flag:
                writer.WriteString(flag.Value ? "true" : "false");
                break;
            case Open311Value.Object obj:
                foreach (var (field, fieldValue) in obj.Fields) WriteElement(writer, field, fieldValue);
                break;
            case Open311Value.List list:
                foreach (var item in list.Items) WriteElement(writer, list.Item, item);
                break;
        }
        writer.WriteEndElement();
    }
}

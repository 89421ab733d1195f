using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Feedback.Api.Infrastructure.Observability;

/// <summary>
/// FEEDBACK_LOG_FORMAT=json: one JSON object a line — time (UTC), level, category, message, the
/// values the message was made of ("fields"), the exception if any, and the trace_id and span_id
/// of the request being served, so every line one request wrote is found together, and from the
/// traceId of a problem response. Scopes are left out: ASP.NET Core's request scope carries the
/// raw path, and paths hold tracking codes.
/// </summary>
public sealed class JsonLineFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "feedback-json";

    // Chinese stays readable; quotes, backslashes and control characters (a newline too) are escaped, so a line is one object.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("time", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", logEntry.LogLevel.ToString());
            json.WriteString("category", logEntry.Category);
            json.WriteString("message", message);
            if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
            {
                json.WriteString("trace_id", activity.TraceId.ToHexString());
                json.WriteString("span_id", activity.SpanId.ToHexString());
            }
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> values && values.Any(IsField))
            {
                json.WriteStartObject("fields");
                foreach (var (name, value) in values.Where(IsField))
                {
                    json.WritePropertyName(name);
                    WriteValue(json, value);
                }
                json.WriteEndObject();
            }
            if (logEntry.Exception is { } exception) json.WriteString("exception", exception.ToString());
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    /// <summary>The template itself is the message already.</summary>
    private static bool IsField(KeyValuePair<string, object?> value) => value.Key != "{OriginalFormat}";

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case bool flag: json.WriteBooleanValue(flag); break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                json.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!); break;
            case double number when double.IsFinite(number): json.WriteNumberValue(number); break;
            case float number when float.IsFinite(number): json.WriteNumberValue(number); break;
            case decimal number: json.WriteNumberValue(number); break;
            default: json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }
}

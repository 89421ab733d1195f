using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Feedback.Api.Infrastructure.OpenApi;

/// <summary>
/// Writes the JSON document as YAML that every YAML reader takes the same way. A string is written
/// plain only when it cannot be read as anything else: not under YAML 1.2's core schema, and not
/// under YAML 1.1, whose readers (still common) take yes/no/on/off/y/n as booleans, 0012 as octal,
/// 1:20 as a number in base 60 and 2026-01-01 as a date. Anything that could be is quoted, keys too.
/// </summary>
public static class OpenApiYaml
{
    public static string Write(JsonNode? document)
    {
        var yaml = new StringBuilder();
        if (document is JsonObject { Count: > 0 } root) WriteMapping(yaml, root, 0);
        else yaml.Append(Inline(document)).Append('\n');
        return yaml.ToString();
    }

    /// <summary>
    /// True when the string may stand unquoted: it starts with a letter, '/' or '$', holds only
    /// letters, digits, spaces and _ . / - + $ ( ), does not end in a space, and is not one of the
    /// words YAML 1.1 reads as a boolean or null. No number, date or base-60 value starts with a letter.
    /// </summary>
    public static bool IsPlainSafe(string text) =>
        text.Length > 0
        && (char.IsLetter(text[0]) || text[0] is '/' or '$')
        && text[^1] != ' '
        && text.All(c => char.IsLetterOrDigit(c) || c is ' ' or '_' or '.' or '/' or '-' or '+' or '$' or '(' or ')')
        && !ReservedWords.Contains(text);

    private static readonly HashSet<string> ReservedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null",
    };

    private static void WriteMapping(StringBuilder yaml, JsonObject mapping, int indent, bool firstOnCurrentLine = false)
    {
        var first = true;
        foreach (var (key, value) in mapping)
        {
            if (!(first && firstOnCurrentLine)) yaml.Append(' ', indent);
            first = false;
            yaml.Append(Scalar(key)).Append(':');
            WriteValue(yaml, value, indent);
        }
    }

    private static void WriteSequence(StringBuilder yaml, JsonArray sequence, int indent)
    {
        foreach (var item in sequence)
        {
            yaml.Append(' ', indent).Append('-');
            switch (item)
            {
                case JsonObject { Count: > 0 } mapping:
                    yaml.Append(' ');
                    WriteMapping(yaml, mapping, indent + 2, firstOnCurrentLine: true);
                    break;
                case JsonArray { Count: > 0 } inner:
                    yaml.Append('\n');
                    WriteSequence(yaml, inner, indent + 2);
                    break;
                default:
                    yaml.Append(' ').Append(Inline(item)).Append('\n');
                    break;
            }
        }
    }

    /// <summary>After "key:": a nested block on the next lines, or a scalar on this one.</summary>
    private static void WriteValue(StringBuilder yaml, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: > 0 } mapping:
                yaml.Append('\n');
                WriteMapping(yaml, mapping, indent + 2);
                break;
            case JsonArray { Count: > 0 } sequence:
                yaml.Append('\n');
                WriteSequence(yaml, sequence, indent + 2);
                break;
            default:
                yaml.Append(' ').Append(Inline(value)).Append('\n');
                break;
        }
    }

    private static string Inline(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{ }",
        JsonArray => "[ ]",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => Scalar(value.GetValue<string>()),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>() ? "true" : "false",
        _ => Number(node.ToJsonString()),
    };

    /// <summary>
    /// A JSON number, as both YAML versions read it: YAML 1.1 takes an exponent only after a decimal
    /// point and with a sign (1.0e+3), so 1e3 gets both.
    /// </summary>
    private static string Number(string json)
    {
        var e = json.IndexOfAny(['e', 'E']);
        if (e < 0) return json;
        var mantissa = json[..e].Contains('.') ? json[..e] : json[..e] + ".0";
        var exponent = json[(e + 1)..];
        return $"{mantissa}e{(exponent[0] is '+' or '-' ? "" : "+")}{exponent}";
    }

    /// <summary>A string as a plain, single-quoted or (with line breaks or control characters) double-quoted scalar.</summary>
    private static string Scalar(string text) =>
        IsPlainSafe(text) ? text
        : text.Any(char.IsControl) ? JsonSerializer.Serialize(text, DoubleQuoted)
        : "'" + text.Replace("'", "''") + "'";

    /// <summary>JSON string escapes are YAML double-quoted escapes; letters stay letters.</summary>
    private static readonly JsonSerializerOptions DoubleQuoted = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

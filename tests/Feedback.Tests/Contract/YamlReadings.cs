using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Feedback.Tests.Contract;

/// <summary>
/// How a plain (unquoted) scalar reads under YAML 1.1's type resolvers and under YAML 1.2's core
/// schema. Where the two differ (yes: a boolean or a string; 0012: ten or twelve; 1:20: eighty or a
/// string; 1e3: a string or a thousand; 2026-01-01: a date or a string), tools disagree about the document.
/// </summary>
public static partial class YamlReadings
{
    /// <summary>Every plain scalar, key or value, whose two readings differ, with where it stands.</summary>
    public static List<string> Ambiguous(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var found = new List<string>();
        foreach (var document in stream.Documents)
        foreach (var node in document.AllNodes)
            if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text } && Yaml11(text) != Yaml12(text))
                found.Add($"line {node.Start.Line}: {text} (YAML 1.1: {Yaml11(text)}; YAML 1.2: {Yaml12(text)})");
        return found;
    }

    /// <summary>The type and value YAML 1.1's resolvers give (yaml.org/type: bool, null, int, float, timestamp, merge, value).</summary>
    public static string Yaml11(string text)
    {
        if (Bool11().IsMatch(text)) return "bool " + (text.ToLowerInvariant() is "y" or "yes" or "true" or "on");
        if (Null11().IsMatch(text)) return "null";
        if (Int11().IsMatch(text)) return "int " + Int11Value(text.Replace("_", ""));
        if (Float11().IsMatch(text)) return "float " + Float11Value(text.Replace("_", ""));
        if (Timestamp11().IsMatch(text)) return "timestamp " + text;
        if (text is "<<" or "=") return "special " + text;
        return "str " + text;
    }

    /// <summary>The type and value YAML 1.2's core schema gives.</summary>
    public static string Yaml12(string text)
    {
        if (Null12().IsMatch(text)) return "null";
        if (Bool12().IsMatch(text)) return "bool " + (text.ToLowerInvariant() == "true");
        if (Int12().IsMatch(text))
            return "int " + (text.StartsWith("0o") ? Parse(text[2..], 8)
                : text.StartsWith("0x") ? Parse(text[2..], 16)
                : BigInteger.Parse(text, CultureInfo.InvariantCulture));
        if (Float12().IsMatch(text)) return "float " + FloatValue(text);
        return "str " + text;
    }

    private static BigInteger Int11Value(string text)
    {
        var sign = text.StartsWith('-') ? -1 : 1;
        var digits = text.TrimStart('-', '+');
        if (digits.Contains(':')) return sign * digits.Split(':').Aggregate(BigInteger.Zero, (sum, part) => sum * 60 + BigInteger.Parse(part, CultureInfo.InvariantCulture));
        if (digits.StartsWith("0b")) return sign * Parse(digits[2..], 2);
        if (digits.StartsWith("0x")) return sign * Parse(digits[2..], 16);
        if (digits.Length > 1 && digits.StartsWith('0')) return sign * Parse(digits[1..], 8);
        return sign * BigInteger.Parse(digits, CultureInfo.InvariantCulture);
    }

    private static string Float11Value(string text)
    {
        var sign = text.StartsWith('-') ? -1 : 1;
        var digits = text.TrimStart('-', '+');
        if (digits.Contains(':'))
            return (sign * digits.Split(':').Aggregate(0.0, (sum, part) => sum * 60 + double.Parse(part, CultureInfo.InvariantCulture))).ToString("R", CultureInfo.InvariantCulture);
        return FloatValue(text);
    }

    /// <summary>A float's value; a spelling double cannot read (1.2.3 is a YAML 1.1 float) stands as itself.</summary>
    private static string FloatValue(string text)
    {
        var lower = text.ToLowerInvariant();
        if (lower.EndsWith(".nan")) return "NaN";
        if (lower.EndsWith(".inf")) return lower.StartsWith('-') ? "-Infinity" : "Infinity";
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value.ToString("R", CultureInfo.InvariantCulture)
            : "unreadable " + text;
    }

    private static BigInteger Parse(string digits, int radix) =>
        digits.Aggregate(BigInteger.Zero, (sum, c) => sum * radix + Convert.ToInt32(c.ToString(), 16));

    [GeneratedRegex("^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex Bool11();

    [GeneratedRegex("^(~|null|Null|NULL|)$")]
    private static partial Regex Null11();

    [GeneratedRegex("^([-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+)$")]
    private static partial Regex Int11();

    [GeneratedRegex(@"^([-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex Float11();

    [GeneratedRegex(@"^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)$")]
    private static partial Regex Timestamp11();

    [GeneratedRegex("^(null|Null|NULL|~|)$")]
    private static partial Regex Null12();

    [GeneratedRegex("^(true|True|TRUE|false|False|FALSE)$")]
    private static partial Regex Bool12();

    [GeneratedRegex("^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")]
    private static partial Regex Int12();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex Float12();
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Feedback.Tests.Support;

/// <summary>
/// A scrape in the Prometheus text format (0.0.4), read strictly, so that what Prometheus would
/// refuse or misread fails a test here. Every line is "# HELP name text", "# TYPE name type" or a
/// sample "name{label="value",…} value [timestamp]" (an empty line is allowed, as the format
/// allows it); metric and label names are valid; label values escape only \\, \" and \n; a
/// family's TYPE comes before its samples and its samples come together; no series appears
/// twice; counters are not negative; a histogram's buckets are cumulative, rise in le and end at
/// le="+Inf", which equals its _count, beside a _sum. Anything else throws a FormatException
/// naming the line.
/// </summary>
public sealed partial class PrometheusExposition
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, long? Timestamp);

    public sealed class Family(string name)
    {
        public string Name { get; } = name;
        /// <summary>As its TYPE line says; untyped without one.</summary>
        public string Type { get; internal set; } = "untyped";
        internal bool Typed { get; set; }
        public string? Help { get; internal set; }
        public List<Sample> Samples { get; } = [];
    }

    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public IReadOnlyDictionary<string, Family> Families { get; }

    private PrometheusExposition(IReadOnlyDictionary<string, Family> families) => Families = families;

    /// <summary>Samples named <paramref name="name"/> carrying at least the given labels.</summary>
    public IReadOnlyList<Sample> Series(string name, params (string Label, string Value)[] labels) =>
        [.. Families.Values.SelectMany(family => family.Samples)
            .Where(sample => sample.Name == name && labels.All(l => sample.Labels.TryGetValue(l.Label, out var v) && v == l.Value))];

    /// <summary>The one sample named <paramref name="name"/> with the given labels; 0 when there is none (a counter not yet incremented).</summary>
    public double Value(string name, params (string Label, string Value)[] labels) =>
        Series(name, labels) switch
        {
            [] => 0,
            [var one] => one.Value,
            var many => throw new InvalidOperationException($"{many.Count} series named {name} match; name more labels"),
        };

    public static PrometheusExposition Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n')) throw new FormatException("the exposition does not end with a line feed");
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var seriesSeen = new HashSet<string>(StringComparer.Ordinal);
        Family? current = null;
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length - 1; index++)
        {
            var line = lines[index];
            var number = index + 1;
            FormatException Error(string why) => new($"line {number}: {why}: {line}");
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                var comment = Comment().Match(line);
                if (!comment.Success) throw Error("a comment other than '# HELP name text' or '# TYPE name type'");
                var name = comment.Groups["name"].Value;
                if (!MetricName().IsMatch(name)) throw Error("invalid metric name");
                var family = families.GetValueOrDefault(name);
                if (family is not null && family != current) throw Error("a family's lines are not together");
                if (comment.Groups["keyword"].Value == "TYPE")
                {
                    var type = comment.Groups["rest"].Value;
                    if (!Types.Contains(type)) throw Error("unknown type");
                    if (family is { Samples.Count: > 0 }) throw Error("TYPE after the family's samples");
                    if (family is { Typed: true }) throw Error("a second TYPE");
                    family ??= families[name] = new Family(name);
                    family.Type = type;
                    family.Typed = true;
                }
                else
                {
                    if (family?.Help is not null) throw Error("a second HELP");
                    family ??= families[name] = new Family(name);
                    family.Help = Unescape(comment.Groups["rest"].Value, inLabel: false) ?? throw Error("invalid escape in HELP");
                }
                current = family;
                continue;
            }

            var sample = ParseSample(line) ?? throw Error("not a sample 'name{labels} value [timestamp]'");
            var owner = FamilyOf(sample.Name, families);
            if (owner is null)
            {
                if (families.ContainsKey(sample.Name)) throw Error("a histogram's sample without _bucket, _sum or _count");
                owner = families[sample.Name] = new Family(sample.Name);
            }
            else if (owner != current) throw Error("a family's lines are not together");
            if (!seriesSeen.Add(sample.Name + Canonical(sample.Labels))) throw Error("the same series twice");
            if (owner.Type == "counter" && !(sample.Value >= 0)) throw Error("a counter below 0 or NaN");
            owner.Samples.Add(sample);
            current = owner;
        }
        foreach (var histogram in families.Values.Where(family => family.Type == "histogram")) CheckHistogram(histogram);
        return new PrometheusExposition(families);
    }

    private static Family? FamilyOf(string sampleName, Dictionary<string, Family> families)
    {
        if (families.TryGetValue(sampleName, out var family) && family.Type is "counter" or "gauge" or "untyped" or "summary") return family;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (!sampleName.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var parent = families.GetValueOrDefault(sampleName[..^suffix.Length]);
            if (parent is { Type: "histogram" } || parent is { Type: "summary" } && suffix != "_bucket") return parent;
        }
        return null;
    }

    private static void CheckHistogram(Family histogram)
    {
        foreach (var series in histogram.Samples.GroupBy(sample => Canonical(sample.Labels.Where(l => l.Key != "le"))))
        {
            FormatException Error(string why) => new($"histogram {histogram.Name}{series.Key}: {why}");
            var buckets = series.Where(s => s.Name == histogram.Name + "_bucket").ToList();
            var sum = series.SingleOrDefault(s => s.Name == histogram.Name + "_sum");
            var count = series.SingleOrDefault(s => s.Name == histogram.Name + "_count");
            if (buckets.Count == 0 || sum is null || count is null) throw Error("buckets, _sum and _count are not all there");
            if (series.Any(s => s.Name != histogram.Name + "_bucket" && s.Labels.ContainsKey("le"))) throw Error("le on _sum or _count");
            var bounds = buckets.Select(b => b.Labels.TryGetValue("le", out var le) ? ParseValue(le) : null).ToList();
            if (bounds.Any(b => b is null)) throw Error("a bucket without a valid le");
            for (var i = 1; i < buckets.Count; i++)
            {
                if (!(bounds[i] > bounds[i - 1])) throw Error("le does not rise");
                if (buckets[i].Value < buckets[i - 1].Value) throw Error("buckets are not cumulative");
            }
            if (buckets[^1].Labels["le"] != "+Inf") throw Error("the last bucket is not le=\"+Inf\"");
            if (count.Value != buckets[^1].Value) throw Error($"_count {count.Value} is not the +Inf bucket's {buckets[^1].Value}");
        }
    }

    private static Sample? ParseSample(string line)
    {
        var position = 0;
        var name = MetricNameAt().Match(line);
        if (!name.Success) return null;
        position = name.Length;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (line.ElementAtOrDefault(position) != '}')
            {
                if (labels.Count > 0)
                {
                    if (line.ElementAtOrDefault(position) != ',') return null;
                    position++;
                }
                var labelName = LabelNameAt().Match(line, position);
                if (!labelName.Success || labelName.Index != position || labelName.Value.StartsWith("__", StringComparison.Ordinal)) return null;
                position += labelName.Length;
                if (line.ElementAtOrDefault(position) != '=' || line.ElementAtOrDefault(position + 1) != '"') return null;
                position += 2;
                var raw = new StringBuilder();
                while (position < line.Length && line[position] != '"')
                {
                    if (line[position] == '\\')
                    {
                        if (position + 1 >= line.Length) return null;
                        raw.Append(line, position, 2);
                        position += 2;
                    }
                    else raw.Append(line[position++]);
                }
                if (position >= line.Length) return null;
                position++;
                var value = Unescape(raw.ToString(), inLabel: true);
                if (value is null || !labels.TryAdd(labelName.Value, value)) return null;
            }
            position++;
        }
        if (line.ElementAtOrDefault(position) != ' ') return null;
        var rest = line[(position + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2 || ParseValue(rest[0]) is not { } number) return null;
        long? timestamp = null;
        if (rest.Length == 2)
        {
            if (!Timestamp().IsMatch(rest[1]) || !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)) return null;
            timestamp = ms;
        }
        return new Sample(name.Value, labels, number, timestamp);
    }

    /// <summary>A float as Go's ParseFloat reads it in this format: digits, or NaN and ±Inf.</summary>
    private static double? ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ when Number().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>\\ and \n everywhere, \" in label values only; any other backslash is an error (null).</summary>
    private static string? Unescape(string text, bool inLabel)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                if (inLabel && text[i] == '"') return null;
                result.Append(text[i]);
                continue;
            }
            if (++i >= text.Length) return null;
            switch (text[i])
            {
                case '\\': result.Append('\\'); break;
                case 'n': result.Append('\n'); break;
                case '"' when inLabel: result.Append('"'); break;
                default: return null;
            }
        }
        return result.ToString();
    }

    private static string Canonical(IEnumerable<KeyValuePair<string, string>> labels) =>
        "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value.Length}:{l.Value}")) + "}";

    [GeneratedRegex(@"^# (?<keyword>HELP|TYPE) (?<name>\S+)(?: (?<rest>.*))?$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex MetricNameAt();

    [GeneratedRegex(@"\G[a-zA-Z_][a-zA-Z0-9_]*")]
    private static partial Regex LabelNameAt();

    [GeneratedRegex(@"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")]
    private static partial Regex Number();

    [GeneratedRegex(@"^-?[0-9]+$")]
    private static partial Regex Timestamp();
}

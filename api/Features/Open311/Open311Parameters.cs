using System.Globalization;
using System.Text.RegularExpressions;
using Feedback.Api.Infrastructure.Localization;
using Microsoft.Extensions.Primitives;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// The query parameters GeoReport's read routes share: comma lists (a parameter may also be sent
/// several times) and a window of W3C date-times, at most <see cref="MaxSpan"/> long.
/// </summary>
public static partial class Open311Parameters
{
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(90);

    /// <summary>Dates before or after these are typing mistakes, not searches.</summary>
    private const int FirstYear = 2000, LastYear = 2100;

    /// <summary>A parameter sent once or several times, as one comma list; null when absent.</summary>
    public static string? Joined(StringValues values) => values.Count == 0 ? null : string.Join(",", values.ToArray());

    /// <summary>"a, b,,a" → [a, b].</summary>
    public static IReadOnlyList<string> Items(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Both ends included, as GeoReport's clients read "from start to end".</summary>
    public sealed record Window(DateTimeOffset Start, DateTimeOffset End);

    public sealed record Problem(string Parameter, string Message);

    /// <summary>
    /// The window start_date and end_date ask for. Without end_date it runs <see cref="MaxSpan"/>
    /// from start_date; without start_date it is <paramref name="defaultSpan"/> up to end_date (or now).
    /// </summary>
    public static (Window? Window, IReadOnlyList<Problem> Problems) WindowOf(
        string? startText, string? endText, DateTimeOffset now, TimeSpan defaultSpan, TimeZoneInfo zone)
    {
        var problems = new List<Problem>();
        var start = Instant("start_date", startText, zone, problems);
        var end = Instant("end_date", endText, zone, problems);
        if (problems.Count > 0) return (null, problems);

        var window = (start, end) switch
        {
            ({ } from, { } to) => new Window(from, to),
            ({ } from, null) => new Window(from, from + MaxSpan),
            (null, { } to) => new Window(to - defaultSpan, to),
            _ => new Window(now - defaultSpan, now),
        };
        if (window.End < window.Start)
            problems.Add(new("end_date", Lang.Pick("结束时间早于开始时间", "end_date is before start_date")));
        else if (window.End - window.Start > MaxSpan)
            problems.Add(new("end_date", Lang.Pick($"时间范围最长 {MaxSpan.Days} 天，请缩小 start_date 与 end_date 之间的范围",
                $"The range is at most {MaxSpan.Days} days; bring start_date and end_date closer")));
        return problems.Count > 0 ? (null, problems) : (window, problems);
    }

    /// <summary>
    /// A W3C date-time with its offset (2026-12-06T10:15:00+08:00, …Z, seconds and fractions
    /// optional) or a date (the bureau's day from midnight). An unencoded "+" in a query string
    /// arrives as a space, so a space before the offset is read as "+".
    /// </summary>
    private static DateTimeOffset? Instant(string parameter, string? text, TimeZoneInfo zone, List<Problem> problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var match = W3CDateTime().Match(text.Trim().Replace(' ', '+'));
        DateTimeOffset? read = !match.Success ? null
            : match.Groups["time"].Success
                ? DateTimeOffset.TryParse(match.Value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null
                : DateOnly.TryParseExact(match.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? StartOf(day, zone) : null;
        if (read is not { } instant)
        {
            problems.Add(new(parameter, Lang.Pick(
                "请使用 W3C 日期时间格式并带时区，例如 2026-12-06T10:15:00+08:00（“+”请编码为 %2B）",
                "Use a W3C date-time with its offset, e.g. 2026-12-06T10:15:00+08:00 (encode “+” as %2B)")));
            return null;
        }
        if (instant.Year is < FirstYear or > LastYear)
        {
            problems.Add(new(parameter, Lang.Pick($"日期须在 {FirstYear} 年至 {LastYear} 年之间", $"The date must fall between {FirstYear} and {LastYear}")));
            return null;
        }
        return instant;
    }

    private static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?<time>T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex W3CDateTime();
}

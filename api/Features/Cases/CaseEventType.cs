using System.Globalization;
using System.Text.Json.Nodes;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Cases;

/// <summary>
/// A kind of entry on a case's timeline: its type as stored in complaint_events, whether the
/// citizen sees it, and how the citizen's tracking page words it. The staff case actions'
/// types are registered in DI from their descriptions, and the tracking page words their public
/// events through them, so it needs no list of its own.
/// </summary>
public sealed record CaseEventType(string Type, bool Public, Func<CitizenWords, string>? ForCitizen = null);

/// <summary>What a timeline entry's wording may use: the event's message and data, read for the citizen.</summary>
public sealed class CitizenWords(string? message, JsonObject data, IReadOnlyDictionary<string, string> sectionNames)
{
    public string? Message => message;

    public string Text(string key) => data[key]?.ToString() ?? "";

    /// <summary>A date as the rest of the page reads: 2026年12月18日 / 18 December 2026.</summary>
    public string Day(string key) => DateOnly.TryParse(Text(key), CultureInfo.InvariantCulture, out var day)
        ? Lang.Pick(day.ToString("yyyy年M月d日", CultureInfo.InvariantCulture), day.ToString("d MMMM yyyy", CultureInfo.InvariantCulture))
        : Text(key);

    /// <summary>The name of the section whose code is in <paramref name="key"/>, in the reader's language.</summary>
    public string Section(string key) => sectionNames.TryGetValue(Text(key), out var name) ? name : Text(key);
}

using System.Globalization;
using System.Text.Json.Nodes;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Cases;

/// <summary>
/// A kind of entry on a case's timeline: its type as stored in complaint_events, whether the
/// citizen sees it, and how the citizen's tracking page words it. The staff case actions' types
/// make up the <see cref="CitizenWordings"/> that <c>Program.cs</c> registers, through which the
/// tracking page words their public events, so it needs no list of its own.
/// </summary>
public sealed record CaseEventType(string Type, bool Public, Func<CitizenWords, string>? ForCitizen = null);

/// <summary>The citizen's wording of each public event type it is given, indexed once at start-up.</summary>
public sealed class CitizenWordings(IEnumerable<CaseEventType> types)
{
    private readonly Dictionary<string, Func<CitizenWords, string>> byType = types
        .Where(type => type is { Public: true, ForCitizen: not null })
        .ToDictionary(type => type.Type, type => type.ForCitizen!);

    public Func<CitizenWords, string>? For(string type) => byType.GetValueOrDefault(type);
}

/// <summary>What a timeline entry's wording may use: the event's message and data, read for the citizen.</summary>
public sealed class CitizenWords(string? message, JsonObject data, Func<string, string?> sectionName)
{
    public string? Message => message;

    public string Text(string key) => data[key]?.ToString() ?? "";

    /// <summary>How many items the list under <paramref name="key"/> holds (0 when there is none).</summary>
    public int Count(string key) => data[key] is JsonArray list ? list.Count : 0;

    /// <summary>A date as the rest of the page reads: 2026年12月18日 / 18 December 2026.</summary>
    public string Day(string key) => DateOnly.TryParse(Text(key), CultureInfo.InvariantCulture, out var day)
        ? Lang.LongDate(day, Lang.IsEnglish)
        : Text(key);

    /// <summary>The name of the section whose code is in <paramref name="key"/>, in the reader's language.</summary>
    public string Section(string key) => sectionName(Text(key)) ?? Text(key);
}

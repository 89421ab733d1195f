using Feedback.Api.Features.Cases;

namespace Feedback.Api.Features.Routing;

/// <summary>What an administrator writes for a rule; shared by create and update.</summary>
/// <param name="Position">1 = tried first; beyond the end = tried last. Left out: a new rule goes last, an edited one keeps its place.</param>
/// <param name="Keywords">The rule holds when any of them appears in the description.</param>
public sealed record RoutingRuleFields(
    string Name, string SectionCode, string? CategoryCode = null, string? GroupCode = null, string? Township = null,
    string[]? Keywords = null, int? Position = null, bool Active = true)
{
    public string[] CleanKeywords() =>
        (Keywords ?? []).Select(ComplaintText.Clean).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
}

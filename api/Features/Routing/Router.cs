using Feedback.Api.Features.Categories;

namespace Feedback.Api.Features.Routing;

public enum RoutingBasis
{
    /// <summary>Conduct cases go to discipline inspection, whatever the rules say.</summary>
    Confidential,
    Rule,
    CategoryDefault,
    Fallback,
}

/// <param name="RuleId">The rule that decided, when one did.</param>
public sealed record RoutingDecision(string SectionCode, RoutingBasis Basis, long? RuleId = null, string? RuleName = null);

/// <summary>Chooses the section for a new complaint (分派). Pure, so every rule is unit-tested.</summary>
public static class Router
{
    public const string DisciplineSection = "discipline";
    public const string FallbackSection = "office";

    public static RoutingDecision Route(
        CategoryCatalog.Category category, string? township, string description,
        IReadOnlyList<RoutingRule> rules, Func<string, bool> sectionExists)
    {
        if (category.Confidential) return new RoutingDecision(DisciplineSection, RoutingBasis.Confidential);

        foreach (var rule in rules.OrderBy(r => r.Position).ThenBy(r => r.Id))
            if (Matches(rule, category, township, description) && sectionExists(rule.SectionCode))
                return new RoutingDecision(rule.SectionCode, RoutingBasis.Rule, rule.Id, rule.Name);

        return sectionExists(category.DefaultSectionCode)
            ? new RoutingDecision(category.DefaultSectionCode, RoutingBasis.CategoryDefault)
            : new RoutingDecision(FallbackSection, RoutingBasis.Fallback);
    }

    /// <summary>Every condition the rule states must hold; a rule states at least one.</summary>
    public static bool Matches(RoutingRule rule, CategoryCatalog.Category category, string? township, string description) =>
        (rule.CategoryCode is null || rule.CategoryCode == category.Code)
        && (rule.GroupCode is null || rule.GroupCode == category.GroupCode)
        && (rule.Township is null || string.Equals(rule.Township, township?.Trim(), StringComparison.OrdinalIgnoreCase))
        && (rule.Keywords.Length == 0 || rule.Keywords.Any(keyword => description.Contains(keyword, StringComparison.OrdinalIgnoreCase)));
}

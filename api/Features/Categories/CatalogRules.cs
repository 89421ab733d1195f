using Feedback.Api.Infrastructure.Localization;
using FluentValidation;

namespace Feedback.Api.Features.Categories;

/// <summary>Validation rules that check a code against the catalog, for any slice that takes one.</summary>
public static class CatalogRules
{
    /// <summary>The section must exist (checked against the catalog, before any transaction).</summary>
    public static IRuleBuilderOptions<T, string?> KnownSection<T>(this IRuleBuilder<T, string?> rule, CategoryCatalog catalog) =>
        rule.MustAsync(async (code, _) => code is null || await catalog.FindSectionAsync(code) is not null)
            .WithMessage(_ => Lang.Pick("未知的科室", "Unknown section"));
}

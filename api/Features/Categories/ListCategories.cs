using Feedback.Api.Infrastructure.Localization;
using Mediator;

namespace Feedback.Api.Features.Categories;

/// <summary>The categories a citizen can choose from, in display order, in the caller's language.</summary>
public static class ListCategories
{
    public sealed record Query(string Language) : IQuery<IReadOnlyList<CategoryItem>>;

    /// <param name="Group">The group code (water, air, noise, …, conduct, suggestion, other).</param>
    /// <param name="Confidential">True for staff-conduct categories: handled by discipline inspection only.</param>
    /// <param name="AcceptWithinDays">Working days within which the bureau decides to accept or reject.</param>
    /// <param name="ResolveWithinDays">Working days within which an accepted case is resolved.</param>
    public sealed record CategoryItem(
        string Code,
        string Group,
        string GroupName,
        string Name,
        string Description,
        bool Confidential,
        int AcceptWithinDays,
        int ResolveWithinDays);

    public sealed class Handler(CategoryCatalog catalog) : IQueryHandler<Query, IReadOnlyList<CategoryItem>>
    {
        public async ValueTask<IReadOnlyList<CategoryItem>> Handle(Query query, CancellationToken cancellationToken)
        {
            var english = query.Language == Lang.English;
            return (await catalog.ListActiveAsync())
                .Select(c => new CategoryItem(
                    c.Code,
                    c.GroupCode,
                    english ? c.GroupNameEn : c.GroupNameZh,
                    english ? c.NameEn : c.NameZh,
                    english ? c.DescriptionEn : c.DescriptionZh,
                    c.Confidential,
                    c.AcceptWithinDays,
                    c.ResolveWithinDays))
                .ToList();
        }
    }
}

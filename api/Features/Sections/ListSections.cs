using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Localization;
using Mediator;

namespace Feedback.Api.Features.Sections;

/// <summary>The bureau's sections in display order: transfer targets, routing targets, account sections.</summary>
public static class ListSections
{
    public sealed record Query : IQuery<IReadOnlyList<Section>>;

    /// <param name="Name">In the caller's language.</param>
    /// <param name="SortOrder">Where it appears in lists (smaller first).</param>
    public sealed record Section(string Code, string Name, string NameZh, string NameEn, int SortOrder);

    public sealed class Handler(CategoryCatalog catalog) : IQueryHandler<Query, IReadOnlyList<Section>>
    {
        public async ValueTask<IReadOnlyList<Section>> Handle(Query query, CancellationToken cancellationToken) =>
            (await catalog.ListSectionsAsync()).Select(s => new Section(s.Code, Lang.Pick(s.NameZh, s.NameEn), s.NameZh, s.NameEn, s.SortOrder)).ToList();
    }
}

using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Localization;
using Mediator;

namespace Feedback.Api.Features.Townships;

/// <summary>The townships a citizen picks from (active ones, in display order), and every one for administrators.</summary>
public static class ListTownships
{
    public sealed record Query : IQuery<IReadOnlyList<Item>>;

    /// <param name="Value">What a complaint sends as its township: the official Chinese name.</param>
    /// <param name="Name">In the caller's language.</param>
    public sealed record Item(string Value, string Name);

    public sealed class Handler(CategoryCatalog catalog) : IQueryHandler<Query, IReadOnlyList<Item>>
    {
        public async ValueTask<IReadOnlyList<Item>> Handle(Query query, CancellationToken cancellationToken) =>
            (await catalog.ListTownshipsAsync()).Where(t => t.Active).Select(t => new Item(t.NameZh, Lang.Pick(t.NameZh, t.NameEn))).ToList();
    }

    public sealed record AllQuery : IQuery<IReadOnlyList<Township>>;

    /// <param name="SortOrder">Where it appears in the list (smaller first).</param>
    /// <param name="Version">Send it back in If-Match when changing the township.</param>
    public sealed record Township(string NameZh, string NameEn, int SortOrder, bool Active, int Version);

    public sealed class AllHandler(CategoryCatalog catalog) : IQueryHandler<AllQuery, IReadOnlyList<Township>>
    {
        public async ValueTask<IReadOnlyList<Township>> Handle(AllQuery query, CancellationToken cancellationToken) =>
            (await catalog.ListTownshipsAsync()).Select(t => new Township(t.NameZh, t.NameEn, t.SortOrder, t.Active, t.Version)).ToList();
    }
}

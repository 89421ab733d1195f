using Dapper;
using Feedback.Api.Infrastructure.Database;
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

    public sealed class Handler(ReadDatabase database) : IQueryHandler<Query, IReadOnlyList<CategoryItem>>
    {
        public async ValueTask<IReadOnlyList<CategoryItem>> Handle(Query query, CancellationToken cancellationToken)
        {
            var english = query.Language == Lang.English;
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<CategoryItem>(new CommandDefinition(
                """
                select c.code,
                       g.code as "group",
                       case when @english then g.name_en else g.name_zh end as group_name,
                       case when @english then c.name_en else c.name_zh end as name,
                       case when @english then c.description_en else c.description_zh end as description,
                       g.confidential,
                       c.accept_within_days,
                       c.resolve_within_days
                from categories c
                join category_groups g on g.code = c.group_code
                where c.active
                order by g.sort_order, c.sort_order, c.code
                """,
                new { english }, cancellationToken: cancellationToken));
            return rows.AsList();
        }
    }
}

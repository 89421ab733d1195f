using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Mediator;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// A citizen who said "me too" follows that case on their device: its public summary by support id
/// (the same as in the list of similar cases, whatever its status now). A confidential case, or an
/// id that names none, is 404.
/// </summary>
public static class GetSupportedComplaint
{
    public sealed record Query(Guid SupportId) : IQuery<ListSimilarComplaints.Item>;

    public sealed class Handler(ReadDatabase database, CategoryCatalog catalog, ListSimilarComplaints.PublicSummary summary)
        : IQueryHandler<Query, ListSimilarComplaints.Item>
    {
        public async ValueTask<ListSimilarComplaints.Item> Handle(Query query, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<ListSimilarComplaints.Row>(new CommandDefinition(
                $"select {ListSimilarComplaints.PublicSummary.Columns}, null::float8 as distance_metres from complaints c where c.support_id = @id",
                new { id = query.SupportId }, cancellationToken: cancellationToken));
            if (row is null || (await catalog.GetCategoryAsync(row.CategoryCode)).Confidential) throw NotFound();
            return await summary.OfAsync(row);
        }
    }

    public static ProblemException NotFound() =>
        new(StatusCodes.Status404NotFound, Lang.Pick("没有这个案件", "No such case"));
}

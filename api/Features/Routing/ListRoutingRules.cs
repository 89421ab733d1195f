using Dapper;
using Feedback.Api.Infrastructure.Database;
using Mediator;

namespace Feedback.Api.Features.Routing;

/// <summary>Every routing rule, active or not, in the order they are tried.</summary>
public static class ListRoutingRules
{
    public sealed record Query : IQuery<IReadOnlyList<Rule>>;

    public sealed record Rule(
        long Id, int Position, string Name, string? CategoryCode, string? GroupCode, string? Township, string[] Keywords,
        string SectionCode, bool Active, int Version);

    /// <summary>Dapper fills text[] through properties.</summary>
    private sealed class Row
    {
        public long Id { get; init; }
        public int Position { get; init; }
        public string Name { get; init; } = "";
        public string? CategoryCode { get; init; }
        public string? GroupCode { get; init; }
        public string? Township { get; init; }
        public string[] Keywords { get; init; } = [];
        public string SectionCode { get; init; } = "";
        public bool Active { get; init; }
        public int Version { get; init; }
    }

    public const string Columns = "id, position, name, category_code, group_code, township, keywords, section_code, active, version";

    public static async Task<Rule?> ReadAsync(WriteTransaction database, long id, CancellationToken cancellationToken) =>
        await database.QuerySingleOrDefaultAsync<Row>($"select {Columns} from routing_rules where id = @id", new { id }, cancellationToken)
            is { } row ? ToRule(row) : null;

    private static Rule ToRule(Row r) => new(r.Id, r.Position, r.Name, r.CategoryCode, r.GroupCode, r.Township, r.Keywords, r.SectionCode, r.Active, r.Version);

    public sealed class Handler(ReadDatabase database) : IQueryHandler<Query, IReadOnlyList<Rule>>
    {
        public async ValueTask<IReadOnlyList<Rule>> Handle(Query query, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<Row>(new CommandDefinition(
                $"select {Columns} from routing_rules order by position, id", cancellationToken: cancellationToken));
            return rows.Select(ToRule).ToList();
        }
    }
}

using System.ComponentModel;
using System.Globalization;
using System.Text;
using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.Publication;

/// <summary>
/// The public list of published cases, newest first, for anyone (no sign-in). It reads only the
/// public columns of published_cases: never the case itself, so no contact detail, description,
/// photo or tracking code can slip in. Keyset pagination on (published_at, id).
/// </summary>
public static class ListPublishedCases
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    public sealed record Query(
        [FromQuery(Name = "cursor")] [property: Description("nextCursor of the previous page.")] string? Cursor = null,
        [FromQuery(Name = "limit")] [property: Description("1–50, default 20.")] int? Limit = null) : IQuery<Result>;

    /// <param name="Id">The publication's own number (not the case's).</param>
    /// <param name="ResolvedMonth">The month the case was resolved, yyyy-MM.</param>
    public sealed record Item(
        long Id, string CategoryCode, string CategoryName, string GroupName, string? Township, string ResolvedMonth,
        string Summary, string Result, DateTimeOffset PublishedAt);

    /// <param name="NextCursor">Pass as cursor for the next page; null on the last page.</param>
    public sealed record Result(IReadOnlyList<Item> Items, string? NextCursor);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).InclusiveBetween(1, MaxLimit)
                .WithMessage(_ => Lang.Pick($"每页 1–{MaxLimit} 条", $"limit is 1–{MaxLimit}"));
            RuleFor(q => q.Cursor).Must(cursor => cursor is null || Cursor.Decode(cursor) is not null)
                .WithMessage(_ => Lang.Pick("分页游标无效，请从第一页重新开始", "The cursor is not valid here; start again from the first page"));
        }
    }

    private sealed record Row(long Id, string CategoryCode, string? Township, DateOnly ResolvedMonth, string Summary, string Result, DateTime PublishedAt);

    public sealed class Handler(ReadDatabase database, CategoryCatalog catalog) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var limit = query.Limit ?? DefaultLimit;
            var after = query.Cursor is null ? null : Cursor.Decode(query.Cursor);
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
                $"""
                 select id, category_code, township, resolved_month, summary, result, published_at
                 from published_cases
                 where status = 'published' {(after is null ? "" : "and (published_at, id) < (@at, @id)")}
                 order by published_at desc, id desc
                 limit @take
                 """,
                new { at = after?.At, id = after?.Id, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();

            var townships = (await catalog.ListTownshipsAsync()).ToDictionary(t => t.NameZh);
            var items = new List<Item>();
            foreach (var row in rows.Take(limit))
            {
                var category = await catalog.GetCategoryAsync(row.CategoryCode);
                var township = row.Township is { } name && townships.TryGetValue(name, out var known) ? Lang.Pick(known.NameZh, known.NameEn) : row.Township;
                items.Add(new Item(row.Id, row.CategoryCode, Lang.Pick(category.NameZh, category.NameEn),
                    Lang.Pick(category.GroupNameZh, category.GroupNameEn), township,
                    row.ResolvedMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture), row.Summary, row.Result,
                    new DateTimeOffset(row.PublishedAt, TimeSpan.Zero)));
            }
            var last = rows.Count > limit ? rows[limit - 1] : null;
            return new Result(items, last is null ? null : Cursor.Encode(new DateTimeOffset(last.PublishedAt, TimeSpan.Zero), last.Id));
        }
    }

    /// <summary>The opaque page cursor: base64url of "publishedAt|id".</summary>
    public static class Cursor
    {
        public sealed record Position(DateTimeOffset At, long Id);

        public static string Encode(DateTimeOffset at, long id) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{at.ToString("O", CultureInfo.InvariantCulture)}|{id}"))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static Position? Decode(string cursor)
        {
            try
            {
                var base64 = cursor.Replace('-', '+').Replace('_', '/');
                base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('|');
                return parts.Length == 2
                       && DateTimeOffset.TryParseExact(parts[0], "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                       && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    ? new Position(at, id)
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}

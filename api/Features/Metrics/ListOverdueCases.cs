using System.ComponentModel;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// The open cases past their deadline today, most overdue first, with the reminders (督办) they got:
/// what a leader chases. The period filters do not apply; the others do, with the same scope as
/// the figures (a section head: their section, conduct cases only for discipline inspection).
/// </summary>
public static class ListOverdueCases
{
    /// <param name="All">Every row (the CSV file) instead of the first <c>Limit</c>.</param>
    public sealed record Query(MetricsFilters Filters, int? Limit, bool All = false) : IQuery<Result>;

    /// <param name="TownshipLabel">The township's name in the caller's language.</param>
    /// <param name="Stage">acceptance (not decided yet) or resolution.</param>
    /// <param name="DaysOverdue">Working days after the deadline, up to and including today.</param>
    /// <param name="RemindersSent">督办 reminders recorded on the case.</param>
    public sealed record Row(
        string TrackingCode, string Section, string SectionLabel, string Category, string CategoryLabel, string? Township, string? TownshipLabel,
        ComplaintStatus Status, [property: Description("acceptance or resolution")] string Stage, DateOnly DueOn, int DaysOverdue, long RemindersSent);

    /// <param name="Total">All overdue cases under the filters (rows holds the first limit of them).</param>
    public sealed record Result(DateOnly AsOf, long Total, IReadOnlyList<Row> Rows);

    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).InclusiveBetween(1, MaxLimit).WithMessage(_ => Lang.Pick($"limit 为 1–{MaxLimit}", $"limit is 1–{MaxLimit}"));
            RuleFor(q => q.Filters.From).Null().WithMessage(_ => Lang.Pick("逾期清单是今天的，不按期间筛选", "The overdue list is as of today; it takes no period"));
            RuleFor(q => q.Filters.To).Null().WithMessage(_ => Lang.Pick("逾期清单是今天的，不按期间筛选", "The overdue list is as of today; it takes no period"));
        }
    }

    private sealed record Found(string TrackingCode, string SectionCode, string CategoryCode, string? Township, string Status, DateOnly DueOn,
        long RemindersSent, long Total);

    public sealed class Handler(MetricsScope scope, ReadDatabase database, CategoryCatalog catalog, WorkingDayCalendar calendar)
        : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = await scope.FilterAsync(query.Filters);
            var today = scope.Today;
            var parameters = new DynamicParameters(new { today, limit = query.All ? (int?)null : query.Limit ?? DefaultLimit });
            var where = filter.Conditions(parameters);
            where.InsertRange(0, ["c.status in ('submitted', 'accepted', 'in_progress')", "c.due_on < @today"]);

            // complaints_open_by_due holds only open cases, so this reads the overdue ones, not the history.
            var sql = $"""
                select c.tracking_code, c.section_code, c.category_code, c.township, c.status, c.due_on,
                       (select count(*) from complaint_events e where e.complaint_id = c.id and e.type = 'reminder') as reminders_sent,
                       count(*) over () as total
                from complaints c
                where {string.Join(" and ", where)}
                order by c.due_on, c.id
                limit @limit
                """;
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var found = (await connection.QueryAsync<Found>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();

            var rows = new List<Row>(found.Count);
            foreach (var f in found)
            {
                var section = await catalog.GetSectionAsync(f.SectionCode);
                var category = await catalog.GetCategoryAsync(f.CategoryCode);
                var status = ComplaintStatuses.Parse(f.Status);
                rows.Add(new Row(f.TrackingCode, f.SectionCode, Lang.Pick(section.NameZh, section.NameEn), f.CategoryCode, Lang.Pick(category.NameZh, category.NameEn),
                    f.Township, f.Township is null ? null : await scope.LabelAsync(MetricsDimension.Township, f.Township), status, status == ComplaintStatus.Submitted ? "acceptance" : "resolution", f.DueOn,
                    calendar.WorkingDaysBetween(f.DueOn, today), f.RemindersSent));
            }
            return new Result(today, found.Count > 0 ? found[0].Total : 0, rows);
        }
    }
}

using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Calendar;

/// <summary>A year's public holidays and make-up working days (调休), as the deadline calendar uses them.</summary>
public static class ListCalendarDays
{
    public sealed record Query(int Year) : IQuery<IReadOnlyList<Day>>;

    /// <param name="Kind">holiday (a weekday off) or workday (a weekend day worked).</param>
    public sealed record Day(DateOnly Date, string Kind, string NameZh, string NameEn);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.Year).InclusiveBetween(2000, 2100)
            .WithMessage(_ => Lang.Pick("年份须在 2000–2100 之间", "year is 2000–2100"));
    }

    public sealed class Handler(ReadDatabase database) : IQueryHandler<Query, IReadOnlyList<Day>>
    {
        public async ValueTask<IReadOnlyList<Day>> Handle(Query query, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            return (await connection.QueryAsync<Day>(new CommandDefinition(
                """
                select day as date, kind, name_zh, name_en from calendar_days
                where day >= make_date(@Year, 1, 1) and day < make_date(@Year + 1, 1, 1)
                order by day
                """, query, cancellationToken: cancellationToken))).AsList();
        }
    }
}

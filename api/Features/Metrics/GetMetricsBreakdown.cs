using System.ComponentModel;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// The figures split by section, category, category group, township or channel (one row per value
/// with any case touching the period), or the period cut into months or ISO weeks (every bucket a
/// row, empty ones too, so a trend line has no gaps).
/// </summary>
public static class GetMetricsBreakdown
{
    public sealed record Query(MetricsFilters Filters, string? By) : IQuery<Result>;

    /// <param name="Key">The section/category/group code, township name ("" for none given), channel, month (2026-03) or ISO week (2026-W09).</param>
    /// <param name="Label">The key's name in the caller's language.</param>
    /// <param name="Period">The row's period: the bucket's days for month and week, else the whole period.</param>
    /// <param name="Latitude">Township rows: the mean map pin of the period's pinned cases, if any.</param>
    public sealed record Row(string Key, string Label, MetricsPeriod Period, decimal? Latitude, decimal? Longitude, Figures Figures);

    public sealed record Result(
        [property: Description("section, category, group, township, channel, month or week")] string By,
        MetricsPeriod Period, MetricsConfig Config, IReadOnlyList<Row> Rows);

    public static readonly string[] Dimensions = ["section", "category", "group", "township", "channel", "month", "week"];

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.By).NotEmpty().WithMessage(_ => Lang.Pick("请指定 by", "by is required"))
                .Must(by => by is null || Dimensions.Contains(by))
                .WithMessage(_ => Lang.Pick($"by 须为 {string.Join("、", Dimensions)}", $"by is one of {string.Join(", ", Dimensions)}"));
        }
    }

    public sealed class Handler(MetricsScope scope, MetricsCalculator calculator) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var period = scope.Period(query.Filters);
            var filter = await scope.FilterAsync(query.Filters);
            var by = query.By!;

            if (by is "month" or "week")
            {
                var buckets = by == "week" ? MetricsCalculator.Weeks(period) : MetricsCalculator.Months(period);
                var computed = (await calculator.ComputeByTimeAsync(period, by == "week", filter, cancellationToken)).ToDictionary(r => r.PeriodKey);
                var series = buckets.Select(b => new Row(b.Key, b.Key, b.Period, null, null, computed.GetValueOrDefault(b.Key)?.Figures ?? Figures.Empty));
                return new Result(by, period, scope.Config, series.ToList());
            }

            var dimension = Enum.Parse<MetricsDimension>(by, ignoreCase: true);
            var rows = new List<(int Order, Row Row)>();
            foreach (var row in await calculator.ComputeAsync([("period", period)], filter, dimension, cancellationToken))
                rows.Add((await scope.OrderAsync(dimension, row.Key),
                    new Row(row.Key, await scope.LabelAsync(dimension, row.Key), period, row.Latitude, row.Longitude, row.Figures)));
            return new Result(by, period, scope.Config, rows.OrderBy(r => r.Order).ThenBy(r => r.Row.Key, StringComparer.Ordinal).Select(r => r.Row).ToList());
        }
    }
}

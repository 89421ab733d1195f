using Mediator;

namespace Feedback.Api.Features.Metrics;

/// <summary>Every figure for a period and for the period of the same length just before it.</summary>
public static class GetMetricsSummary
{
    public sealed record Query(MetricsFilters Filters) : IQuery<Result>;

    public sealed record Result(MetricsPeriod Period, MetricsPeriod PreviousPeriod, MetricsConfig Config, Figures Current, Figures Previous);

    public sealed class Handler(MetricsScope scope, MetricsCalculator calculator) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var period = scope.Period(query.Filters);
            var filter = await scope.FilterAsync(query.Filters);
            var previous = period.Previous();
            var rows = await calculator.ComputeAsync([("previous", previous), ("current", period)], filter, null, cancellationToken);
            Figures Of(string key) => rows.FirstOrDefault(r => r.PeriodKey == key)?.Figures ?? Figures.Empty;
            return new Result(period, previous, scope.Config, Of("current"), Of("previous"));
        }
    }
}

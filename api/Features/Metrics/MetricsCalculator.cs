using System.Globalization;
using Dapper;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Features.Metrics;

/// <summary>Which cases the figures cover (already checked against what the caller may see).</summary>
/// <param name="Categories">The categories to count (one, or a group's); null for all.</param>
/// <param name="ExcludedCategories">Categories never counted (conduct cases, for a section head who may not see them).</param>
public sealed record MetricsFilter(string? Section, IReadOnlyList<string>? Categories, IReadOnlyList<string> ExcludedCategories, string? Township, string? Channel)
{
    /// <summary>The filter as conditions on complaints c, their values added to <paramref name="parameters"/>.</summary>
    public List<string> Conditions(DynamicParameters parameters)
    {
        var conditions = new List<string>();
        if (Section is not null) { conditions.Add("c.section_code = @section"); parameters.Add("section", Section); }
        if (Categories is not null) { conditions.Add("c.category_code = any(@categories)"); parameters.Add("categories", Categories.ToArray()); }
        if (ExcludedCategories.Count > 0) { conditions.Add("c.category_code <> all(@excluded)"); parameters.Add("excluded", ExcludedCategories.ToArray()); }
        if (Township is not null) { conditions.Add("c.township = @township"); parameters.Add("township", Township); }
        if (Channel is not null) { conditions.Add("c.channel = @channel"); parameters.Add("channel", Channel); }
        return conditions;
    }
}

/// <summary>What a breakdown splits the cases by (month and week split the period instead).</summary>
public enum MetricsDimension { Section, Category, Group, Township, Channel }

/// <param name="PeriodKey">The period's key as given (or the month/week key).</param>
/// <param name="Key">The dimension's value ("" without a dimension, and for cases without a township).</param>
/// <param name="Latitude">Mean pin of the period's pinned cases (township rows on a map).</param>
public sealed record MetricsRow(string PeriodKey, string Key, decimal? Latitude, decimal? Longitude, Figures Figures);

/// <summary>
/// Computes the figures of README "Metrics" for several periods at once, optionally split by a
/// dimension, in one statement over the cases that can matter: those open now and those with any
/// date (submitted, decided, resolved, evaluated, reviewed, deadlines) from the first period's start
/// on. Each case is tied to the periods its dates fall in (at most seven), so a year split into 53
/// weeks reads each case once, not 53 times. The backlog is a running sum: +1 in the period a case
/// was filed in, −1 in the one it was finished in, counted from before the first period.
/// </summary>
public sealed class MetricsCalculator(ReadDatabase database, BureauClock clock, FeedbackOptions options)
{
    private const string Before = "<";

    /// <summary>The period cut into calendar months ("2026-03") or ISO weeks ("2026-W09"), clipped to it at the edges.</summary>
    public Task<IReadOnlyList<MetricsRow>> ComputeByTimeAsync(MetricsPeriod period, bool weeks, MetricsFilter filter, CancellationToken cancellationToken) =>
        ComputeAsync(weeks ? Weeks(period) : Months(period), filter, null, cancellationToken);

    public static IReadOnlyList<(string Key, MetricsPeriod Period)> Months(MetricsPeriod period)
    {
        var buckets = new List<(string, MetricsPeriod)>();
        for (var start = period.From; start <= period.To;)
        {
            var next = new DateOnly(start.Year, start.Month, 1).AddMonths(1);
            var end = next.AddDays(-1) < period.To ? next.AddDays(-1) : period.To;
            buckets.Add((start.ToString("yyyy-MM", CultureInfo.InvariantCulture), new MetricsPeriod(start, end)));
            start = next;
        }
        return buckets;
    }

    public static IReadOnlyList<(string Key, MetricsPeriod Period)> Weeks(MetricsPeriod period)
    {
        var buckets = new List<(string, MetricsPeriod)>();
        for (var start = period.From; start <= period.To;)
        {
            var monday = start.AddDays(-(((int)start.DayOfWeek + 6) % 7));
            var sunday = monday.AddDays(6) < period.To ? monday.AddDays(6) : period.To;
            var date = start.ToDateTime(TimeOnly.MinValue);
            buckets.Add(($"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):00}", new MetricsPeriod(start, sunday)));
            start = sunday.AddDays(1);
        }
        return buckets;
    }

    private sealed record FlowRow(
        string PeriodKey, string Key, long Volume, long Merged, long Accepted, long Rejected, long AwaitingDecision,
        long ResponseNumerator, long ResponseDenominator, long OnTimeNumerator, long OnTimeDenominator,
        long Evaluations, long Solved, long Satisfied, long BasicallySatisfied, long Reviews, long ReviewDenominator,
        long DecideCount, long ResolveCount, long Overdue, long Supports,
        double? Latitude, double? Longitude, long BacklogDelta);

    /// <summary>Contiguous periods in time order (each key distinct), e.g. previous then current.</summary>
    public async Task<IReadOnlyList<MetricsRow>> ComputeAsync(IReadOnlyList<(string Key, MetricsPeriod Period)> periods, MetricsFilter filter,
        MetricsDimension? by, CancellationToken cancellationToken)
    {
        var first = periods[0].Period.From;
        var parameters = new DynamicParameters();
        parameters.Add("first", first);
        parameters.Add("scanFrom", clock.StartOf(first));
        parameters.Add("tz", options.TimeZone.Id);
        parameters.Add("today", clock.Today);
        // Which period holds a date: width_bucket finds it among the periods' first days (one look-up
        // per date, whatever the number of periods); 0 is before them all, one past the last is after.
        parameters.Add("bounds", periods.Select(p => p.Period.From).Append(periods[^1].Period.To.AddDays(1)).ToArray());
        parameters.Add("labels", periods.Select(p => p.Key).Prepend(Before).ToArray());
        parameters.Add("instantBounds", periods.Select(p => clock.StartOf(p.Period.From)).Append(clock.StartOf(periods[^1].Period.To.AddDays(1))).ToArray());

        var where = filter.Conditions(parameters);
        where.Add("""
            (c.status in ('submitted', 'accepted', 'in_progress') or c.submitted_at >= @scanFrom or c.decided_at >= @scanFrom
             or c.resolved_at >= @scanFrom or c.evaluated_at >= @scanFrom or c.review_requested_at >= @scanFrom
             or c.accept_by >= @first or c.resolve_by >= @first)
            """);

        var (dimension, join) = by switch
        {
            MetricsDimension.Section => ("c.section_code", ""),
            MetricsDimension.Category => ("c.category_code", ""),
            MetricsDimension.Group => ("g.group_code", "join categories g on g.code = c.category_code"),
            MetricsDimension.Township => ("coalesce(c.township, '')", ""),
            MetricsDimension.Channel => ("c.channel", ""),
            _ => ("''", ""),
        };
        static string Bucket(string date) => $"(@labels::text[])[width_bucket({date}, @bounds::date[]) + 1]";
        // The same for an instant, against the instants the bureau's days begin: no time-zone
        // conversion per case and date, which was most of the statement's time.
        static string BucketOf(string instant) => $"(@labels::text[])[width_bucket({instant}, @instantBounds::timestamptz[]) + 1]";
        var filters = string.Join(" and ", where);

        // Each case is tagged with the period of each of its dates (b_submitted…) and with what the
        // figures ask of it (decided on time…); cases alike in all of these are counted together
        // (a few thousand groups for a million cases). Each group is then repeated once per distinct
        // period among its tags (filed and decided in the same month: one row for that month), so
        // "decided in the period" is b_decided = period, and "either date in the period, counted once"
        // an OR of two such tests on one row. Rows of '<' (dates before the first period) carry only
        // the backlog's steps. The working-hour percentiles, which need every value sorted, come from
        // a second statement.
        string[] tags = ["b_submitted", "b_decided", "b_resolved", "b_evaluated", "b_reviewed", "b_accept_due", "b_resolve_due", "b_finished"];
        var distinctTags = string.Join(", ", tags.Select((tag, i) => i == 0 ? tag
            : $"case when {string.Join(" and ", tags.Take(i).Select(earlier => $"{tag} is distinct from {earlier}"))} then {tag} end"));

        const string Alike = "dim, merged, rejected, decided, decided_on_time, acceptance_deadline_passed, resolved, resolved_on_time, " +
            "resolution_deadline_passed, solved, satisfaction, b_submitted, b_decided, b_resolved, b_evaluated, b_reviewed, b_accept_due, b_resolve_due, b_finished";
        var sql = $"""
            with c as (
                select {dimension} as dim, c.status = 'merged' as merged, c.status = 'rejected' as rejected,
                       c.decided_at is not null as decided, (c.decided_at at time zone @tz)::date <= c.accept_by as decided_on_time,
                       c.accept_by < @today as acceptance_deadline_passed,
                       c.resolved_at is not null as resolved, (c.resolved_at at time zone @tz)::date <= c.resolve_by as resolved_on_time,
                       c.resolve_by < @today as resolution_deadline_passed,
                       c.evaluation_solved = 'yes' as solved, c.evaluation_satisfaction as satisfaction,
                       c.support_count, c.latitude, c.longitude,
                       {BucketOf("c.submitted_at")} as b_submitted,
                       {BucketOf("c.decided_at")} as b_decided,
                       {BucketOf("c.resolved_at")} as b_resolved,
                       {BucketOf("c.evaluated_at")} as b_evaluated,
                       {BucketOf("c.review_requested_at")} as b_reviewed,
                       {Bucket("c.accept_by")} as b_accept_due,
                       {Bucket("c.resolve_by")} as b_resolve_due,
                       {BucketOf("case when c.status = 'rejected' then c.decided_at else c.resolved_at end")} as b_finished
                from complaints c {join}
                where {filters}
            ),
            alike as (
                select {Alike}, count(*) as n, sum(support_count) as supports,
                       count(latitude) as pinned, sum(latitude) as latitude_sum, sum(longitude) as longitude_sum
                from c
                group by {Alike}
            ),
            tagged as (
                select alike.*, t.period_key from alike cross join lateral unnest(array[{distinctTags}]) as t (period_key)
                where t.period_key is not null
            ),
            f as (
                select *,
                       not merged and b_submitted = period_key as submitted_in,
                       merged and b_submitted = period_key as merged_in,
                       not merged and b_decided = period_key as decided_in,
                       not merged and b_resolved = period_key as resolved_in,
                       not merged and b_evaluated = period_key as evaluated_in,
                       not merged and b_reviewed = period_key as reviewed_in,
                       not merged and b_accept_due = period_key as accept_due_in,
                       not merged and b_resolve_due = period_key as resolve_due_in,
                       case when merged then 0 else (b_submitted = period_key)::int - (b_finished is not distinct from period_key)::int end as backlog_step
                from tagged
            ),
            g as (
                select *,
                       accept_due_in and acceptance_deadline_passed and coalesce(not decided_on_time, true) as missed_acceptance,
                       resolve_due_in and resolution_deadline_passed and coalesce(not resolved_on_time, true) as missed_resolution
                from f
            )
            select period_key, dim as key,
                   coalesce(sum(n) filter (where submitted_in), 0)::bigint as volume,
                   coalesce(sum(n) filter (where merged_in), 0)::bigint as merged,
                   coalesce(sum(n) filter (where submitted_in and decided and not rejected), 0)::bigint as accepted,
                   coalesce(sum(n) filter (where submitted_in and rejected), 0)::bigint as rejected,
                   coalesce(sum(n) filter (where submitted_in and not decided), 0)::bigint as awaiting_decision,
                   coalesce(sum(n) filter (where (decided_in or accept_due_in) and decided_on_time), 0)::bigint as response_numerator,
                   coalesce(sum(n) filter (where decided_in or (accept_due_in and (decided or acceptance_deadline_passed))), 0)::bigint as response_denominator,
                   coalesce(sum(n) filter (where resolved_in and resolved_on_time), 0)::bigint as on_time_numerator,
                   coalesce(sum(n) filter (where resolved_in or missed_resolution), 0)::bigint as on_time_denominator,
                   coalesce(sum(n) filter (where evaluated_in), 0)::bigint as evaluations,
                   coalesce(sum(n) filter (where evaluated_in and solved), 0)::bigint as solved,
                   coalesce(sum(n) filter (where evaluated_in and satisfaction = 'satisfied'), 0)::bigint as satisfied,
                   coalesce(sum(n) filter (where evaluated_in and satisfaction = 'basically_satisfied'), 0)::bigint as basically_satisfied,
                   coalesce(sum(n) filter (where reviewed_in), 0)::bigint as reviews,
                   coalesce(sum(n) filter (where resolved_in or reviewed_in), 0)::bigint as review_denominator,
                   coalesce(sum(n) filter (where decided_in), 0)::bigint as decide_count,
                   coalesce(sum(n) filter (where resolved_in), 0)::bigint as resolve_count,
                   coalesce(sum(n) filter (where missed_acceptance or missed_resolution), 0)::bigint as overdue,
                   coalesce(sum(supports) filter (where submitted_in), 0)::bigint as supports,
                   sum(latitude_sum) filter (where submitted_in) / nullif(sum(pinned) filter (where submitted_in), 0)::float8 as latitude,
                   sum(longitude_sum) filter (where submitted_in) / nullif(sum(pinned) filter (where submitted_in), 0)::float8 as longitude,
                   coalesce(sum(n * backlog_step), 0)::bigint as backlog_delta
            from g
            group by period_key, dim;

            select x.what, x.period_key, x.dim as key,
                   (percentile_cont(array[0.5, 0.9]) within group (order by x.hours))[1] as median,
                   (percentile_cont(array[0.5, 0.9]) within group (order by x.hours))[2] as p90
            from complaints c {join}
            cross join lateral (values
                ('decide', {BucketOf("c.decided_at")}, {dimension}, c.decide_hours),
                ('resolve', {BucketOf("c.resolved_at")}, {dimension}, c.resolve_hours)
            ) as x (what, period_key, dim, hours)
            where {filters} and c.status <> 'merged' and (c.decided_at >= @scanFrom or c.resolved_at >= @scanFrom)
              and x.period_key is not null and x.period_key <> '{Before}'
            group by x.what, x.period_key, x.dim;
            """;

        return await ReadAsync(sql, parameters, periods, cancellationToken);
    }

    private sealed record PercentileRow(string What, string PeriodKey, string Key, double? Median, double? P90);

    private async Task<IReadOnlyList<MetricsRow>> ReadAsync(string sql, DynamicParameters parameters,
        IReadOnlyList<(string Key, MetricsPeriod Period)> periods, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // One snapshot for both statements, and settings for them alone: work_mem to sort a year of
        // working hours in memory rather than in temporary files; no JIT, whose compiling of these
        // wide expressions cost more than it saved.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("set local work_mem = '64MB'; set local jit = off", transaction: transaction, cancellationToken: cancellationToken));
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
        var found = (await results.ReadAsync<FlowRow>()).ToList();
        var percentiles = (await results.ReadAsync<PercentileRow>()).ToDictionary(r => (r.What, r.PeriodKey, r.Key));
        await transaction.CommitAsync(cancellationToken);

        var flows = found.Where(r => r.PeriodKey != Before).ToDictionary(r => (r.PeriodKey, r.Key));
        var backlogDeltas = found.ToLookup(r => r.Key);
        var settings = options.Metrics;
        var rows = new List<MetricsRow>();
        foreach (var key in backlogDeltas.Select(g => g.Key))
        {
            var deltas = backlogDeltas[key].ToDictionary(d => d.PeriodKey, d => d.BacklogDelta);
            var backlog = deltas.GetValueOrDefault(Before);
            foreach (var (periodKey, _) in periods)
            {
                backlog += deltas.GetValueOrDefault(periodKey);
                if (flows.GetValueOrDefault((periodKey, key)) is not { } flow)
                {
                    rows.Add(new MetricsRow(periodKey, key, null, null, Figures.Empty with { Backlog = backlog }));
                    continue;
                }
                Hours HoursOf(string what, long count) => percentiles.GetValueOrDefault((what, periodKey, key)) is { } p
                    ? new Hours(Round(p.Median, 1), Round(p.P90, 1), count) : new Hours(null, null, count);
                rows.Add(new MetricsRow(periodKey, key, Round(flow.Latitude, 6), Round(flow.Longitude, 6),
                    ToFigures(flow, backlog, settings) with { HoursToDecide = HoursOf("decide", flow.DecideCount), HoursToResolve = HoursOf("resolve", flow.ResolveCount) }));
            }
        }
        return rows;
    }

    private static Figures ToFigures(FlowRow row, long backlog, MetricsSettings settings)
    {
        var response = Rate.Of(row.ResponseNumerator, row.ResponseDenominator);
        var resolution = Rate.Of(row.Solved, row.Evaluations);
        var satisfaction = Rate.Of(row.Satisfied + settings.BasicallySatisfiedFactor * row.BasicallySatisfied, row.Evaluations);
        return new Figures(row.Volume, row.Merged, row.Accepted, row.Rejected, row.AwaitingDecision,
            Rate.Of(row.Accepted, row.Accepted + row.Rejected), response, Rate.Of(row.OnTimeNumerator, row.OnTimeDenominator),
            resolution, satisfaction, Composite(row, settings), row.Evaluations, Rate.Of(row.Reviews, row.ReviewDenominator),
            new Hours(null, null, row.DecideCount), new Hours(null, null, row.ResolveCount), backlog, row.Overdue, row.Supports);
    }

    /// <summary>From the unrounded rates, so rounding happens once.</summary>
    private static decimal? Composite(FlowRow row, MetricsSettings settings)
    {
        if (row.ResponseDenominator == 0 || row.Evaluations == 0) return null;
        var value = settings.ResponseWeight * row.ResponseNumerator / row.ResponseDenominator
                    + settings.ResolutionWeight * row.Solved / row.Evaluations
                    + settings.SatisfactionWeight * (row.Satisfied + settings.BasicallySatisfiedFactor * row.BasicallySatisfied) / row.Evaluations;
        return Math.Round(value, 4, MidpointRounding.AwayFromZero);
    }

    /// <summary>Through decimal, so 18.25 stored as a double rounds to 18.3 as it reads.</summary>
    private static decimal? Round(double? value, int decimals) =>
        value is { } v ? Math.Round((decimal)v, decimals, MidpointRounding.AwayFromZero) : null;
}

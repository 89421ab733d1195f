using System.Globalization;
using Dapper;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Features.Metrics;

/// <summary>Which cases the figures cover (already checked against what the caller may see).</summary>
/// <param name="Categories">The categories to count (one, or a group's); null for all.</param>
/// <param name="ExcludedCategories">Categories never counted (conduct cases, for a section head who may not see them).</param>
public sealed record MetricsFilter(string? Section, IReadOnlyList<string>? Categories, IReadOnlyList<string> ExcludedCategories, string? Township, string? Channel);

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

    /// <summary>Stands for the date in a bucket expression: "which period holds this date" (the key, "&lt;" before them, null after).</summary>
    private const string Day = "§day";

    /// <summary>Contiguous periods in time order (each key distinct), e.g. previous then current.</summary>
    public Task<IReadOnlyList<MetricsRow>> ComputeAsync(IReadOnlyList<(string Key, MetricsPeriod Period)> periods, MetricsFilter filter,
        MetricsDimension? by, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var branches = periods.Select((p, i) =>
        {
            parameters.Add($"last{i}", p.Period.To);
            parameters.Add($"key{i}", p.Key);
            return $"when {Day} <= @last{i} then @key{i}";
        });
        return ComputeAsync(periods, $"case when {Day} < @first then '{Before}' {string.Join(" ", branches)} end", parameters, filter, by, cancellationToken);
    }

    /// <summary>The period cut into calendar months ("2026-03") or ISO weeks ("2026-W09"), clipped to it at the edges.</summary>
    public Task<IReadOnlyList<MetricsRow>> ComputeByTimeAsync(MetricsPeriod period, bool weeks, MetricsFilter filter, CancellationToken cancellationToken)
    {
        var buckets = weeks ? Weeks(period) : Months(period);
        var parameters = new DynamicParameters();
        parameters.Add("to", period.To);
        // The same keys as Weeks/Months below, computed by PostgreSQL for each date.
        var key = weeks ? $"to_char({Day}, 'IYYY-\"W\"IW')" : $"to_char({Day}, 'YYYY-MM')";
        return ComputeAsync(buckets, $"case when {Day} < @first then '{Before}' when {Day} <= @to then {key} end", parameters, filter, null, cancellationToken);
    }

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
        string Kind, string PeriodKey, string Key, long Volume, long Merged, long Accepted, long Rejected, long AwaitingDecision,
        long ResponseNumerator, long ResponseDenominator, long OnTimeNumerator, long OnTimeDenominator,
        long Evaluations, long Solved, long Satisfied, long BasicallySatisfied, long Reviews, long ReviewDenominator,
        double? DecideMedian, double? DecideP90, long DecideCount, double? ResolveMedian, double? ResolveP90, long ResolveCount, long Overdue, long Supports,
        double? Latitude, double? Longitude, long BacklogDelta);

    private async Task<IReadOnlyList<MetricsRow>> ComputeAsync(IReadOnlyList<(string Key, MetricsPeriod Period)> periods, string bucketOfD,
        DynamicParameters parameters, MetricsFilter filter, MetricsDimension? by, CancellationToken cancellationToken)
    {
        var first = periods[0].Period.From;
        parameters.Add("first", first);
        parameters.Add("scanFrom", clock.StartOf(first));
        parameters.Add("tz", options.TimeZone.Id);
        parameters.Add("today", clock.Today);
        parameters.Add("keys", periods.Select(p => p.Key).ToArray());
        parameters.Add("firsts", periods.Select(p => p.Period.From).ToArray());
        parameters.Add("lasts", periods.Select(p => p.Period.To).ToArray());

        var where = new List<string>();
        if (filter.Section is not null) { where.Add("c.section_code = @section"); parameters.Add("section", filter.Section); }
        if (filter.Categories is not null) { where.Add("c.category_code = any(@categories)"); parameters.Add("categories", filter.Categories.ToArray()); }
        if (filter.ExcludedCategories.Count > 0) { where.Add("c.category_code <> all(@excluded)"); parameters.Add("excluded", filter.ExcludedCategories.ToArray()); }
        if (filter.Township is not null) { where.Add("c.township = @township"); parameters.Add("township", filter.Township); }
        if (filter.Channel is not null) { where.Add("c.channel = @channel"); parameters.Add("channel", filter.Channel); }
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
        string Bucket(string date) => bucketOfD.Replace(Day, $"({date})");

        var sql = $"""
            with p (key, first_day, last_day) as (select * from unnest(@keys::text[], @firsts::date[], @lasts::date[])),
            c as (
                select {dimension} as dim, c.status = 'merged' as merged, c.status,
                       c.accept_by, c.resolve_by, c.support_count, c.evaluation_solved, c.evaluation_satisfaction, c.latitude, c.longitude,
                       (c.submitted_at at time zone @tz)::date as submitted_day,
                       (c.decided_at at time zone @tz)::date as decided_day,
                       (c.resolved_at at time zone @tz)::date as resolved_day,
                       (c.evaluated_at at time zone @tz)::date as evaluated_day,
                       (c.review_requested_at at time zone @tz)::date as reviewed_day,
                       ({WorkingHoursUpTo("c.decided_at", "wd")} - {WorkingHoursUpTo("c.submitted_at", "ws")})::float8 as decide_hours,
                       ({WorkingHoursUpTo("c.resolved_at", "wr")} - {WorkingHoursUpTo("c.submitted_at", "ws")})::float8 as resolve_hours
                from complaints c {join}
                left join working_days ws on ws.day = (c.submitted_at at time zone @tz)::date
                left join working_days wd on wd.day = (c.decided_at at time zone @tz)::date
                left join working_days wr on wr.day = (c.resolved_at at time zone @tz)::date
                where {string.Join(" and ", where)}
            ),
            f as (
                select p.key as period_key, c.*,
                       not c.merged and c.submitted_day between p.first_day and p.last_day as submitted_in,
                       c.merged and c.submitted_day between p.first_day and p.last_day as merged_in,
                       not c.merged and c.decided_day between p.first_day and p.last_day as decided_in,
                       not c.merged and c.resolved_day between p.first_day and p.last_day as resolved_in,
                       not c.merged and c.evaluated_day between p.first_day and p.last_day as evaluated_in,
                       not c.merged and c.reviewed_day between p.first_day and p.last_day as reviewed_in,
                       not c.merged and c.accept_by between p.first_day and p.last_day as accept_due_in,
                       not c.merged and c.resolve_by between p.first_day and p.last_day as resolve_due_in
                from c
                cross join lateral (
                    select distinct k from unnest(array[{Bucket("c.submitted_day")}, {Bucket("c.decided_day")}, {Bucket("c.resolved_day")},
                        {Bucket("c.evaluated_day")}, {Bucket("c.reviewed_day")}, {Bucket("c.accept_by")}, {Bucket("c.resolve_by")}]) as k
                    where k is not null and k <> '{Before}'
                ) b
                join p on p.key = b.k
            ),
            g as (
                select *,
                       accept_due_in and accept_by < @today and (decided_day is null or decided_day > accept_by) as missed_acceptance,
                       resolve_due_in and resolve_by < @today and (resolved_day is null or resolved_day > resolve_by) as missed_resolution
                from f
            )
            select 'flow' as kind, period_key, dim as key,
                   count(*) filter (where submitted_in) as volume,
                   count(*) filter (where merged_in) as merged,
                   count(*) filter (where submitted_in and decided_day is not null and status <> 'rejected') as accepted,
                   count(*) filter (where submitted_in and status = 'rejected') as rejected,
                   count(*) filter (where submitted_in and decided_day is null) as awaiting_decision,
                   count(*) filter (where (decided_in or accept_due_in) and decided_day <= accept_by) as response_numerator,
                   count(*) filter (where decided_in or (accept_due_in and (decided_day is not null or accept_by < @today))) as response_denominator,
                   count(*) filter (where resolved_in and resolved_day <= resolve_by) as on_time_numerator,
                   count(*) filter (where resolved_in or missed_resolution) as on_time_denominator,
                   count(*) filter (where evaluated_in) as evaluations,
                   count(*) filter (where evaluated_in and evaluation_solved = 'yes') as solved,
                   count(*) filter (where evaluated_in and evaluation_satisfaction = 'satisfied') as satisfied,
                   count(*) filter (where evaluated_in and evaluation_satisfaction = 'basically_satisfied') as basically_satisfied,
                   count(*) filter (where reviewed_in) as reviews,
                   count(*) filter (where resolved_in or reviewed_in) as review_denominator,
                   (percentile_cont(array[0.5, 0.9]) within group (order by decide_hours) filter (where decided_in))[1] as decide_median,
                   (percentile_cont(array[0.5, 0.9]) within group (order by decide_hours) filter (where decided_in))[2] as decide_p90,
                   count(*) filter (where decided_in) as decide_count,
                   (percentile_cont(array[0.5, 0.9]) within group (order by resolve_hours) filter (where resolved_in))[1] as resolve_median,
                   (percentile_cont(array[0.5, 0.9]) within group (order by resolve_hours) filter (where resolved_in))[2] as resolve_p90,
                   count(*) filter (where resolved_in) as resolve_count,
                   count(*) filter (where missed_acceptance or missed_resolution) as overdue,
                   coalesce(sum(support_count) filter (where submitted_in), 0) as supports,
                   avg(latitude) filter (where submitted_in and latitude is not null) as latitude,
                   avg(longitude) filter (where submitted_in and longitude is not null) as longitude,
                   0::bigint as backlog_delta
            from g
            group by period_key, dim
            union all
            -- The backlog's steps: +1 in the period a case was filed in, -1 in the one it was finished in.
            select 'backlog', v.key, c.dim, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, 0, null, null, 0, 0, 0, null, null, sum(v.delta)::bigint
            from c cross join lateral (values ({Bucket("c.submitted_day")}, 1),
                                              ({Bucket("case when c.status = 'rejected' then c.decided_day else c.resolved_day end")}, -1)) as v (key, delta)
            where not c.merged and v.key is not null
            group by v.key, c.dim;
            """;

        return await ReadAsync(sql, parameters, periods, cancellationToken);
    }

    /// <summary>Working hours from the calendar's start to the instant (see migration 0015); null for a null instant.</summary>
    private static string WorkingHoursUpTo(string instant, string day) =>
        $"(24 * {day}.ordinal + case when {day}.working then extract(epoch from ({instant} at time zone @tz)::time) / 3600 else 0 end)";

    private async Task<IReadOnlyList<MetricsRow>> ReadAsync(string sql, DynamicParameters parameters,
        IReadOnlyList<(string Key, MetricsPeriod Period)> periods, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var found = (await connection.QueryAsync<FlowRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        var flows = found.Where(r => r.Kind == "flow").ToDictionary(r => (r.PeriodKey, r.Key));
        var backlogDeltas = found.Where(r => r.Kind == "backlog").ToLookup(r => r.Key);

        var settings = options.Metrics;
        var rows = new List<MetricsRow>();
        foreach (var key in flows.Keys.Select(k => k.Key).Concat(backlogDeltas.Select(g => g.Key)).Distinct())
        {
            var deltas = backlogDeltas[key].ToDictionary(d => d.PeriodKey, d => d.BacklogDelta);
            var backlog = deltas.GetValueOrDefault(Before);
            foreach (var (periodKey, _) in periods)
            {
                backlog += deltas.GetValueOrDefault(periodKey);
                var flow = flows.GetValueOrDefault((periodKey, key));
                rows.Add(flow is null
                    ? new MetricsRow(periodKey, key, null, null, Figures.Empty with { Backlog = backlog })
                    : new MetricsRow(periodKey, key, Round(flow.Latitude, 6), Round(flow.Longitude, 6), ToFigures(flow, backlog, settings)));
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
            new Hours(Round(row.DecideMedian, 1), Round(row.DecideP90, 1), row.DecideCount), new Hours(Round(row.ResolveMedian, 1), Round(row.ResolveP90, 1), row.ResolveCount), backlog, row.Overdue, row.Supports);
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

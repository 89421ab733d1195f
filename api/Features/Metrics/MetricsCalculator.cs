using System.Globalization;
using Dapper;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Features.Metrics;

/// <summary>Which cases the figures cover (already checked against what the caller may see).</summary>
/// <param name="Categories">The categories to count (one, or a group's); null for all.</param>
/// <param name="WithoutConfidential">Leaves out conduct cases, for a section head who may not see them.</param>
public sealed record MetricsFilter(string? Section, IReadOnlyList<string>? Categories, bool WithoutConfidential, string? Township, string? Channel)
{
    /// <summary>The filter as conditions on complaints c, their values added to <paramref name="parameters"/>.</summary>
    public List<string> Conditions(DynamicParameters parameters)
    {
        var conditions = new List<string>();
        if (Section is not null) { conditions.Add("c.section_code = @section"); parameters.Add("section", Section); }
        if (Categories is not null) { conditions.Add("c.category_code = any(@categories)"); parameters.Add("categories", Categories.ToArray()); }
        if (WithoutConfidential)
            conditions.Add("c.category_code not in (select k.code from categories k join category_groups g on g.code = k.group_code where g.confidential)");
        if (Township is not null) { conditions.Add("c.township = @township"); parameters.Add("township", Township); }
        if (Channel is not null) { conditions.Add("c.channel = @channel"); parameters.Add("channel", Channel); }
        return conditions;
    }

    /// <summary>The filter as conditions on rows r of the metrics counters or their change log (migration 0018).</summary>
    public List<string> CounterConditions(DynamicParameters parameters)
    {
        var conditions = new List<string>();
        if (Section is not null) { conditions.Add("r.section_code = @section"); parameters.Add("section", Section); }
        if (Categories is not null) { conditions.Add("r.category_code = any(@categories)"); parameters.Add("categories", Categories.ToArray()); }
        if (WithoutConfidential) conditions.Add("not r.confidential");
        if (Township is not null) { conditions.Add("r.township = @township"); parameters.Add("township", Township); }
        if (Channel is not null) { conditions.Add("r.channel = @channel"); parameters.Add("channel", Channel); }
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
/// Computes the figures defined in docs/metrics.md for several periods at once, optionally split by a
/// dimension, in one statement: sums of the facts of <see cref="MetricsFacts"/> by period, read
/// from the stored counters (migration 0018) or, for what they do not keep (two of category,
/// township and channel at once), from the cases themselves. The backlog, and the pairs of days
/// still open for the "either day in the period" figures, are running sums carried from before the
/// first period.
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

    private sealed record FactRow(string PeriodKey, string Key, short Fact, long N);

    /// <summary>Contiguous periods in time order (each key distinct), e.g. previous then current.</summary>
    public async Task<IReadOnlyList<MetricsRow>> ComputeAsync(IReadOnlyList<(string Key, MetricsPeriod Period)> periods, MetricsFilter filter,
        MetricsDimension? by, CancellationToken cancellationToken)
    {
        var first = periods[0].Period.From;
        var last = periods[^1].Period.To;
        var today = clock.Today;
        var parameters = new DynamicParameters();
        parameters.Add("first", first);
        parameters.Add("last", last);
        parameters.Add("today", today);
        parameters.Add("tz", options.TimeZone.Id);
        parameters.Add("hourSteps", MetricsFacts.HourSteps);
        parameters.Add("history", MetricsFacts.History);
        parameters.Add("passedOnly", MetricsFacts.PassedOnly);
        // Which period holds a day: width_bucket finds it among the periods' first days; 0 is before
        // them all, one past the last is after.
        parameters.Add("bounds", periods.Select(p => p.Period.From).Append(last.AddDays(1)).ToArray());
        parameters.Add("labels", periods.Select(p => p.Key).Prepend(Before).ToArray());
        // The days just outside each period, for pairs of days lying strictly around it; for facts
        // counted only once their deadline has passed, the period ends yesterday at the latest.
        parameters.Add("keys", periods.Select(p => p.Key).ToArray());
        parameters.Add("lows", periods.Select(p => p.Period.From.AddDays(-1)).ToArray());
        parameters.Add("highs", periods.Select(p => p.Period.To.AddDays(1)).ToArray());
        parameters.Add("passedHighs", periods.Select(p => Later(Earlier(p.Period.To, today.AddDays(-1)), p.Period.From.AddDays(-1)).AddDays(1)).ToArray());

        var sql = Level(filter, by) is { } level ? StoredSql(periods, filter, by, level, today, parameters) : CasesSql(filter, by, parameters);

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // One snapshot for the counters and the changes not folded into them yet; no JIT, whose
        // compiling of these long statements costs more than it saves.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("set local jit = off", transaction: transaction, cancellationToken: cancellationToken));
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
        var facts = (await results.ReadAsync<FactRow>()).ToList();
        await transaction.CommitAsync(cancellationToken);
        return Assemble(periods, facts);
    }

    private static DateOnly Earlier(DateOnly a, DateOnly b) => a < b ? a : b;
    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;

    /// <summary>The facts of rows r (day, fact, n, key) by period and key, days after the last period and facts of no use left out.</summary>
    private const string FactsByPeriod = """
        select (@labels::text[])[width_bucket(r.day, @bounds::date[]) + 1] as period_key, r.key, r.fact, sum(r.n)::bigint as n
        from fact_rows r
        where r.day <= @last and (r.day >= @first or r.fact = any(@history)) and not (r.fact = any(@passedOnly) and r.day >= @today)
        group by 1, 2, 3
        having sum(r.n) <> 0
        """;

    /// <summary>Pairs of days (rows r of kind, lo, hi, n) lying strictly around a period, as fact -kind.</summary>
    private static string SpansAround(string rows, string key, string conditions, bool indexed)
    {
        // The GiST index of metrics_spans answers "contains"; the changes not folded yet are few.
        string Around(string high) => indexed
            ? $"daterange(r.lo, r.hi, '[]') @> daterange(p.low, p.{high}, '[]')"
            : $"r.lo <= p.low and r.hi >= p.{high}";
        return $"""
            select p.key as period_key, {key} as key, (-r.kind)::smallint as fact, r.n
            from unnest(@keys::text[], @lows::date[], @highs::date[], @passedHighs::date[]) as p (key, low, high, passed_high)
            join {rows} on {Around("high")}
            where r.kind <> {MetricsFacts.Overdue.First} and {conditions}
            union all
            select p.key as period_key, {key} as key, (-r.kind)::smallint as fact, r.n
            from unnest(@keys::text[], @lows::date[], @highs::date[], @passedHighs::date[]) as p (key, low, high, passed_high)
            join {rows} on {Around("passed_high")}
            where r.kind = {MetricsFacts.Overdue.First} and {conditions}
            """;
    }

    /// <summary>
    /// The level of the counters (migration 0018) that answers the filter and dimension: by section and
    /// category (1), by section (2), the bureau's (3), by section and township (4), by township (5),
    /// by section and channel (6), by channel (7); null for what no level keeps (two of category,
    /// township and channel at once).
    /// </summary>
    private static int? Level(MetricsFilter filter, MetricsDimension? by)
    {
        var category = filter.Categories is not null || by is MetricsDimension.Category or MetricsDimension.Group;
        var township = filter.Township is not null || by == MetricsDimension.Township;
        var channel = filter.Channel is not null || by == MetricsDimension.Channel;
        var section = filter.Section is not null || by == MetricsDimension.Section;
        return (category, township, channel) switch
        {
            (true, false, false) => 1,
            (false, false, false) => section ? 2 : 3,
            (false, true, false) => section ? 4 : 5,
            (false, false, true) => section ? 6 : 7,
            _ => null,
        };
    }

    /// <summary>The dimension's value of a row (of the counters, their change log or complaints), with the join it needs.</summary>
    private static (string Key, string Join) KeyOf(MetricsDimension? by, string row = "r") => by switch
    {
        MetricsDimension.Section => ($"{row}.section_code", ""),
        MetricsDimension.Category => ($"{row}.category_code", ""),
        MetricsDimension.Group => ("g.group_code", $"join categories g on g.code = {row}.category_code"),
        MetricsDimension.Township => ($"coalesce({row}.township, '')", ""),
        MetricsDimension.Channel => ($"{row}.channel", ""),
        _ => ("''", ""),
    };

    /// <summary>
    /// From the stored counters (docs/metrics.md, "How the figures are stored"), at the level that
    /// answers with the fewest rows, calendar months where a period holds a whole month that has
    /// ended (or this month up to today) and single days elsewhere; plus the changes
    /// not folded yet.
    /// </summary>
    private static string StoredSql(IReadOnlyList<(string Key, MetricsPeriod Period)> periods, MetricsFilter filter, MetricsDimension? by,
        int level, DateOnly today, DynamicParameters parameters)
    {
        var first = periods[0].Period.From;
        var historyMonth = new DateOnly(first.Year, first.Month, 1);
        var months = new List<DateOnly>();
        var days = new List<DateOnly>();
        var passedDays = new List<DateOnly>();
        var laterDays = new List<DateOnly>();
        DateOnly? currentMonth = null;
        for (var day = historyMonth; day < first; day = day.AddDays(1)) days.Add(day);
        foreach (var (_, period) in periods)
            for (var day = period.From; day <= period.To;)
            {
                var month = new DateOnly(day.Year, day.Month, 1);
                var monthEnd = month.AddMonths(1).AddDays(-1);
                // This month so far, when the last period holds it from its first day through today:
                // the month's counters, less its days after the period (deadlines to come, mostly),
                // and without the facts counted once their deadline has passed, read day by day up
                // to yesterday.
                var current = period == periods[^1].Period && month <= today && today <= monthEnd && period.To >= today;
                if (day == month && (monthEnd <= period.To && monthEnd < today || current))
                {
                    months.Add(month);
                    if (current)
                    {
                        currentMonth = month;
                        for (var passed = month; passed < today; passed = passed.AddDays(1)) passedDays.Add(passed);
                        for (var later = period.To.AddDays(1); later <= monthEnd; later = later.AddDays(1)) laterDays.Add(later);
                    }
                    day = monthEnd.AddDays(1);
                }
                else
                {
                    days.Add(day);
                    day = day.AddDays(1);
                }
            }
        parameters.Add("historyMonth", historyMonth);
        parameters.Add("months", months.ToArray());
        parameters.Add("days", days.ToArray());
        parameters.Add("currentMonth", currentMonth);
        parameters.Add("passedDays", passedDays.ToArray());
        parameters.Add("laterDays", laterDays.ToArray());

        parameters.Add("level", level);
        var conditions = string.Join(" and ", filter.CounterConditions(parameters).Prepend("true"));
        var (key, join) = KeyOf(by);
        string Counters(string which, string day = "r.day", string n = "r.n") =>
            $"select {day}, r.fact, {n}, {key} as key from metrics_facts r {join} where r.level = @level and {which} and {conditions}";
        return $"""
            with pending as (
                select r.sign, {MetricsFacts.Image("r")}, r.confidential, {key} as key
                from (select m.*, cg.confidential
                      from metrics_changes m join categories k on k.code = m.category_code join category_groups cg on cg.code = k.group_code) as r
                {join}
                where {conditions}
            ),
            {MetricsFacts.Expand("pending")},
            fact_rows as (
                {Counters("r.grain = 'm' and r.day < @historyMonth and r.fact = any(@history)")}
                union all
                {Counters("r.grain = 'm' and r.day = any(@months) and not (r.day is not distinct from @currentMonth and r.fact = any(@passedOnly))")}
                union all
                {Counters("r.grain = 'd' and r.day = any(@passedDays) and r.fact = any(@passedOnly)")}
                union all
                {Counters("r.grain = 'd' and r.day = any(@laterDays) and r.fact <> all(@passedOnly)", day: "@currentMonth", n: "-r.n")}
                union all
                {Counters("r.grain = 'd' and r.day = any(@days)")}
                union all
                select day, fact, n, key from case_facts
            )
            {FactsByPeriod}
            union all
            select period_key, key, fact, sum(n)::bigint from (
                {SpansAround($"metrics_spans r {join}", key, $"r.level = @level and {conditions}", indexed: true)}
                union all
                {SpansAround("case_spans r", "r.key", "true", indexed: false)}
            ) as spans
            group by 1, 2, 3
            having sum(n) <> 0
            """;
    }

    /// <summary>From the cases themselves, for what the counters do not keep (two of category, township and channel at once).</summary>
    private string CasesSql(MetricsFilter filter, MetricsDimension? by, DynamicParameters parameters)
    {
        var first = parameters.Get<DateOnly>("first");
        parameters.Add("scanFrom", clock.StartOf(first));
        var where = filter.Conditions(parameters);
        // Cases whose every date is before the first period, and that are finished, count for nothing.
        where.Add("""
            (c.status in ('submitted', 'accepted', 'in_progress') or c.submitted_at >= @scanFrom or c.decided_at >= @scanFrom
             or c.resolved_at >= @scanFrom or c.evaluated_at >= @scanFrom or c.review_requested_at >= @scanFrom
             or c.accept_by >= @first or c.resolve_by >= @first)
            """);
        var (key, join) = KeyOf(by, "c");
        return $"""
            with images as (
                select 1::smallint as sign, {MetricsFacts.Image("c")}, cg.confidential, {key} as key
                from complaints c join categories k on k.code = c.category_code join category_groups cg on cg.code = k.group_code {join}
                where {string.Join(" and ", where)}
            ),
            {MetricsFacts.Expand("images")},
            fact_rows as (select day, fact, n, key from case_facts)
            {FactsByPeriod}
            union all
            select period_key, key, fact, sum(n)::bigint from ({SpansAround("case_spans r", "r.key", "true", indexed: false)}) as spans
            group by 1, 2, 3
            """;
    }

    /// <summary>
    /// The figures of each key and period from the summed facts. What is carried from one period to
    /// the next: the backlog, and for each "either day" figure the pairs opened and not yet closed.
    /// </summary>
    private IReadOnlyList<MetricsRow> Assemble(IReadOnlyList<(string Key, MetricsPeriod Period)> periods, List<FactRow> facts)
    {
        var byKey = facts.GroupBy(f => f.Key);
        var settings = options.Metrics;
        var rows = new List<MetricsRow>();
        foreach (var keyFacts in byKey)
        {
            var sums = keyFacts.GroupBy(f => f.PeriodKey).ToDictionary(g => g.Key, g => g.ToDictionary(f => f.Fact, f => f.N));
            var before = sums.GetValueOrDefault(Before) ?? [];
            long backlog = 0;
            var open = MetricsFacts.Unions.ToDictionary(u => u, _ => 0L);
            Carry(before);
            var keyRows = new List<MetricsRow>();
            foreach (var (periodKey, _) in periods)
            {
                var f = sums.GetValueOrDefault(periodKey) ?? [];
                long Count(short fact) => f.GetValueOrDefault(fact);
                long Union(MetricsFacts.Union u) =>
                    Count(u.First) + (u.Due is { } due ? Count(due) : 0) + open[u] - Count((short)-u.First);
                var figures = ToFigures(Count, Union, backlog + Count(MetricsFacts.Volume) - Count(MetricsFacts.Finished), f, settings);
                var pinned = Count(MetricsFacts.Pinned);
                keyRows.Add(new MetricsRow(periodKey, keyFacts.Key, MeanPin(Count(MetricsFacts.LatitudeMicro), pinned),
                    MeanPin(Count(MetricsFacts.LongitudeMicro), pinned), figures));
                Carry(f);
            }
            // A key shows when some case touches one of its periods (as the breakdown's rows).
            if (keyRows.Any(r => !IsEmpty(r.Figures))) rows.AddRange(keyRows);

            void Carry(Dictionary<short, long> periodFacts)
            {
                backlog += periodFacts.GetValueOrDefault(MetricsFacts.Volume) - periodFacts.GetValueOrDefault(MetricsFacts.Finished);
                foreach (var u in MetricsFacts.Unions)
                    open[u] += periodFacts.GetValueOrDefault(u.From) - periodFacts.GetValueOrDefault(u.Until);
            }
        }
        return rows;
    }

    private static bool IsEmpty(Figures f) => f.Volume == 0 && f.Merged == 0 && f.ResponseRate.Denominator == 0 && f.OnTimeRate.Denominator == 0
        && f.Evaluations == 0 && f.ReviewRate.Denominator == 0 && f.HoursToDecide.Count == 0 && f.HoursToResolve.Count == 0
        && f.Backlog == 0 && f.Overdue == 0 && f.Supports == 0;

    private static Figures ToFigures(Func<short, long> count, Func<MetricsFacts.Union, long> union, long backlog,
        IReadOnlyDictionary<short, long> facts, MetricsSettings settings)
    {
        long accepted = count(MetricsFacts.Accepted), rejected = count(MetricsFacts.Rejected), evaluations = count(MetricsFacts.Evaluations);
        long responseOnTime = union(MetricsFacts.ResponseOnTime), responses = union(MetricsFacts.Response);
        long solved = count(MetricsFacts.Solved);
        var satisfied = count(MetricsFacts.Satisfied) + settings.BasicallySatisfiedFactor * count(MetricsFacts.BasicallySatisfied);
        decimal? composite = responses == 0 || evaluations == 0 ? null
            : Math.Round(settings.ResponseWeight * responseOnTime / responses + settings.ResolutionWeight * solved / evaluations
                         + settings.SatisfactionWeight * satisfied / evaluations, 4, MidpointRounding.AwayFromZero);
        return new Figures(count(MetricsFacts.Volume), count(MetricsFacts.Merged), accepted, rejected, count(MetricsFacts.AwaitingDecision),
            Rate.Of(accepted, accepted + rejected), Rate.Of(responseOnTime, responses),
            Rate.Of(count(MetricsFacts.ResolvedOnTime), union(MetricsFacts.OnTime)),
            Rate.Of(solved, evaluations), Rate.Of(satisfied, evaluations), composite, evaluations,
            Rate.Of(count(MetricsFacts.Reviews), union(MetricsFacts.ReviewBase)),
            HoursOf(facts, MetricsFacts.DecideStep), HoursOf(facts, MetricsFacts.ResolveStep),
            backlog, union(MetricsFacts.Overdue), count(MetricsFacts.Supports));
    }

    /// <summary>
    /// The median and the 90th percentile of hours counted in steps (facts step + 1…): the grouped-data
    /// formula, lower edge + (p × n − cases below the step) ÷ cases in the step × the step's width;
    /// the last step, open-ended, gives its lower edge.
    /// </summary>
    private static Hours HoursOf(IReadOnlyDictionary<short, long> facts, short step)
    {
        var steps = MetricsFacts.HourSteps;
        var counts = new long[steps.Length];
        for (var i = 0; i < steps.Length; i++) counts[i] = facts.GetValueOrDefault((short)(step + i + 1));
        var total = counts.Sum();
        return total == 0 ? new Hours(null, null, 0) : new Hours(Percentile(0.5m), Percentile(0.9m), total);

        decimal Percentile(decimal p)
        {
            var target = p * total;
            long below = 0;
            for (var i = 0; ; i++)
            {
                if (counts[i] > 0 && below + counts[i] >= target)
                {
                    var lower = steps[i];
                    var width = i + 1 < steps.Length ? steps[i + 1] - lower : 0;
                    return Math.Round(lower + (target - below) / counts[i] * width, 1, MidpointRounding.AwayFromZero);
                }
                below += counts[i];
            }
        }
    }

    /// <summary>The mean of pins summed in micro-degrees, to the micro-degree.</summary>
    private static decimal? MeanPin(long microDegrees, long pinned) =>
        pinned == 0 ? null : Math.Round(microDegrees / 1_000_000m / pinned, 6, MidpointRounding.AwayFromZero);
}

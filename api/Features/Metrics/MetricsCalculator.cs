using System.Globalization;
using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

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

    /// <summary>The dimensions the filter sets (<see cref="MetricsCounters"/>).</summary>
    public short Dimensions => (short)((Section is null ? 0 : MetricsCounters.Section) | (Categories is null ? 0 : MetricsCounters.Category)
                                       | (Township is null ? 0 : MetricsCounters.Township) | (Channel is null ? 0 : MetricsCounters.Channel));

    /// <summary>The filter as conditions on metrics_combinations k of a level holding its dimensions.</summary>
    public string CombinationConditions(NpgsqlParameterCollection parameters)
    {
        var conditions = new List<string>();
        if (Section is not null) { conditions.Add("k.section_code = @section"); parameters.AddWithValue("section", Section); }
        if (Categories is not null) { conditions.Add("k.category_code = any(@categories)"); parameters.AddWithValue("categories", Categories.ToArray()); }
        if (WithoutConfidential) conditions.Add("not k.confidential");
        if (Township is not null) { conditions.Add("k.township = @township"); parameters.AddWithValue("township", Township); }
        if (Channel is not null) { conditions.Add("k.channel = @channel"); parameters.AddWithValue("channel", Channel); }
        return string.Join(" and ", conditions.Prepend("true"));
    }

    public bool Matches(in CaseImage c) =>
        (Section is null || c.Section == Section) && (Categories is null || Categories.Contains(c.Category)) && !(WithoutConfidential && c.Confidential)
        && (Township is null || c.Township == Township) && (Channel is null || c.Channel == Channel);
}

/// <summary>What a breakdown splits the cases by (month and week split the period instead).</summary>
public enum MetricsDimension { Section, Category, Group, Township, Channel }

/// <param name="PeriodKey">The period's key as given (or the month/week key).</param>
/// <param name="Key">The dimension's value ("" without a dimension, and for cases without a township).</param>
/// <param name="Latitude">Mean pin of the period's pinned cases (township rows on a map).</param>
public sealed record MetricsRow(string PeriodKey, string Key, decimal? Latitude, decimal? Longitude, Figures Figures);

/// <summary>
/// Computes the figures defined in docs/metrics.md for several periods at once, optionally split by a
/// dimension: sums of the facts of <see cref="MetricsFacts"/> by period, read from the counters
/// (<see cref="MetricsCounters"/>) of the level that keeps the dimensions asked for, plus the
/// changes not folded into them yet, in one snapshot. The backlog, and the pairs of days still open
/// for the "either day in the period" figures, are running sums carried from before the first period.
/// </summary>
public sealed class MetricsCalculator(ReadDatabase database, BureauClock clock, FeedbackOptions options, CategoryCatalog catalog)
{
    /// <summary>
    /// Beyond this many changes not folded yet (a bulk load, a recount after an upgrade), the figures
    /// are "being computed" (503) until the folder has caught up: adding them on every request would
    /// take seconds and slow the folding down.
    /// </summary>
    public const int MaxUnfolded = 10_000;

    private static readonly bool[] PassedOnlyColumns = MetricsFacts.Counted.Select(c => MetricsFacts.PassedOnly.Contains(c.Fact)).ToArray();

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

    /// <summary>Contiguous periods in time order (each key distinct), e.g. previous then current.</summary>
    public async Task<IReadOnlyList<MetricsRow>> ComputeAsync(IReadOnlyList<(string Key, MetricsPeriod Period)> periods, MetricsFilter filter,
        MetricsDimension? by, CancellationToken cancellationToken)
    {
        var today = clock.Today;
        var level = (short)(filter.Dimensions | DimensionOf(by));
        var groups = by == MetricsDimension.Group ? (await catalog.ListAllCategoriesAsync()).ToDictionary(c => c.Code, c => c.GroupCode) : null;
        string KeyOf(string section, string category, string township, string channel) => by switch
        {
            MetricsDimension.Section => section,
            MetricsDimension.Category => category,
            MetricsDimension.Group => groups!.GetValueOrDefault(category, category),
            MetricsDimension.Township => township,
            MetricsDimension.Channel => channel,
            _ => "",
        };

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // One snapshot for the counters and the changes not folded into them yet.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var command = new NpgsqlCommand(null, connection, transaction);
        var sql = Statements(periods, filter, level, today, command.Parameters);
        command.CommandText = sql;
        var sums = new FactSums(periods.Count);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var unfolded = new List<CaseImage>();
            while (await reader.ReadAsync(cancellationToken)) unfolded.Add(MetricsFacts.Read(reader));
            if (unfolded.Count > MaxUnfolded) throw BeingComputed();

            await reader.NextResultAsync(cancellationToken);
            var keys = new Dictionary<int, int>();
            while (await reader.ReadAsync(cancellationToken))
                keys[reader.GetInt32(0)] = sums.KeyOf(KeyOf(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));

            // The periods' counter rows, each with its period and signs: all facts but those counted
            // once their deadline has passed take sign_all, those take sign_passed.
            await reader.NextResultAsync(cancellationToken);
            var counted = MetricsFacts.Counted.Count;
            const int firstColumn = 6;
            while (await reader.ReadAsync(cancellationToken))
            {
                var period = reader.GetInt32(0);
                int signAll = reader.GetInt32(1), signPassed = reader.GetInt32(2);
                var key = keys[reader.GetInt32(5)];
                for (var i = 0; i < counted; i++)
                {
                    var sign = PassedOnlyColumns[i] ? signPassed : signAll;
                    if (sign != 0 && !reader.IsDBNull(firstColumn + i))
                        sums.AddColumn(key, period, i, sign * (FoldSums.Wide[i] ? reader.GetInt64(firstColumn + i) : reader.GetInt32(firstColumn + i)));
                }
                if (signAll != 0)
                    foreach (var (column, step) in new[] { (firstColumn + counted, MetricsFacts.DecideStep), (firstColumn + counted + 1, MetricsFacts.ResolveStep) })
                        if (!reader.IsDBNull(column))
                        {
                            var pairs = Pairs(reader.GetString(column));
                            for (var i = 0; i < pairs.Length; i += 2) sums.Add(key, period, (short)(step + pairs[i]), signAll * pairs[i + 1]);
                        }
                // A day before a short period: its short spans reaching past the period's end lie around it.
                if (reader.GetBoolean(3) && !reader.IsDBNull(firstColumn + counted + 2))
                {
                    var bounds = Bounds(periods[period].Period, today);
                    var lo = reader.GetFieldValue<DateOnly>(4);
                    var pairs = Pairs(reader.GetString(firstColumn + counted + 2));
                    for (var i = 0; i < pairs.Length; i += 2)
                    {
                        var kind = MetricsFacts.Unions[pairs[i] / MetricsCounters.ShortSpanDays].First;
                        if (lo.AddDays(pairs[i] % MetricsCounters.ShortSpanDays) >= bounds.HighFor(kind)) sums.Add(key, period, (short)-kind, pairs[i + 1]);
                    }
                }
            }

            // Before the first period: what is still open when it begins.
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = keys[reader.GetInt32(0)];
                for (var i = 0; i < MetricsFacts.History.Length; i++)
                    if (!reader.IsDBNull(1 + i)) sums.Add(key, sums.Before, MetricsFacts.History[i], reader.GetInt64(1 + i));
            }

            // Pairs of days lying strictly around a period: fact -kind.
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                sums.Add(keys[reader.GetInt32(1)], reader.GetInt32(0), (short)-reader.GetInt16(2), reader.GetInt64(3));

            foreach (var image in unfolded)
                if (filter.Matches(image)) AddUnfolded(sums, image, sums.KeyOf(KeyOf(image.Section, image.Category, image.Township, image.Channel)), periods, today);
        }
        await transaction.CommitAsync(cancellationToken);
        return Assemble(periods, sums);
    }

    /// <summary>A list of counts by index as PostgreSQL writes an int[] ({1,2,3,4}): read as text, which is cheaper than as an array.</summary>
    private static int[] Pairs(string array)
    {
        var values = new int[array.Count(c => c == ',') + 1];
        var span = array.AsSpan(1, array.Length - 2);
        for (var i = 0; i < values.Length; i++)
        {
            var comma = span.IndexOf(',');
            values[i] = int.Parse(comma < 0 ? span : span[..comma], CultureInfo.InvariantCulture);
            span = comma < 0 ? default : span[(comma + 1)..];
        }
        return values;
    }

    private static short DimensionOf(MetricsDimension? by) => by switch
    {
        MetricsDimension.Section => MetricsCounters.Section,
        MetricsDimension.Category or MetricsDimension.Group => MetricsCounters.Category,
        MetricsDimension.Township => MetricsCounters.Township,
        MetricsDimension.Channel => MetricsCounters.Channel,
        _ => 0,
    };

    private static ProblemException BeingComputed() => new(StatusCodes.Status503ServiceUnavailable,
        Lang.Pick("统计数据正在计算中，请稍后再看", "The figures are being computed; please look again shortly"),
        Lang.Pick("大批案件刚刚导入或重新统计（例如升级之后），计算完成前不显示可能不完整的数字。",
            "Many cases have just been loaded or are being counted again (after an upgrade, say); figures that could be incomplete are not shown until that is done."),
        retryAfter: TimeSpan.FromSeconds(30));

    /// <summary>
    /// The statements of one request, in order: the changes not folded (one more than
    /// <see cref="MaxUnfolded"/> at most), the combinations of the level that match the filter, the
    /// counter rows the periods are made of (<see cref="MetricsCounters.Cover"/>), the history's sums
    /// and the spans lying around a period.
    /// </summary>
    private string Statements(IReadOnlyList<(string Key, MetricsPeriod Period)> periods, MetricsFilter filter, short level, DateOnly today,
        NpgsqlParameterCollection parameters)
    {
        var first = periods[0].Period.From;
        var weeks = MetricsCounters.Keeps(level, MetricsCounters.Week);
        // A level without days reads them from the finest level's combinations matching the filter.
        short LevelOf(char grain) => grain == MetricsCounters.Day && !MetricsCounters.Keeps(level, grain) ? MetricsCounters.Every : level;
        // Each period's rows: all facts over its days, those counted once passed over its days
        // before today; and, for a period shorter than a week, the days before it whose short spans
        // may lie around it (MetricsCounters.ShortSpanCode).
        var parts = new Dictionary<(int Period, char Grain, DateOnly Day), (int All, int Passed, bool Short)>();
        void Part(int period, (char Grain, DateOnly Day, int Sign) row, bool passed)
        {
            var (all, passedOnly, shortSpans) = parts.GetValueOrDefault((period, row.Grain, row.Day));
            parts[(period, row.Grain, row.Day)] = passed ? (all, passedOnly + row.Sign, shortSpans) : (all + row.Sign, passedOnly, shortSpans);
        }
        var around = new List<(int Period, int Reach)>();
        for (var p = 0; p < periods.Count; p++)
        {
            var bounds = Bounds(periods[p].Period, today);
            foreach (var row in MetricsCounters.Cover(bounds.From, bounds.To, weeks)) Part(p, row, passed: false);
            foreach (var row in MetricsCounters.Cover(bounds.From, bounds.PassedTo, weeks)) Part(p, row, passed: true);
            for (var lo = bounds.PassedHigh.AddDays(-(MetricsCounters.ShortSpanDays - 1)); lo <= bounds.Low; lo = lo.AddDays(1))
            {
                var (all, passed, _) = parts.GetValueOrDefault((p, MetricsCounters.Day, lo));
                parts[(p, MetricsCounters.Day, lo)] = (all, passed, true);
            }
            // The longer spans that may lie around the period: those long enough, by reach (MetricsCounters.ReachOf).
            for (var reach = MetricsCounters.ReachOf(DateOnly.MinValue, DateOnly.MinValue.AddDays(MetricsCounters.ShortSpanDays)); reach <= MetricsCounters.MaxReach; reach++)
                if (MetricsCounters.LongestOf(reach) >= bounds.PassedHigh.DayNumber - bounds.Low.DayNumber)
                    around.Add((p, reach));
        }
        // Before the first period: whole years, then the first period's year up to it.
        var historyYear = MetricsCounters.YearOf(first);
        var history = MetricsCounters.Cover(historyYear, first.AddDays(-1), weeks);

        var combinations = filter.CombinationConditions(parameters);
        parameters.AddWithValue("level", level);
        parameters.AddWithValue("levels", new[] { level, LevelOf(MetricsCounters.Day) }.Distinct().ToArray());
        parameters.AddWithValue("tz", options.TimeZone.Id);
        parameters.AddWithValue("hourSteps", MetricsFacts.HourSteps);
        parameters.AddWithValue("unfoldedLimit", MaxUnfolded + 1);
        var entries = parts.Where(e => e.Value != default).ToList();
        parameters.AddWithValue("partPeriods", entries.Select(e => e.Key.Period).ToArray());
        parameters.AddWithValue("partLevels", entries.Select(e => LevelOf(e.Key.Grain)).ToArray());
        parameters.AddWithValue("partGrains", entries.Select(e => e.Key.Grain.ToString()).ToArray());
        parameters.AddWithValue("partDays", entries.Select(e => e.Key.Day).ToArray());
        parameters.AddWithValue("partAll", entries.Select(e => e.Value.All).ToArray());
        parameters.AddWithValue("partPassed", entries.Select(e => e.Value.Passed).ToArray());
        parameters.AddWithValue("partShort", entries.Select(e => e.Value.Short).ToArray());
        parameters.AddWithValue("historyYear", historyYear);
        parameters.AddWithValue("historyLevels", history.Select(h => LevelOf(h.Grain)).ToArray());
        parameters.AddWithValue("historyGrains", history.Select(h => h.Grain.ToString()).ToArray());
        parameters.AddWithValue("historyDays", history.Select(h => h.Start).ToArray());
        parameters.AddWithValue("historySigns", history.Select(h => h.Sign).ToArray());
        parameters.AddWithValue("aroundPeriods", around.Select(a => a.Period).ToArray());
        parameters.AddWithValue("aroundLows", around.Select(a => Bounds(periods[a.Period].Period, today).Low).ToArray());
        parameters.AddWithValue("aroundHighs", around.Select(a => Bounds(periods[a.Period].Period, today).High).ToArray());
        parameters.AddWithValue("aroundPassedHighs", around.Select(a => Bounds(periods[a.Period].Period, today).PassedHigh).ToArray());
        parameters.AddWithValue("aroundReaches", around.Select(a => a.Reach).ToArray());

        var columns = string.Join(", ", MetricsFacts.Counted.Select(c => "r." + c.Column));
        // A combination's counter row: looked up by its key for each combination and part (offset 0:
        // not turned into a join, which would read every combination's rows of the day).
        static string Row(string grain, string day) => $"select r.* from metrics_counts r where r.grain = {grain} and r.day = {day} and r.combination = k.id offset 0";
        var historyColumns = MetricsFacts.History.Select(f => MetricsFacts.Counted[MetricsFacts.PositionOf(f)].Column).ToList();
        // No JIT: compiling these statements costs more than it saves.
        return $"""
            set local jit = off;

            select m.sign, {MetricsFacts.Image("m", "g")}
            from metrics_changes m join categories c on c.code = m.category_code join category_groups g on g.code = c.group_code
            limit @unfoldedLimit;

            select k.id, k.section_code, k.category_code, k.township, k.channel from metrics_combinations k where k.level = any(@levels) and {combinations};

            select p.period, p.sign_all, p.sign_passed, p.short, p.day, r.combination, {columns},
                   r.decide_steps::text, r.resolve_steps::text, r.short_spans::text
            from metrics_combinations k
            cross join unnest(@partPeriods::int[], @partLevels::smallint[], @partGrains::text[], @partDays::date[], @partAll::int[], @partPassed::int[],
                              @partShort::boolean[])
                as p (period, level, grain, day, sign_all, sign_passed, short)
            cross join lateral ({Row("p.grain::\"char\"", "p.day")}) as r
            where k.level = p.level and {combinations};

            select combination, {string.Join(", ", historyColumns.Select(c => $"sum({c})::bigint"))}
            from (
                select r.combination, {string.Join(", ", historyColumns.Select(c => "r." + c))}
                from metrics_combinations k
                cross join generate_series((select min(day) from metrics_counts where grain = 'y'), @historyYear - 1, interval '1 year') as y (day)
                cross join lateral ({Row("'y'", "y.day::date")}) as r
                where k.level = @level and {combinations}
                union all
                select r.combination, {string.Join(", ", historyColumns.Select(c => $"h.sign * r.{c}"))}
                from metrics_combinations k
                cross join unnest(@historyLevels::smallint[], @historyGrains::text[], @historyDays::date[], @historySigns::int[]) as h (level, grain, day, sign)
                cross join lateral ({Row("h.grain::\"char\"", "h.day")}) as r
                where k.level = h.level and {combinations}
            ) as r
            group by 1;

            select a.period, r.combination, r.kind, sum(r.n)::bigint
            from metrics_combinations k
            cross join unnest(@aroundPeriods::int[], @aroundLows::date[], @aroundHighs::date[], @aroundPassedHighs::date[], @aroundReaches::int[])
                as a (period, low, high, passed_high, reach)
            -- A scan of the index for each combination and reach its spans reach to (offset 0: not
            -- flattened into a join, which would read every span of the combination).
            cross join lateral (
                select r.combination, r.kind, r.n from metrics_spans r
                where r.combination = k.id and r.reach = a.reach and r.lo between a.passed_high - ((2 << a.reach) - 1) and a.low
                  and r.hi >= case when r.kind = {MetricsFacts.Overdue.First} then a.passed_high else a.high end
                offset 0) as r
            where k.level = @level and {combinations} and a.reach <= k.longest_reach
            group by 1, 2, 3;
            """;
    }

    /// <summary>A change not folded yet, as the counters would have it: its facts by period (before the first: those history keeps) and its spans around them.</summary>
    private static void AddUnfolded(FactSums sums, in CaseImage image, int key, IReadOnlyList<(string Key, MetricsPeriod Period)> periods, DateOnly today)
    {
        var first = periods[0].Period.From;
        var last = periods[^1].Period.To;
        var facts = new List<(DateOnly Day, short Fact, int N)>();
        var spans = new List<(short Kind, DateOnly Lo, DateOnly Hi, int N)>();
        MetricsFacts.Expand(image, facts, spans);
        foreach (var (day, fact, n) in facts)
        {
            if (day > last) continue;
            if (day < first)
            {
                if (MetricsFacts.History.Contains(fact)) sums.Add(key, sums.Before, fact, n);
                continue;
            }
            if (MetricsFacts.PassedOnly.Contains(fact) && day >= today) continue;
            var period = 0;
            while (day > periods[period].Period.To) period++;
            sums.Add(key, period, fact, n);
        }
        foreach (var (kind, lo, hi, n) in spans)
            for (var p = 0; p < periods.Count; p++)
            {
                var bounds = Bounds(periods[p].Period, today);
                if (lo <= bounds.Low && hi >= bounds.HighFor(kind)) sums.Add(key, p, (short)-kind, n);
            }
    }

    /// <summary>
    /// A period's bounds for the pairs of days lying strictly around it: the day before it (Low)
    /// and the day after it (High) — for overdue, whose days count only once passed, the day after
    /// its last day before today (PassedHigh).
    /// </summary>
    private sealed record PeriodBounds(DateOnly From, DateOnly To, DateOnly PassedTo, DateOnly Low, DateOnly High, DateOnly PassedHigh)
    {
        public DateOnly HighFor(short kind) => kind == MetricsFacts.Overdue.First ? PassedHigh : High;
    }

    private static PeriodBounds Bounds(MetricsPeriod period, DateOnly today)
    {
        var passedTo = period.To < today ? period.To : today.AddDays(-1);
        var low = period.From.AddDays(-1);
        return new PeriodBounds(period.From, period.To, passedTo, low, period.To.AddDays(1), (passedTo > low ? passedTo : low).AddDays(1));
    }

    /// <summary>
    /// Facts summed by key (the dimension's value) and period; the period after the last stands for
    /// the days before the first. A fact's slot: its column (<see cref="MetricsFacts.Counted"/>),
    /// its hour step, or the kind of a span lying around the period (fact -kind).
    /// </summary>
    private sealed class FactSums(int periods)
    {
        private static readonly int HourSlots = MetricsFacts.HourSteps.Length + 1;
        private static readonly int Slots = MetricsFacts.Counted.Count + 2 * HourSlots + MetricsFacts.Unions.Length;
        private readonly Dictionary<string, int> _keys = [];
        private readonly List<long[]> _sums = [];

        public int Before => periods;
        public IEnumerable<(string Key, int Index)> Keys => _keys.Select(k => (k.Key, k.Value));

        public int KeyOf(string key)
        {
            if (_keys.TryGetValue(key, out var index)) return index;
            _keys[key] = index = _sums.Count;
            _sums.Add(new long[(periods + 1) * Slots]);
            return index;
        }

        public void AddColumn(int key, int period, int column, long n) => _sums[key][period * Slots + column] += n;
        public void Add(int key, int period, short fact, long n) => _sums[key][period * Slots + SlotOf(fact)] += n;
        public long Get(int key, int period, short fact) => _sums[key][period * Slots + SlotOf(fact)];

        private static int SlotOf(short fact) => fact switch
        {
            >= MetricsFacts.ResolveStep => MetricsFacts.Counted.Count + HourSlots + fact - MetricsFacts.ResolveStep,
            >= MetricsFacts.DecideStep => MetricsFacts.Counted.Count + fact - MetricsFacts.DecideStep,
            < 0 => MetricsFacts.Counted.Count + 2 * HourSlots + Array.FindIndex(MetricsFacts.Unions, u => u.First == -fact),
            _ => MetricsFacts.PositionOf(fact),
        };
    }

    /// <summary>
    /// The figures of each key and period from the summed facts. What is carried from one period to
    /// the next: the backlog, and for each "either day" figure the pairs opened and not yet closed.
    /// </summary>
    private IReadOnlyList<MetricsRow> Assemble(IReadOnlyList<(string Key, MetricsPeriod Period)> periods, FactSums sums)
    {
        var settings = options.Metrics;
        var rows = new List<MetricsRow>();
        foreach (var (key, index) in sums.Keys)
        {
            long backlog = 0;
            var open = MetricsFacts.Unions.ToDictionary(u => u, _ => 0L);
            Carry(sums.Before);
            var keyRows = new List<MetricsRow>();
            for (var p = 0; p < periods.Count; p++)
            {
                var period = p;
                long Count(short fact) => sums.Get(index, period, fact);
                long Union(MetricsFacts.Union u) =>
                    Count(u.First) + (u.Due is { } due ? Count(due) : 0) + open[u] - Count((short)-u.First);
                var figures = ToFigures(Count, Union, backlog + Count(MetricsFacts.Volume) - Count(MetricsFacts.Finished), settings);
                var pinned = Count(MetricsFacts.Pinned);
                keyRows.Add(new MetricsRow(periods[p].Key, key, MeanPin(Count(MetricsFacts.LatitudeMicro), pinned),
                    MeanPin(Count(MetricsFacts.LongitudeMicro), pinned), figures));
                Carry(p);
            }
            // A key shows when some case touches one of its periods (as the breakdown's rows).
            if (keyRows.Any(r => !IsEmpty(r.Figures))) rows.AddRange(keyRows);

            void Carry(int period)
            {
                backlog += sums.Get(index, period, MetricsFacts.Volume) - sums.Get(index, period, MetricsFacts.Finished);
                foreach (var u in MetricsFacts.Unions)
                    open[u] += sums.Get(index, period, u.From) - sums.Get(index, period, u.Until);
            }
        }
        return rows;
    }

    private static bool IsEmpty(Figures f) => f.Volume == 0 && f.Merged == 0 && f.ResponseRate.Denominator == 0 && f.OnTimeRate.Denominator == 0
        && f.Evaluations == 0 && f.ReviewRate.Denominator == 0 && f.HoursToDecide.Count == 0 && f.HoursToResolve.Count == 0
        && f.Backlog == 0 && f.Overdue == 0 && f.Supports == 0;

    private static Figures ToFigures(Func<short, long> count, Func<MetricsFacts.Union, long> union, long backlog, MetricsSettings settings)
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
            HoursOf(count, MetricsFacts.DecideStep), HoursOf(count, MetricsFacts.ResolveStep),
            backlog, union(MetricsFacts.Overdue), count(MetricsFacts.Supports));
    }

    /// <summary>
    /// The median and the 90th percentile of hours counted in steps (facts step + 1…): the grouped-data
    /// formula, lower edge + (p × n − cases below the step) ÷ cases in the step × the step's width;
    /// the last step, open-ended, gives its lower edge.
    /// </summary>
    private static Hours HoursOf(Func<short, long> count, short step)
    {
        var steps = MetricsFacts.HourSteps;
        var counts = new long[steps.Length];
        for (var i = 0; i < steps.Length; i++) counts[i] = count((short)(step + i + 1));
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

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// How the counters (migration 0033) are laid out. A counter row holds every fact of
/// <see cref="MetricsFacts"/> (a column each, the hour steps as arrays) for one combination of
/// dimensions and one day, ISO week, calendar month or calendar year. A combination is a level — which of section,
/// category, township and channel it splits by — with the values of those ('' for the others) and
/// whether the category is confidential. Each case is counted at every level, so a request reads,
/// per combination it shows, a row per year, month, week or day its periods are made of.
/// docs/metrics.md, "How the figures are stored", says why.
/// </summary>
public static class MetricsCounters
{
    public const short Section = 1, Category = 2, Township = 4, Channel = 8, Every = Section | Category | Township | Channel;

    /// <summary>The levels: every set of the four dimensions (0: the bureau's; 15, every dimension: the finest).</summary>
    public static readonly short[] Levels = Enumerable.Range(0, Every + 1).Select(l => (short)l).ToArray();

    /// <summary>
    /// Whether a level keeps counter rows of a grain: every level keeps years and months; the
    /// finest keeps no weeks, and section + category + township and category + township + channel
    /// keep no days — their days are read from the finest level's (a few rows more each: a category
    /// goes to few sections, and there are few channels), which spares the fold a million rows per
    /// million cases. A request reads the level of exactly the dimensions it uses.
    /// </summary>
    public static bool Keeps(short level, char grain) => grain switch
    {
        Day => level is not (Section | Category | Township) and not (Category | Township | Channel),
        Week => level != Every,
        _ => true,
    };

    /// <summary>
    /// Each level's parent (an index into <see cref="Levels"/>; -1 for the finest): the level with
    /// one dimension more — channel, section, category or township, the first it lacks. A fold sums
    /// each level's days from its parent's, which are fewer than the finest ones.
    /// </summary>
    public static readonly int[] Parents = Levels.Select(level => level == Every ? -1
        : new[] { Channel, Section, Category, Township }.Where(d => (level & d) == 0).Select(d => level | d).First()).ToArray();

    /// <summary>The levels but the finest, each after its parent.</summary>
    public static readonly int[] RollUpOrder = Enumerable.Range(0, Levels.Length).Where(i => Levels[i] != Every)
        .OrderByDescending(i => System.Numerics.BitOperations.PopCount((uint)Levels[i])).ToArray();

    /// <summary>A case's combination at a level.</summary>
    public static Combination Of(short level, string section, string category, string township, string channel, bool confidential) =>
        new(level, (level & Section) != 0 ? section : "", (level & Category) != 0 ? category : "",
            (level & Township) != 0 ? township : "", (level & Channel) != 0 ? channel : "", confidential);

    /// <summary>
    /// A span (a pair of days two or more apart, <see cref="MetricsFacts.Union"/>) is kept by its
    /// reach, the power of two its length falls in (2–3 days: 1, 4–7 days: 2…), so that the spans
    /// lying around a period are found among those of each reach that start close enough before it.
    /// </summary>
    public static short ReachOf(DateOnly lo, DateOnly hi) => (short)System.Numerics.BitOperations.Log2((uint)(hi.DayNumber - lo.DayNumber));

    /// <summary>
    /// Spans shorter than a week (most of them: a decision a day or two after its deadline) are
    /// counted on their first day's row instead, by kind and length (code = kind's place among the
    /// unions × 8 + days from first to last): only a period of less than a week can lie inside one,
    /// and it finds them among the seven days before it. Null for a longer span.
    /// </summary>
    public static int? ShortSpanCode(short kind, DateOnly lo, DateOnly hi) =>
        hi.DayNumber - lo.DayNumber < ShortSpanDays ? Array.FindIndex(MetricsFacts.Unions, u => u.First == kind) * ShortSpanDays + hi.DayNumber - lo.DayNumber : null;

    public const int ShortSpanDays = 8;
    public static readonly int ShortSpanCodes = MetricsFacts.Unions.Length * ShortSpanDays;

    /// <summary>The longest span of a reach, in days from its first to its last.</summary>
    public static int LongestOf(int reach) => (2 << reach) - 1;

    /// <summary>Reaches up to this one are looked for (2^21 days: longer than any case lives).</summary>
    public const int MaxReach = 20;

    public const char Day = 'd', Week = 'w', Month = 'm', Year = 'y';

    public static DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    public static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);
    public static DateOnly YearOf(DateOnly day) => new(day.Year, 1, 1);

    /// <summary>The last day a counter row counts (its day, the Sunday of its week, the end of its month or year).</summary>
    public static DateOnly LastDayOf(char grain, DateOnly start) => grain switch
    {
        Week => start.AddDays(6),
        Month => start.AddMonths(1).AddDays(-1),
        Year => start.AddYears(1).AddDays(-1),
        _ => start,
    };

    /// <summary>
    /// Counter rows whose sum (each times its sign) is the sum over the days from–to: each year,
    /// month or week the range holds whole, the others by the next grain down — or, where that
    /// takes fewer rows, the whole year, month or week less the rest of it (Dec 8 to Dec 31 is a
    /// month less a week; a year up to December 7 is the year less December's other days). Without
    /// weeks for a level that keeps none.
    /// </summary>
    public static List<(char Grain, DateOnly Start, int Sign)> Cover(DateOnly from, DateOnly to, bool weeks = true) =>
        Split(Year, YearOf, from, to, (f, t) => Split(Month, MonthOf, f, t, weeks ? Weeks : Days));

    private static List<(char, DateOnly, int)> Weeks(DateOnly from, DateOnly to) => Split(Week, WeekOf, from, to, Days);

    private static List<(char, DateOnly, int)> Days(DateOnly from, DateOnly to)
    {
        var rows = new List<(char, DateOnly, int)>();
        for (var day = from; day <= to; day = day.AddDays(1)) rows.Add((Day, day, 1));
        return rows;
    }

    /// <summary>The range cut at the grain's bounds; each piece whole, by the finer grain, or whole less the rest.</summary>
    private static List<(char, DateOnly, int)> Split(char grain, Func<DateOnly, DateOnly> startOf, DateOnly from, DateOnly to,
        Func<DateOnly, DateOnly, List<(char, DateOnly, int)>> finer)
    {
        var rows = new List<(char, DateOnly, int)>();
        if (from > to) return rows;
        for (var start = startOf(from); start <= to; start = LastDayOf(grain, start).AddDays(1))
        {
            var last = LastDayOf(grain, start);
            var (pieceFrom, pieceTo) = (from > start ? from : start, to < last ? to : last);
            if (pieceFrom == start && pieceTo == last)
            {
                rows.Add((grain, start, 1));
                continue;
            }
            var direct = finer(pieceFrom, pieceTo);
            var whole = new List<(char, DateOnly, int)> { (grain, start, 1) };
            whole.AddRange(Negated(finer(start, pieceFrom.AddDays(-1))));
            whole.AddRange(Negated(finer(pieceTo.AddDays(1), last)));
            rows.AddRange(whole.Count < direct.Count ? whole : direct);
        }
        return rows;
    }

    private static IEnumerable<(char, DateOnly, int)> Negated(List<(char Grain, DateOnly Start, int Sign)> rows) =>
        rows.Select(r => (r.Grain, r.Start, -r.Sign));
}

/// <summary>A row of metrics_combinations: a level and its dimensions' values ('' where it does not split).</summary>
public readonly record struct Combination(short Level, string Section, string Category, string Township, string Channel, bool Confidential);

namespace Feedback.Tests.Integration.Metrics;

/// <summary>
/// The metric definitions of docs/metrics.md computed case by case in
/// memory, written without looking at the API's queries, so the two can be compared.
/// </summary>
public sealed class OracleCalculator(IReadOnlyList<OracleCase> cases, OracleCalendar calendar, DateTimeOffset now, OracleConfig config)
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public DateOnly Today => LocalDate(now);

    public static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>Local midnight at the start of the day, as an instant.</summary>
    public static DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    public static (DateOnly From, DateOnly To) Previous(DateOnly from, DateOnly to)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        return (from.AddDays(-days), from.AddDays(-1));
    }

    public static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    private static OracleRate Rate(decimal numerator, long denominator) =>
        new(denominator == 0 ? null : Round(numerator / denominator, 4), numerator, denominator);

    /// <summary>Each working day's 24 local hours between the two instants.</summary>
    public decimal WorkingHours(DateTimeOffset start, DateTimeOffset end)
    {
        long ticks = 0;
        for (var day = LocalDate(start); day <= LocalDate(end); day = day.AddDays(1))
        {
            if (!calendar.IsWorkingDay(day)) continue;
            var from = Max(start, StartOf(day));
            var to = Min(end, StartOf(day.AddDays(1)));
            if (to > from) ticks += (to - from).Ticks;
        }
        return ticks / (decimal)TimeSpan.TicksPerHour;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>docs/metrics.md: the steps hours are counted in start at 0, then at the E24 series from 0.1 h to 9,100 h.</summary>
    public static readonly decimal[] HourSteps = StepsFromTheReadme();

    private static decimal[] StepsFromTheReadme()
    {
        decimal[] e24 = [1.0m, 1.1m, 1.2m, 1.3m, 1.5m, 1.6m, 1.8m, 2.0m, 2.2m, 2.4m, 2.7m, 3.0m, 3.3m, 3.6m, 3.9m, 4.3m, 4.7m, 5.1m, 5.6m, 6.2m, 6.8m, 7.5m, 8.2m, 9.1m];
        var steps = new List<decimal> { 0m };
        foreach (var decade in new[] { 0.1m, 1m, 10m, 100m, 1000m })
            steps.AddRange(e24.Select(e => e * decade));
        return steps.ToArray();
    }

    /// <summary>
    /// The percentile of grouped data: in the step holding the (p × n)-th value, its lower edge +
    /// (p × n − values below the step) ÷ values in the step × the step's width; the last step, open
    /// at the top, gives its lower edge. A negative duration counts as 0.
    /// </summary>
    public static decimal GroupedPercentile(IReadOnlyList<decimal> values, decimal p)
    {
        var inStep = new int[HourSteps.Length];
        foreach (var value in values)
            inStep[Array.FindLastIndex(HourSteps, edge => edge <= Math.Max(value, 0))]++;
        var target = p * values.Count;
        var below = 0;
        for (var i = 0; ; i++)
        {
            if (inStep[i] > 0 && below + inStep[i] >= target)
                return HourSteps[i] + (target - below) / inStep[i] * (i + 1 < HourSteps.Length ? HourSteps[i + 1] - HourSteps[i] : 0);
            below += inStep[i];
        }
    }

    private static OracleHours Hours(List<decimal> values) => values.Count == 0 ? new(null, null, 0)
        : new(Round(GroupedPercentile(values, 0.5m), 1), Round(GroupedPercentile(values, 0.9m), 1), values.Count);

    public OracleFigures Figures(DateOnly from, DateOnly to, OracleFilter filter)
    {
        bool In(DateTimeOffset? instant) => instant is { } i && LocalDate(i) >= from && LocalDate(i) <= to;
        bool InDay(DateOnly? day) => day is { } d && d >= from && d <= to;
        var today = Today;

        var matching = cases.Where(filter.Matches).ToList();
        var counted = matching.Where(c => c.Status != "merged").ToList();
        var submitted = counted.Where(c => In(c.SubmittedAt)).ToList();

        var accepted = submitted.Count(c => c.DecidedAt is not null && c.Status != "rejected");
        var rejected = submitted.Count(c => c.Status == "rejected");

        var responseCases = counted.Where(c => In(c.DecidedAt) || (InDay(c.AcceptBy) && (c.DecidedAt is not null || c.AcceptBy < today))).ToList();
        var responseOnTime = responseCases.Count(c => c.DecidedAt is { } d && LocalDate(d) <= c.AcceptBy);

        bool ResolvedLate(OracleCase c) => c.ResolvedAt is null || LocalDate(c.ResolvedAt.Value) > c.ResolveBy;
        var onTimeCases = counted.Where(c => In(c.ResolvedAt) || (InDay(c.ResolveBy) && c.ResolveBy < today && ResolvedLate(c))).ToList();
        var onTime = onTimeCases.Count(c => In(c.ResolvedAt) && LocalDate(c.ResolvedAt!.Value) <= c.ResolveBy);

        var evaluated = counted.Where(c => In(c.EvaluatedAt)).ToList();
        var resolutionRate = Rate(evaluated.Count(c => c.Solved == "yes"), evaluated.Count);
        var satisfactionRate = Rate(evaluated.Count(c => c.Satisfaction == "satisfied")
            + config.BasicallySatisfied * evaluated.Count(c => c.Satisfaction == "basically_satisfied"), evaluated.Count);
        var responseRate = Rate(responseOnTime, responseCases.Count);
        decimal? composite = responseRate.Denominator == 0 || resolutionRate.Denominator == 0 || satisfactionRate.Denominator == 0
            ? null
            : Round(config.WResponse * ((decimal)responseRate.Numerator / responseRate.Denominator)
                + config.WResolution * (resolutionRate.Numerator / resolutionRate.Denominator)
                + config.WSatisfaction * (satisfactionRate.Numerator / satisfactionRate.Denominator), 4);

        var reviews = counted.Count(c => In(c.ReviewRequestedAt));
        var reviewBase = counted.Count(c => In(c.ResolvedAt) || In(c.ReviewRequestedAt));

        var decideHours = counted.Where(c => In(c.DecidedAt)).Select(c => WorkingHours(c.SubmittedAt, c.DecidedAt!.Value)).ToList();
        var resolveHours = counted.Where(c => In(c.ResolvedAt)).Select(c => WorkingHours(c.SubmittedAt, c.ResolvedAt!.Value)).ToList();

        var end = Min(StartOf(to.AddDays(1)), now);
        var backlog = counted.Count(c => c.SubmittedAt < end
            && !(c.Status == "rejected" && c.DecidedAt < end)
            && !(c.ResolvedAt is { } r && r < end));

        var overdue = counted.Count(c =>
            (InDay(c.AcceptBy) && c.AcceptBy < today && (c.DecidedAt is null || LocalDate(c.DecidedAt.Value) > c.AcceptBy))
            || (InDay(c.ResolveBy) && c.ResolveBy < today && ResolvedLate(c)));

        return new OracleFigures(
            submitted.Count, matching.Count(c => c.Status == "merged" && In(c.SubmittedAt)),
            accepted, rejected, submitted.Count(c => c.DecidedAt is null),
            Rate(accepted, accepted + rejected), responseRate, Rate(onTime, onTimeCases.Count),
            resolutionRate, satisfactionRate, composite, evaluated.Count,
            Rate(reviews, reviewBase), Hours(decideHours), Hours(resolveHours),
            backlog, overdue, submitted.Sum(c => (long)c.SupportCount));
    }

    /// <summary>Breakdown rows by a case attribute: every key whose figures are not all zero.</summary>
    public IReadOnlyDictionary<string, OracleFigures> Breakdown(DateOnly from, DateOnly to, OracleFilter filter, string by)
    {
        var keys = cases.Select(c => KeyOf(c, by)).Distinct();
        return keys.Select(key => (key, figures: Figures(from, to, Restrict(filter, by, key))))
            .Where(row => !row.figures.IsEmpty)
            .ToDictionary(row => row.key, row => row.figures);
    }

    public static string KeyOf(OracleCase c, string by) => by switch
    {
        "section" => c.Section,
        "category" => c.Category,
        "group" => c.Group,
        "township" => c.Township ?? "",
        "channel" => c.Channel,
        _ => throw new ArgumentOutOfRangeException(nameof(by)),
    };

    private static OracleFilter Restrict(OracleFilter filter, string by, string key)
    {
        // The filter and the row's key must both hold: a key that contradicts the filter has no cases.
        var inner = by switch
        {
            "section" => new OracleFilter(Section: key),
            "category" => new OracleFilter(Category: key),
            "group" => new OracleFilter(Category: key),
            "township" => new OracleFilter(Township: key),
            "channel" => new OracleFilter(Channel: key),
            _ => throw new ArgumentOutOfRangeException(nameof(by)),
        };
        return filter with { And = inner };
    }

    public IReadOnlyList<OracleCase> Cases => cases;

    /// <summary>Calendar buckets (month "2026-03" or ISO week "2026-W09") from..to, clipped to the period.</summary>
    public static IReadOnlyList<(string Key, DateOnly From, DateOnly To)> Buckets(DateOnly from, DateOnly to, string by)
    {
        var buckets = new List<(string, DateOnly, DateOnly)>();
        var day = from;
        while (day <= to)
        {
            DateOnly start, end;
            string key;
            if (by == "month")
            {
                start = new DateOnly(day.Year, day.Month, 1);
                end = start.AddMonths(1).AddDays(-1);
                key = $"{day.Year:D4}-{day.Month:D2}";
            }
            else
            {
                start = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
                end = start.AddDays(6);
                var dt = day.ToDateTime(TimeOnly.MinValue);
                key = $"{System.Globalization.ISOWeek.GetYear(dt):D4}-W{System.Globalization.ISOWeek.GetWeekOfYear(dt):D2}";
            }
            var clippedFrom = start < from ? from : start;
            var clippedTo = end > to ? to : end;
            buckets.Add((key, clippedFrom, clippedTo));
            day = clippedTo.AddDays(1);
        }
        return buckets;
    }

    public sealed record RankingRow(string Section, int? Rank, long Evaluations, decimal? Composite,
        OracleRate ResponseRate, OracleRate ResolutionRate, OracleRate SatisfactionRate, bool TooFewEvaluations);

    /// <summary>Every section (in sort order given), ranked by rounded composite with shared ranks, then the unranked.</summary>
    public IReadOnlyList<RankingRow> Ranking(DateOnly from, DateOnly to, IReadOnlyList<string> sectionsInOrder)
    {
        var rows = sectionsInOrder.Select(section =>
        {
            var f = Figures(from, to, new OracleFilter(Section: section));
            return (section, f, ranked: f.Evaluations >= config.MinimumEvaluations && f.Composite is not null);
        }).ToList();
        var ranked = rows.Where(r => r.ranked).OrderByDescending(r => r.f.Composite).ToList();
        var result = new List<RankingRow>();
        foreach (var r in ranked)
        {
            var rank = 1 + ranked.Count(other => other.f.Composite > r.f.Composite);
            result.Add(new(r.section, rank, r.f.Evaluations, r.f.Composite, r.f.ResponseRate, r.f.ResolutionRate, r.f.SatisfactionRate, false));
        }
        foreach (var r in rows.Where(r => !r.ranked))
            result.Add(new(r.section, null, r.f.Evaluations, r.f.Composite, r.f.ResponseRate, r.f.ResolutionRate, r.f.SatisfactionRate,
                r.f.Evaluations < config.MinimumEvaluations));
        return result;
    }

    public sealed record OverdueRow(long Id, string Section, string Category, string? Township, string Status, string Stage,
        DateOnly DueOn, int DaysOverdue, int RemindersSent);

    /// <summary>Open cases past their current deadline, most overdue first.</summary>
    public IReadOnlyList<OverdueRow> OverdueList(OracleFilter filter) =>
        cases.Where(filter.Matches)
            .Where(c => c.Status is "submitted" or "accepted" or "in_progress")
            .Select(c => (c, due: c.DecidedAt is null ? c.AcceptBy : c.ResolveBy!.Value))
            .Where(x => x.due < Today)
            .OrderBy(x => x.due).ThenBy(x => x.c.Id)
            .Select(x => new OverdueRow(x.c.Id, x.c.Section, x.c.Category, x.c.Township, x.c.Status,
                x.c.DecidedAt is null ? "acceptance" : "resolution", x.due, calendar.WorkingDaysBetween(x.due, Today), x.c.RemindersSent))
            .ToList();
}

namespace Feedback.Tests.Integration.Metrics;

/// <summary>One case as the oracle knows it: the columns the metric definitions read.</summary>
public sealed record OracleCase
{
    public long Id { get; init; }
    public required string Category { get; init; }
    public required string Group { get; init; }
    public bool Confidential => Group == "conduct";
    public required string Section { get; init; }
    public string? Township { get; init; }
    public required string Channel { get; init; }
    public required string Status { get; init; }
    public long? MergedIntoId { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public DateOnly AcceptBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public DateOnly? ResolveBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public DateTimeOffset? EvaluatedAt { get; init; }
    public string? Solved { get; init; }
    public string? Satisfaction { get; init; }
    public DateTimeOffset? ReviewRequestedAt { get; init; }
    public int SupportCount { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public int RemindersSent { get; init; }
}

public sealed record OracleRate(decimal? Value, decimal Numerator, long Denominator);

public sealed record OracleHours(decimal? Median, decimal? P90, long Count);

public sealed record OracleFigures(
    long Volume, long Merged, long Accepted, long Rejected, long AwaitingDecision,
    OracleRate AcceptanceShare, OracleRate ResponseRate, OracleRate OnTimeRate,
    OracleRate ResolutionRate, OracleRate SatisfactionRate, decimal? Composite, long Evaluations,
    OracleRate ReviewRate, OracleHours HoursToDecide, OracleHours HoursToResolve,
    long Backlog, long Overdue, long Supports)
{
    /// <summary>True when no case touches the period: every count is zero.</summary>
    public bool IsEmpty => Volume == 0 && Merged == 0 && ResponseRate.Denominator == 0 && OnTimeRate.Denominator == 0
        && Evaluations == 0 && ReviewRate.Denominator == 0 && HoursToDecide.Count == 0 && HoursToResolve.Count == 0
        && Backlog == 0 && Overdue == 0 && Supports == 0;
}

public sealed record OracleConfig(decimal WResponse, decimal WResolution, decimal WSatisfaction, decimal BasicallySatisfied, int MinimumEvaluations)
{
    public static readonly OracleConfig Default = new(0.3m, 0.35m, 0.35m, 1m, 10);
}

public sealed record OracleFilter(string? Section = null, string? Category = null, string? Township = null, string? Channel = null,
    bool HideConfidential = false)
{
    /// <summary>A breakdown row's own condition, on top of the request's filters.</summary>
    public OracleFilter? And { get; init; }

    public bool Matches(OracleCase c) =>
        (And is null || And.Matches(c))
        && (Section is null || c.Section == Section)
        && (Category is null || c.Category == Category || c.Group == Category)
        && (Township is null || (c.Township ?? "") == Township)
        && (Channel is null || c.Channel == Channel)
        && !(HideConfidential && c.Confidential);
}

/// <summary>The working-day calendar: weekdays, minus 'holiday' rows, plus 'workday' rows (migration 0004).</summary>
public sealed class OracleCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> workdays)
{
    private readonly HashSet<DateOnly> _holidays = [.. holidays];
    private readonly HashSet<DateOnly> _workdays = [.. workdays];

    public bool IsWorkingDay(DateOnly day) =>
        _workdays.Contains(day) || (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(day));

    /// <summary>The n-th working day strictly after the day (how the API sets deadlines).</summary>
    public DateOnly AddWorkingDays(DateOnly day, int n)
    {
        while (n > 0)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) n--;
        }
        return day;
    }

    /// <summary>Working days strictly after <paramref name="after"/> up to and including <paramref name="through"/>.</summary>
    public int WorkingDaysBetween(DateOnly after, DateOnly through)
    {
        var n = 0;
        for (var day = after.AddDays(1); day <= through; day = day.AddDays(1))
            if (IsWorkingDay(day)) n++;
        return n;
    }
}

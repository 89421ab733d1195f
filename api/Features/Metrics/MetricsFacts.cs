using Npgsql;

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// What the figures count of a case, day by day: the one place that says which facts a case feeds,
/// used to fold the change log into the stored counters (<see cref="MetricsFolder"/>) and to add the
/// changes not folded yet to what a request reads (<see cref="MetricsCalculator"/>). docs/metrics.md,
/// "How the figures are stored", says why the figures are these sums.
/// </summary>
public static class MetricsFacts
{
    // Counted on one day of the case. Every fact but Merged leaves merged duplicates out. Pinned
    // cases come with the sum of their pins in micro-degrees (for the mean pin of a township's cases).
    public const short Volume = 1, Merged = 2, Accepted = 3, Rejected = 4, AwaitingDecision = 5, Supports = 6,
        Pinned = 7, LatitudeMicro = 8, LongitudeMicro = 9, Finished = 10, Decided = 11, Resolved = 12, ResolvedOnTime = 13,
        Evaluations = 14, Solved = 15, Satisfied = 16, BasicallySatisfied = 17, Reviews = 18;

    /// <summary>Hours to decide (to resolve) in step k of <see cref="HourSteps"/>: fact DecideStep + k.</summary>
    public const short DecideStep = 1000, ResolveStep = 2000;

    /// <summary>
    /// A figure that counts a case once when either of two of its days falls in the period (the
    /// response rate's decision and acceptance deadline…). Counted as: First on the earlier day;
    /// when the days differ, From on the earlier and Until on the later (how many pairs are open
    /// when a period begins); and, when the days are two or more apart, the pair itself as a span
    /// (kind = First), for a period that lies strictly between them. Due is the deadline of a case
    /// not decided (not resolved), counted once it has passed. Name prefixes the counter columns.
    /// </summary>
    public sealed record Union(short First, string Name, short? Due = null)
    {
        public short From => (short)(First + 1);
        public short Until => (short)(First + 2);
    }

    /// <summary>响应率's numerator: decided by the acceptance deadline.</summary>
    public static readonly Union ResponseOnTime = new(20, "response_on_time");
    /// <summary>响应率's denominator: decided, or acceptance deadline passed.</summary>
    public static readonly Union Response = new(24, "response", Due: 27);
    /// <summary>按期办结率's denominator: resolved, or resolution deadline missed.</summary>
    public static readonly Union OnTime = new(28, "on_time", Due: 31);
    /// <summary>复查率's denominator: resolved or reviewed.</summary>
    public static readonly Union ReviewBase = new(32, "review_base");
    /// <summary>Missed an acceptance or resolution deadline: both days count only once passed (<see cref="PassedOnly"/>).</summary>
    public static readonly Union Overdue = new(36, "overdue");

    public static readonly Union[] Unions = [ResponseOnTime, Response, OnTime, ReviewBase, Overdue];

    /// <summary>Facts on days before today only (deadlines that have passed).</summary>
    public static readonly short[] PassedOnly = [Response.Due!.Value, OnTime.Due!.Value, Overdue.First];

    /// <summary>What days before the first period still matter: the backlog and the pairs still open.</summary>
    public static readonly short[] History = [Volume, Finished, .. Unions.SelectMany(u => new[] { u.From, u.Until })];

    /// <summary>
    /// Every fact but the hour steps, with its column in the counters (migration 0033). Latitude and
    /// longitude sums outgrow a 32-bit integer in a month; they are bigint there, the others int.
    /// </summary>
    public static readonly IReadOnlyList<(short Fact, string Column)> Counted =
    [
        (Volume, "volume"), (Merged, "merged"), (Accepted, "accepted"), (Rejected, "rejected"), (AwaitingDecision, "awaiting_decision"),
        (Supports, "supports"), (Pinned, "pinned"), (LatitudeMicro, "latitude_micro"), (LongitudeMicro, "longitude_micro"),
        (Finished, "finished"), (Decided, "decided"), (Resolved, "resolved"), (ResolvedOnTime, "resolved_on_time"),
        (Evaluations, "evaluations"), (Solved, "solved"), (Satisfied, "satisfied"), (BasicallySatisfied, "basically_satisfied"), (Reviews, "reviews"),
        .. Unions.SelectMany(u => new (short, string)[] { (u.First, u.Name + "_first"), (u.From, u.Name + "_from"), (u.Until, u.Name + "_until") }
            .Concat(u.Due is { } due ? [(due, u.Name + "_due")] : [])),
    ];

    /// <summary>Each fact's position in <see cref="Counted"/>, or -1 (hour steps).</summary>
    private static readonly short[] Positions = Enumerable.Range(0, 64)
        .Select(fact => (short)Counted.Select(c => c.Fact).ToList().IndexOf((short)fact)).ToArray();

    public static int PositionOf(short fact) => fact >= 0 && fact < Positions.Length ? Positions[fact] : -1;

    // Declared first: static fields initialise in order.
    private static readonly decimal[] E24 =
        [1.0m, 1.1m, 1.2m, 1.3m, 1.5m, 1.6m, 1.8m, 2.0m, 2.2m, 2.4m, 2.7m, 3.0m, 3.3m, 3.6m, 3.9m, 4.3m, 4.7m, 5.1m, 5.6m, 6.2m, 6.8m, 7.5m, 8.2m, 9.1m];

    /// <summary>
    /// The lower edges of the steps working hours are counted in, for the median and the 90th
    /// percentile: 0, then the E24 series (steps about a tenth wide) from 0.1 h to 9,100 h.
    /// </summary>
    public static readonly decimal[] HourSteps = [0m, .. new[] { 0.1m, 1m, 10m, 100m, 1000m }.SelectMany(decade => E24.Select(step => step * decade))];

    /// <summary>
    /// A case as the figures see it, from a row of complaints or metrics_changes (which copies the
    /// columns read here) joined to its category group g: its days in the bureau's zone (parameter
    /// @tz), what was decided, its pin in micro-degrees and the step of its hours (parameter
    /// @hourSteps) — worked out by the database, so that days and steps are the same wherever they
    /// are read. First is the earliest of its days: every fact and span of the case is on it or after.
    /// </summary>
    public static string Image(string row, string group) => $"""
        {row}.section_code, {row}.category_code, coalesce({row}.township, '') as township, {row}.channel, {group}.confidential,
        {row}.status = 'merged' as merged, {row}.status = 'rejected' as rejected,
        ({row}.submitted_at at time zone @tz)::date as submitted, ({row}.decided_at at time zone @tz)::date as decided,
        ({row}.resolved_at at time zone @tz)::date as resolved, ({row}.evaluated_at at time zone @tz)::date as evaluated,
        ({row}.review_requested_at at time zone @tz)::date as reviewed, {row}.accept_by, {row}.resolve_by,
        coalesce({row}.evaluation_solved = 'yes', false) as solved,
        coalesce({row}.evaluation_satisfaction = 'satisfied', false) as satisfied,
        coalesce({row}.evaluation_satisfaction = 'basically_satisfied', false) as basically_satisfied,
        {row}.support_count as supports, round({row}.latitude * 1e6)::int as latitude_micro, round({row}.longitude * 1e6)::int as longitude_micro,
        width_bucket({Hours($"{row}.decide_hours")}, @hourSteps::numeric[]) as decide_step,
        width_bucket({Hours($"{row}.resolve_hours")}, @hourSteps::numeric[]) as resolve_step,
        least(({row}.submitted_at at time zone @tz)::date, ({row}.decided_at at time zone @tz)::date, ({row}.resolved_at at time zone @tz)::date,
              ({row}.evaluated_at at time zone @tz)::date, ({row}.review_requested_at at time zone @tz)::date, {row}.accept_by, {row}.resolve_by) as first_day
        """;

    // To the micro-hour first: a stored double may fall a hair below the step its exact value starts.
    private static string Hours(string hours) => $"round(greatest({hours}, 0)::numeric, 6)";

    /// <summary>A row of <see cref="Image"/> (after a leading sign column) as <see cref="CaseImage"/>.</summary>
    public static CaseImage Read(NpgsqlDataReader reader)
    {
        DateOnly? Date(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateOnly>(i);
        int? Int(int i) => reader.IsDBNull(i) ? null : reader.GetInt32(i);
        return new CaseImage(reader.GetInt16(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetBoolean(5),
            reader.GetBoolean(6), reader.GetBoolean(7), reader.GetFieldValue<DateOnly>(8), Date(9), Date(10), Date(11), Date(12), Date(13), Date(14),
            reader.GetBoolean(15), reader.GetBoolean(16), reader.GetBoolean(17), reader.GetInt32(18), Int(19), Int(20), Int(21), Int(22),
            reader.GetFieldValue<DateOnly>(23));
    }

    /// <summary>
    /// The facts (day, fact, n) and spans (kind, lo, hi, n) of one image, n already multiplied by its
    /// sign, added to the lists given (not cleared). The rules of docs/metrics.md, "How each figure is
    /// counted", as sums: a fact with no day, or n = 0, is left out.
    /// </summary>
    public static void Expand(CaseImage c, List<(DateOnly Day, short Fact, int N)> facts, List<(short Kind, DateOnly Lo, DateOnly Hi, int N)> spans)
    {
        void Fact(DateOnly? day, short fact, int n)
        {
            if (day is { } d && n != 0) facts.Add((d, fact, c.Sign * n));
        }
        void Pair(Union union, DateOnly? lo, DateOnly? hi)
        {
            if (lo is not { } l || hi is not { } h) return;
            Fact(l, union.First, 1);
            if (h > l)
            {
                Fact(l, union.From, 1);
                Fact(h, union.Until, 1);
            }
            if (h.DayNumber >= l.DayNumber + 2) spans.Add((union.First, l, h, c.Sign));
        }

        if (c.Merged)
        {
            Fact(c.Submitted, Merged, 1);
            return;
        }
        var decidedInTime = c.Decided <= c.AcceptBy && c.Decided is not null && c.AcceptBy is not null;
        var resolvedInTime = c.Resolved <= c.ResolveBy && c.Resolved is not null && c.ResolveBy is not null;

        Fact(c.Submitted, Volume, 1);
        Fact(c.Submitted, Accepted, c.Decided is not null && !c.Rejected ? 1 : 0);
        Fact(c.Submitted, Rejected, c.Rejected ? 1 : 0);
        Fact(c.Submitted, AwaitingDecision, c.Decided is null ? 1 : 0);
        Fact(c.Submitted, Supports, c.Supports);
        if (c.LatitudeMicro is { } latitude)
        {
            Fact(c.Submitted, Pinned, 1);
            Fact(c.Submitted, LatitudeMicro, latitude);
        }
        if (c.LongitudeMicro is { } longitude) Fact(c.Submitted, LongitudeMicro, longitude);
        Fact(c.Rejected ? c.Decided : c.Resolved, Finished, 1);
        Fact(c.Decided, Decided, 1);
        Fact(c.Resolved, Resolved, 1);
        Fact(c.Resolved, ResolvedOnTime, resolvedInTime ? 1 : 0);
        Fact(c.Evaluated, Evaluations, 1);
        Fact(c.Evaluated, Solved, c.Solved ? 1 : 0);
        Fact(c.Evaluated, Satisfied, c.Satisfied ? 1 : 0);
        Fact(c.Evaluated, BasicallySatisfied, c.BasicallySatisfied ? 1 : 0);
        Fact(c.Reviewed, Reviews, 1);

        // Decided by the deadline: counted on the decision day alone.
        if (decidedInTime) Pair(ResponseOnTime, c.Decided, c.AcceptBy);
        if (c.Decided is not null) Pair(Response, Least(c.Decided, c.AcceptBy), Greatest(c.Decided, c.AcceptBy));
        else Fact(c.AcceptBy, Response.Due!.Value, 1);
        // Resolved by the deadline: on the result's day alone; late: from the deadline to the result.
        if (resolvedInTime) Pair(OnTime, c.Resolved, c.Resolved);
        else if (c.Resolved is not null) Pair(OnTime, Least(c.Resolved, c.ResolveBy), Greatest(c.Resolved, c.ResolveBy));
        else Fact(c.ResolveBy, OnTime.Due!.Value, 1);
        Pair(ReviewBase, Least(c.Resolved, c.Reviewed), Greatest(c.Resolved, c.Reviewed));
        // A deadline missed: the acceptance deadline unless decided by it, the resolution deadline unless resolved by it.
        var acceptance = decidedInTime ? null : c.AcceptBy;
        var resolution = resolvedInTime ? null : c.ResolveBy;
        Pair(Overdue, Least(acceptance, resolution), Greatest(acceptance, resolution));

        if (c.DecideStep is { } decideStep) Fact(c.Decided, (short)(DecideStep + decideStep), 1);
        if (c.ResolveStep is { } resolveStep) Fact(c.Resolved, (short)(ResolveStep + resolveStep), 1);
    }

    // As SQL's least and greatest: a missing day is ignored.
    private static DateOnly? Least(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a < b ? a : b;
    private static DateOnly? Greatest(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

/// <summary>A case as the figures see it (<see cref="MetricsFacts.Image"/>), counted Sign times (+1, or -1 for what it was before a change).</summary>
public readonly record struct CaseImage(
    short Sign, string Section, string Category, string Township, string Channel, bool Confidential,
    bool Merged, bool Rejected, DateOnly Submitted, DateOnly? Decided, DateOnly? Resolved, DateOnly? Evaluated, DateOnly? Reviewed,
    DateOnly? AcceptBy, DateOnly? ResolveBy, bool Solved, bool Satisfied, bool BasicallySatisfied, int Supports,
    int? LatitudeMicro, int? LongitudeMicro, int? DecideStep, int? ResolveStep, DateOnly First);

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// What the figures count of a case, day by day: the one place that says which counters a case
/// feeds, used to fold the change log into the stored counters (<see cref="MetricsFolder"/>), to
/// add the changes not folded yet, and to count the cases themselves when a filter the counters do
/// not keep (two of category, township and channel at once) asks for it. docs/metrics.md, "How the figures
/// are stored", says why the figures are these sums.
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
    /// when a period begins); and, when the days are two or more apart, the pair itself in
    /// metrics_spans (kind = First), for a period that lies strictly between them. Due is the
    /// deadline of a case not decided (not resolved), counted once it has passed.
    /// </summary>
    public sealed record Union(short First, short? Due = null)
    {
        public short From => (short)(First + 1);
        public short Until => (short)(First + 2);
    }

    /// <summary>响应率's numerator: decided by the acceptance deadline.</summary>
    public static readonly Union ResponseOnTime = new(20);
    /// <summary>响应率's denominator: decided, or acceptance deadline passed.</summary>
    public static readonly Union Response = new(24, Due: 27);
    /// <summary>按期办结率's denominator: resolved, or resolution deadline missed.</summary>
    public static readonly Union OnTime = new(28, Due: 31);
    /// <summary>复查率's denominator: resolved or reviewed.</summary>
    public static readonly Union ReviewBase = new(32);
    /// <summary>Missed an acceptance or resolution deadline: both days count only once passed (<see cref="PassedOnly"/>).</summary>
    public static readonly Union Overdue = new(36);

    public static readonly Union[] Unions = [ResponseOnTime, Response, OnTime, ReviewBase, Overdue];

    /// <summary>Facts on days before today only (deadlines that have passed).</summary>
    public static readonly short[] PassedOnly = [Response.Due!.Value, OnTime.Due!.Value, Overdue.First];

    /// <summary>What days before the first period still matter: the backlog and the pairs still open.</summary>
    public static readonly short[] History = [Volume, Finished, .. Unions.SelectMany(u => new[] { u.From, u.Until })];

    // Declared first: static fields initialise in order.
    private static readonly decimal[] E24 =
        [1.0m, 1.1m, 1.2m, 1.3m, 1.5m, 1.6m, 1.8m, 2.0m, 2.2m, 2.4m, 2.7m, 3.0m, 3.3m, 3.6m, 3.9m, 4.3m, 4.7m, 5.1m, 5.6m, 6.2m, 6.8m, 7.5m, 8.2m, 9.1m];

    /// <summary>
    /// The lower edges of the steps working hours are counted in, for the median and the 90th
    /// percentile: 0, then the E24 series (steps about a tenth wide) from 0.1 h to 9,100 h.
    /// </summary>
    public static readonly decimal[] HourSteps = [0m, .. new[] { 0.1m, 1m, 10m, 100m, 1000m }.SelectMany(decade => E24.Select(step => step * decade))];

    /// <summary>
    /// A case as the figures see it, from a row of complaints or of metrics_changes (which copies
    /// the columns read here): its days in the bureau's zone (parameter @tz) and what was decided.
    /// </summary>
    public static string Image(string row) => $"""
        {row}.section_code, {row}.category_code, coalesce({row}.township, '') as township, {row}.channel,
        {row}.status = 'merged' as merged, {row}.status = 'rejected' as rejected,
        ({row}.submitted_at at time zone @tz)::date as submitted, ({row}.decided_at at time zone @tz)::date as decided,
        ({row}.resolved_at at time zone @tz)::date as resolved, ({row}.evaluated_at at time zone @tz)::date as evaluated,
        ({row}.review_requested_at at time zone @tz)::date as reviewed, {row}.accept_by, {row}.resolve_by,
        {row}.evaluation_solved = 'yes' as solved, {row}.evaluation_satisfaction as satisfaction, {row}.support_count as supports,
        {row}.latitude, {row}.longitude, {row}.decide_hours, {row}.resolve_hours
        """;

    /// <summary>
    /// Common table expressions over <paramref name="images"/> (rows of <see cref="Image"/> with
    /// sign, confidential and key): case_pairs; case_facts (section_code, category_code, township,
    /// confidential, key, day, fact, n); case_spans (the same with kind, lo and hi instead
    /// of day and fact). Needs the parameter @hourSteps.
    /// </summary>
    public static string Expand(string images) => $"""
        case_pairs as (
            select i.*,
                   case when i.rejected then i.decided else i.resolved end as finished,
                   case when i.decided <= i.accept_by then i.decided end as on_time_lo,
                   case when i.decided <= i.accept_by then i.accept_by end as on_time_hi,
                   case when i.decided is not null then least(i.decided, i.accept_by) end as response_lo,
                   case when i.decided is not null then greatest(i.decided, i.accept_by) end as response_hi,
                   case when i.decided is null then i.accept_by end as response_due,
                   case when i.resolved <= i.resolve_by then i.resolved when i.resolved is not null then least(i.resolved, i.resolve_by) end as resolved_lo,
                   case when i.resolved <= i.resolve_by then i.resolved when i.resolved is not null then greatest(i.resolved, i.resolve_by) end as resolved_hi,
                   case when i.resolved is null then i.resolve_by end as resolved_due,
                   least(i.resolved, i.reviewed) as review_lo, greatest(i.resolved, i.reviewed) as review_hi,
                   least(o.acceptance, o.resolution) as overdue_lo, greatest(o.acceptance, o.resolution) as overdue_hi
            from {images} i
            cross join lateral (select case when not coalesce(i.decided <= i.accept_by, false) then i.accept_by end as acceptance,
                                       case when not coalesce(i.resolved <= i.resolve_by, false) then i.resolve_by end as resolution) o
            where not i.merged
        ),
        case_facts as (
            select i.section_code, i.category_code, i.township, i.channel, i.confidential, i.key, i.submitted as day, {Merged}::smallint as fact,
                   i.sign::int as n
            from {images} i where i.merged
            union all
            select p.section_code, p.category_code, p.township, p.channel, p.confidential, p.key, f.day, f.fact::smallint, p.sign * f.n
            from case_pairs p
            cross join lateral (values
                (p.submitted, {Volume}, 1), (p.submitted, {Accepted}, (p.decided is not null and not p.rejected)::int),
                (p.submitted, {Rejected}, p.rejected::int), (p.submitted, {AwaitingDecision}, (p.decided is null)::int),
                (p.submitted, {Supports}, p.supports), (p.submitted, {Pinned}, (p.latitude is not null)::int),
                (p.submitted, {LatitudeMicro}, round(p.latitude * 1e6)::int), (p.submitted, {LongitudeMicro}, round(p.longitude * 1e6)::int),
                (p.finished, {Finished}, 1), (p.decided, {Decided}, 1), (p.resolved, {Resolved}, 1),
                (p.resolved, {ResolvedOnTime}, coalesce(p.resolved <= p.resolve_by, false)::int),
                (p.evaluated, {Evaluations}, 1), (p.evaluated, {Solved}, coalesce(p.solved, false)::int),
                (p.evaluated, {Satisfied}, (p.satisfaction is not distinct from 'satisfied')::int),
                (p.evaluated, {BasicallySatisfied}, (p.satisfaction is not distinct from 'basically_satisfied')::int),
                (p.reviewed, {Reviews}, 1),
                {Pair(ResponseOnTime, "on_time")}, {Pair(Response, "response")}, (p.response_due, {Response.Due}, 1),
                {Pair(OnTime, "resolved")}, (p.resolved_due, {OnTime.Due}, 1),
                {Pair(ReviewBase, "review")}, {Pair(Overdue, "overdue")},
                (case when p.decide_hours is not null then p.decided end, {DecideStep} + width_bucket({Hours("p.decide_hours")}, @hourSteps::numeric[]), 1),
                (case when p.resolve_hours is not null then p.resolved end, {ResolveStep} + width_bucket({Hours("p.resolve_hours")}, @hourSteps::numeric[]), 1)
            ) as f (day, fact, n)
            where f.day is not null and f.n <> 0
        ),
        case_spans as (
            select p.section_code, p.category_code, p.township, p.channel, p.confidential, p.key, s.kind, s.lo, s.hi, p.sign::int as n
            from case_pairs p
            cross join lateral (values
                ({ResponseOnTime.First}, p.on_time_lo, p.on_time_hi), ({Response.First}, p.response_lo, p.response_hi),
                ({OnTime.First}, p.resolved_lo, p.resolved_hi), ({ReviewBase.First}, p.review_lo, p.review_hi),
                ({Overdue.First}, p.overdue_lo, p.overdue_hi)
            ) as s (kind, lo, hi)
            where s.hi >= s.lo + 2
        )
        """;

    // To the micro-hour first: a stored double may fall a hair below the step its exact value starts.
    private static string Hours(string hours) => $"round(greatest({hours}, 0)::numeric, 6)";

    private static string Pair(Union union, string name) =>
        $"(p.{name}_lo, {union.First}, 1), (p.{name}_lo, {union.From}, (p.{name}_hi > p.{name}_lo)::int), " +
        $"(p.{name}_hi, {union.Until}, (p.{name}_hi > p.{name}_lo)::int)";
}

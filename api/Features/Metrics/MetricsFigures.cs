using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Feedback.Api.Features.Metrics;

/// <summary>Inclusive dates in the bureau's calendar.</summary>
public sealed record MetricsPeriod(DateOnly From, DateOnly To)
{
    [JsonIgnore]
    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The period of the same length that ends the day before this one begins.</summary>
    public MetricsPeriod Previous() => new(From.AddDays(-Days), From.AddDays(-1));
}

/// <param name="Value">Numerator ÷ denominator, rounded half away from zero to 4 decimals (0.8765 = 87.65 %); null, not 0, when the denominator is 0.</param>
public sealed record Rate(decimal? Value, decimal Numerator, long Denominator)
{
    public static Rate Of(decimal numerator, long denominator) =>
        new(denominator == 0 ? null : Math.Round(numerator / denominator, 4, MidpointRounding.AwayFromZero), numerator, denominator);
}

/// <param name="Median">Working hours, rounded to 1 decimal; null when no case counts. Read from the hours counted in steps about a tenth wide (docs/metrics.md).</param>
/// <param name="P90">The 90th percentile, read like the median.</param>
/// <param name="Count">The cases measured.</param>
public sealed record Hours(decimal? Median, decimal? P90, long Count);

/// <summary>Every figure of one period for one slice of the cases (docs/metrics.md says how each is counted).</summary>
public sealed record Figures(
    [property: Description("Cases submitted in the period (merged duplicates are counted in their original).")] long Volume,
    [property: Description("Duplicates submitted in the period and merged into another case; in no other figure.")] long Merged,
    [property: Description("Of the period's cases, those accepted (受理).")] long Accepted,
    [property: Description("Of the period's cases, those rejected (不予受理).")] long Rejected,
    [property: Description("Of the period's cases, those not decided yet.")] long AwaitingDecision,
    [property: Description("accepted ÷ (accepted + rejected).")] Rate AcceptanceShare,
    [property: Description("响应率: decisions by the acceptance deadline ÷ cases decided in the period or whose acceptance deadline fell in it.")] Rate ResponseRate,
    [property: Description("按期办结率: cases resolved by their (possibly extended) deadline ÷ cases resolved, or overdue, in the period.")] Rate OnTimeRate,
    [property: Description("解决率: evaluations answering \"solved\" ÷ evaluations.")] Rate ResolutionRate,
    [property: Description("满意率: (满意 + w × 基本满意) ÷ evaluations.")] Rate SatisfactionRate,
    [property: Description("The configured weights applied to the three rates, 0–1, 4 decimals; null when one of them is null.")] decimal? Composite,
    [property: Description("Evaluations given in the period.")] long Evaluations,
    [property: Description("复查率: reviews asked for in the period ÷ cases resolved or reviewed in it.")] Rate ReviewRate,
    [property: Description("Working hours from submission to the accept/reject decision, over the cases decided in the period.")] Hours HoursToDecide,
    [property: Description("Working hours from submission to the result, over the cases resolved in the period.")] Hours HoursToResolve,
    [property: Description("Cases open at the end of the period.")] long Backlog,
    [property: Description("Cases that missed an acceptance or resolution deadline falling in the period.")] long Overdue,
    [property: Description("\"Me too\" supports of the period's cases.")] long Supports)
{
    public static readonly Figures Empty = new(0, 0, 0, 0, 0, Rate.Of(0, 0), Rate.Of(0, 0), Rate.Of(0, 0), Rate.Of(0, 0), Rate.Of(0, 0),
        null, 0, Rate.Of(0, 0), new Hours(null, null, 0), new Hours(null, null, 0), 0, 0, 0);
}

/// <summary>The rules the figures were computed with (FEEDBACK_METRICS_*), sent with every answer.</summary>
public sealed record MetricsConfig(MetricsWeights Weights, decimal BasicallySatisfiedFactor, int MinimumEvaluations);

public sealed record MetricsWeights(decimal Response, decimal Resolution, decimal Satisfaction);

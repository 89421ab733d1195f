using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.FollowUp;

/// <summary>The citizen's evaluation as stored; the comment is the "evaluated" event's message.</summary>
public sealed record Evaluation(EvaluationSolved Solved, EvaluationSatisfaction Satisfaction, string? Comment, DateTimeOffset At)
{
    /// <summary>From the stored columns (null when the case was never evaluated).</summary>
    public static Evaluation? Of(string? solved, string? satisfaction, DateTime? evaluatedAt, string? comment) =>
        solved is null || satisfaction is null || evaluatedAt is not { } at ? null
            : new Evaluation(Parse<EvaluationSolved>(solved), Parse<EvaluationSatisfaction>(satisfaction), comment, new DateTimeOffset(at, TimeSpan.Zero));

    private static T Parse<T>(string code) where T : struct, Enum => Enum.Parse<T>(code.Replace("_", ""), ignoreCase: true);

    public static string SolvedName(string? code) => code switch
    {
        "yes" => Lang.Pick("已解决", "solved"),
        "partly" => Lang.Pick("部分解决", "partly solved"),
        _ => Lang.Pick("未解决", "not solved"),
    };

    public static string SatisfactionName(string? code) => code switch
    {
        "satisfied" => Lang.Pick("满意", "satisfied"),
        "basically_satisfied" => Lang.Pick("基本满意", "basically satisfied"),
        _ => Lang.Pick("不满意", "dissatisfied"),
    };
}

/// <summary>
/// What comes after the result, as the tracking page shows it: the windows' last days (the bureau's
/// dates), whether evaluating or asking for a review is possible today, and what was done.
/// </summary>
/// <param name="EvaluateBy">Last day to evaluate; the case closes by itself the day after. Null until there is a result.</param>
/// <param name="ReviewBy">Last day to ask for a review (30 days after the result). Null until there is a result.</param>
/// <param name="ReviewRequestedAt">Set once the citizen asked for a review: the case is flagged as a review from then on.</param>
public sealed record CitizenFollowUp(
    DateTimeOffset? ResolvedAt,
    DateOnly? EvaluateBy,
    DateOnly? ReviewBy,
    bool CanEvaluate,
    bool CanReview,
    Evaluation? Evaluation,
    DateTimeOffset? ReviewRequestedAt,
    DateTimeOffset? ClosedAt)
{
    public static CitizenFollowUp Of(ComplaintStatus status, DateTimeOffset? resolvedAt, DateOnly? resolvedOn, Evaluation? evaluation,
        DateTimeOffset? reviewRequestedAt, DateTimeOffset? closedAt, DateOnly today, int evaluationDays)
    {
        var state = new FollowUpRules.State(status, resolvedOn, evaluation is not null, reviewRequestedAt is not null);
        return new CitizenFollowUp(resolvedAt,
            FollowUpRules.EvaluateBy(resolvedOn, evaluationDays), FollowUpRules.ReviewBy(resolvedOn),
            FollowUpRules.WhyNoEvaluation(state, today, evaluationDays) is null, FollowUpRules.WhyNoReview(state, today) is null,
            evaluation, reviewRequestedAt, closedAt);
    }
}

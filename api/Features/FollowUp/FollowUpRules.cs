using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.FollowUp;

/// <summary>How the citizen judged the result: was the problem solved?</summary>
public enum EvaluationSolved { Yes, Partly, No }

/// <summary>满意 / 基本满意 / 不满意.</summary>
public enum EvaluationSatisfaction { Satisfied, BasicallySatisfied, Dissatisfied }

/// <summary>
/// What the citizen may do after the result (回访评价 and 复查), as pure rules over the case's
/// state and the bureau's dates. Windows are calendar days after the day of the result, that day
/// itself not counted, and include their last day: resolved on 1 March with 15 days, the citizen
/// may evaluate until 16 March and the case closes by itself on 17 March.
/// </summary>
public static class FollowUpRules
{
    /// <summary>信访条例 art. 34: a review may be asked for within 30 days of the result.</summary>
    public const int ReviewDays = 30;

    /// <summary>The case as these rules need it; dates are the bureau's.</summary>
    public sealed record State(ComplaintStatus Status, DateOnly? ResolvedOn, bool Evaluated, bool ReviewRequested);

    /// <summary>The last day to evaluate, or null when there is no result.</summary>
    public static DateOnly? EvaluateBy(DateOnly? resolvedOn, int evaluationDays) => resolvedOn?.AddDays(evaluationDays);

    /// <summary>The last day to ask for a review, or null when there is no result.</summary>
    public static DateOnly? ReviewBy(DateOnly? resolvedOn) => resolvedOn?.AddDays(ReviewDays);

    /// <summary>Why the citizen may not evaluate today, or null when they may.</summary>
    public static string? WhyNoEvaluation(State state, DateOnly today, int evaluationDays)
    {
        if (state.Evaluated) return Lang.Pick("您已评价过此案件，每个案件只能评价一次", "You have already evaluated this case; a case is evaluated once");
        if (state.Status == ComplaintStatus.Closed || state.Status == ComplaintStatus.Resolved && today > EvaluateBy(state.ResolvedOn, evaluationDays))
            return Lang.Pick($"评价期已过（办结后 {evaluationDays} 日内可评价）", $"The time to evaluate has passed ({evaluationDays} days after the result)");
        if (state.Status != ComplaintStatus.Resolved)
            return Lang.Pick("案件尚未办结，办结后才能评价", "The case is not resolved yet; it can be evaluated once it is");
        return null;
    }

    /// <summary>Why the citizen may not ask for a review today, or null when they may.</summary>
    public static string? WhyNoReview(State state, DateOnly today)
    {
        if (state.ReviewRequested) return Lang.Pick("此案件已申请过复查，每个案件只能申请一次", "A review of this case was already asked for; a case is reviewed once");
        if (state.Status is ComplaintStatus.Rejected or ComplaintStatus.Merged)
            return Lang.Pick("此案件未经办理，不能申请复查", "This case was not handled here, so it cannot be reviewed");
        if (state.Status is not (ComplaintStatus.Resolved or ComplaintStatus.Closed))
            return Lang.Pick("案件尚未办结，办结后才能申请复查", "The case is not resolved yet; a review can be asked for once it is");
        if (today > ReviewBy(state.ResolvedOn))
            return Lang.Pick($"复查申请期已过（办结后 {ReviewDays} 日内可申请）", $"The time to ask for a review has passed ({ReviewDays} days after the result)");
        return null;
    }
}

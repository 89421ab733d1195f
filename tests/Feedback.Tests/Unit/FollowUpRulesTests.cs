using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.FollowUp;

namespace Feedback.Tests.Unit;

/// <summary>When the citizen may evaluate and ask for a review: statuses, once-only, and the windows' last days.</summary>
public sealed class FollowUpRulesTests
{
    private static readonly DateOnly ResolvedOn = new(2026, 3, 1);

    [SetUp]
    public void Chinese() => System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("zh-CN");

    private static FollowUpRules.State State(ComplaintStatus status, bool evaluated = false, bool reviewed = false, DateOnly? resolvedOn = null) =>
        new(status, status is ComplaintStatus.Resolved or ComplaintStatus.Closed ? resolvedOn ?? ResolvedOn : null, evaluated, reviewed);

    [Test]
    public void The_windows_end_15_and_30_calendar_days_after_the_day_of_the_result()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FollowUpRules.EvaluateBy(ResolvedOn, 15), Is.EqualTo(new DateOnly(2026, 3, 16)));
            Assert.That(FollowUpRules.ReviewBy(ResolvedOn), Is.EqualTo(new DateOnly(2026, 3, 31)));
            Assert.That(FollowUpRules.EvaluateBy(null, 15), Is.Null);
            Assert.That(FollowUpRules.ReviewBy(null), Is.Null);
        });
    }

    [TestCase(ComplaintStatus.Submitted, false)]
    [TestCase(ComplaintStatus.Accepted, false)]
    [TestCase(ComplaintStatus.InProgress, false)]
    [TestCase(ComplaintStatus.Resolved, true)]
    [TestCase(ComplaintStatus.Closed, false)]
    [TestCase(ComplaintStatus.Rejected, false)]
    [TestCase(ComplaintStatus.Merged, false)]
    public void Only_a_resolved_case_may_be_evaluated(ComplaintStatus status, bool allowed) =>
        Assert.That(FollowUpRules.WhyNoEvaluation(State(status), ResolvedOn.AddDays(1), 15) is null, Is.EqualTo(allowed));

    [Test]
    public void Evaluation_is_allowed_on_the_last_day_of_the_window_and_refused_the_day_after()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FollowUpRules.WhyNoEvaluation(State(ComplaintStatus.Resolved), ResolvedOn, 15), Is.Null, "the day of the result");
            Assert.That(FollowUpRules.WhyNoEvaluation(State(ComplaintStatus.Resolved), ResolvedOn.AddDays(15), 15), Is.Null);
            Assert.That(FollowUpRules.WhyNoEvaluation(State(ComplaintStatus.Resolved), ResolvedOn.AddDays(16), 15), Does.Contain("评价期已过"));
            Assert.That(FollowUpRules.WhyNoEvaluation(State(ComplaintStatus.Resolved), ResolvedOn.AddDays(7), 7), Is.Null, "the window follows the setting");
            Assert.That(FollowUpRules.WhyNoEvaluation(State(ComplaintStatus.Resolved), ResolvedOn.AddDays(8), 7), Does.Contain("评价期已过"));
        });
    }

    [Test]
    public void Each_refusal_says_why()
    {
        var today = ResolvedOn.AddDays(1);
        Assert.Multiple(() =>
        {
            Assert.That(FollowUpRules.WhyNoEvaluation(State(ComplaintStatus.Resolved, evaluated: true), today, 15), Does.Contain("已评价"));
            Assert.That(FollowUpRules.WhyNoEvaluation(State(ComplaintStatus.InProgress, evaluated: true), today, 15), Does.Contain("已评价"),
                "an evaluated case under review is not offered a second evaluation");
            Assert.That(FollowUpRules.WhyNoEvaluation(State(ComplaintStatus.InProgress), today, 15), Does.Contain("尚未办结"));
            Assert.That(FollowUpRules.WhyNoEvaluation(State(ComplaintStatus.Closed), today, 15), Does.Contain("评价期已过"),
                "a closed case that was never evaluated closed because the window passed");
            Assert.That(FollowUpRules.WhyNoReview(State(ComplaintStatus.Closed, reviewed: true), today), Does.Contain("已申请过复查"));
            Assert.That(FollowUpRules.WhyNoReview(State(ComplaintStatus.Accepted), today), Does.Contain("尚未办结"));
            Assert.That(FollowUpRules.WhyNoReview(State(ComplaintStatus.Rejected), today), Does.Contain("不能申请复查"));
            Assert.That(FollowUpRules.WhyNoReview(State(ComplaintStatus.Closed), ResolvedOn.AddDays(31)), Does.Contain("复查申请期已过"));
        });
    }

    [TestCase(ComplaintStatus.Submitted, false)]
    [TestCase(ComplaintStatus.Accepted, false)]
    [TestCase(ComplaintStatus.InProgress, false)]
    [TestCase(ComplaintStatus.Resolved, true)]
    [TestCase(ComplaintStatus.Closed, true)]
    [TestCase(ComplaintStatus.Rejected, false)]
    [TestCase(ComplaintStatus.Merged, false)]
    public void A_review_may_be_asked_for_a_resolved_or_closed_case(ComplaintStatus status, bool allowed) =>
        Assert.That(FollowUpRules.WhyNoReview(State(status), ResolvedOn.AddDays(1)) is null, Is.EqualTo(allowed));

    [Test]
    public void A_review_is_allowed_up_to_30_days_after_the_result_and_once()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FollowUpRules.WhyNoReview(State(ComplaintStatus.Closed), ResolvedOn.AddDays(30)), Is.Null);
            Assert.That(FollowUpRules.WhyNoReview(State(ComplaintStatus.Closed), ResolvedOn.AddDays(31)), Is.Not.Null);
            Assert.That(FollowUpRules.WhyNoReview(State(ComplaintStatus.Resolved, evaluated: true), ResolvedOn.AddDays(2)), Is.Null,
                "an evaluation does not take away the review");
            Assert.That(FollowUpRules.WhyNoReview(State(ComplaintStatus.Resolved, reviewed: true), ResolvedOn.AddDays(2)), Is.Not.Null);
        });
    }
}

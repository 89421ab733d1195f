using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.FollowUp;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>办结: the section records the result the citizen will read and evaluate.</summary>
public static class ResolveComplaint
{
    public static readonly CaseEventType Resolved = new("resolved", Public: true,
        w => Lang.Pick($"已办结。处理结果：{w.Message}", $"Resolved. Result: {w.Message}"));

    public static readonly CaseActionDefinition Description = new()
    {
        Action = CaseAction.Resolve, Route = "/resolve", OperationName = "ResolveComplaint",
        Summary = "办结: record the result the citizen will read",
        Request = CaseActionBinding.WithBody<Request>((code, version, request) => new Command(code, version, request.Result)),
        Who = CaseActor.HandlingSection, From = WhenStatus.InHand, After = StatusAfter.Becomes(ComplaintStatus.Resolved),
        Events = [Resolved], Done = ("办结", "resolved"),
    };

    /// <param name="Result">What was found and done; shown to the citizen.</param>
    public sealed record Request(string Result);

    public sealed record Command(string TrackingCode, int Version, string Result) : ICommand<CaseActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Result).RequiredText(4000);
    }

    public sealed class Handler(CaseHandling cases, Infrastructure.FeedbackOptions options) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, Description, cancellationToken);
            var result = ComplaintText.Clean(command.Result);
            // A case resolved again after the citizen asked for a review was already evaluated or closed: they are told the outcome.
            var notice = current.ReviewRequested
                ? new Notice(CitizenNotices.Reviewed, new { result })
                : new Notice(CitizenNotices.Resolved, new { result, evaluateBy = FollowUpRules.EvaluateBy(cases.Today, options.EvaluationDays) });
            return await cases.CommitAsync(current, Description, "resolved_at = @now", null,
                new CaseEvent(Resolved, result) { Notices = [notice] }, reason: null, cancellationToken);
        }
    }
}

using Feedback.Api.Features.Complaints;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>不予受理: the section declines the case, saying why and where the citizen should go instead (信访条例 arts. 21–22).</summary>
public static class RejectComplaint
{
    /// <param name="Reason">Why the bureau will not handle it; shown to the citizen.</param>
    /// <param name="Referral">Where to go instead (another authority, a court, 12345…); shown to the citizen.</param>
    public sealed record Request(string Reason, string Referral);

    public sealed record Command(string TrackingCode, int Version, string Reason, string Referral) : ICommand<CaseActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Reason).RequiredText(1000);
            RuleFor(c => c.Referral).RequiredText(500);
        }
    }

    public sealed class Handler(CaseHandling cases) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, CaseAction.Reject, cancellationToken);
            var reason = ComplaintText.Clean(command.Reason)!;
            var referral = ComplaintText.Clean(command.Referral)!;
            return await cases.CommitAsync(current, CaseAction.Reject, "status = 'rejected', decided_at = @now", null,
                new CaseEvent("rejected", Public: true, reason, new { referral }), reason, cancellationToken);
        }
    }
}

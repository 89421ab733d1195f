using System.Text.Json.Serialization;
using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>不予受理: the section declines the case, saying why and where the citizen should go instead (信访条例 arts. 21–22).</summary>
public static class RejectComplaint
{
    /// <param name="Ground">Which of the fixed grounds; the public bulletin groups rejections by it.</param>
    /// <param name="Reason">Why the bureau will not handle it; shown to the citizen.</param>
    /// <param name="Referral">Where to go instead (another authority, a court, 12345…); shown to the citizen.</param>
    public sealed record Request([property: JsonRequired] RejectionGround Ground, string Reason, string Referral);

    public sealed record Command(string TrackingCode, int Version, RejectionGround Ground, string Reason, string Referral) : ICommand<CaseActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            // Numbers pass the JSON enum converter ("ground": 7); only the named grounds are grounds.
            RuleFor(c => c.Ground).IsInEnum().WithMessage(_ => Lang.Pick("请选择不予受理的理由类别", "Choose the ground for not accepting"));
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
            var ground = command.Ground.ToCode();
            return await cases.CommitAsync(current, CaseAction.Reject, "status = 'rejected', decided_at = @now, rejection_ground = @ground", new { ground },
                new CaseEvent("rejected", Public: true, reason, new { referral, ground }), reason, cancellationToken);
        }
    }
}

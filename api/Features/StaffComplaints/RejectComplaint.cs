using System.Text.Json.Serialization;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>不予受理: the section declines the case, saying why and where the citizen should go instead (信访条例 arts. 21–22).</summary>
public static class RejectComplaint
{
    public static readonly CaseEventType Rejected = new("rejected", Public: true,
        w => Lang.Pick($"不予受理。原因：{w.Message}。建议：{w.Text("referral")}", $"Not accepted. Reason: {w.Message}. Where to go instead: {w.Text("referral")}"));

    public static readonly CaseActionDefinition Description = new()
    {
        Action = CaseAction.Reject, Route = "/reject", OperationName = "RejectComplaint",
        Summary = "不予受理: reject it, with a ground, a reason and a referral",
        Request = CaseActionBinding.WithBody<Request>((code, version, request) =>
            new Command(code, version, request.Ground, request.Reason, request.Referral)),
        Who = CaseActor.HandlingSection, From = WhenStatus.Submitted, After = StatusAfter.Becomes(ComplaintStatus.Rejected),
        Events = [Rejected], Done = ("不予受理", "rejected"),
    };

    /// <param name="Ground">Which of the fixed grounds (the case's rejectionGrounds); the public bulletin groups rejections by it.</param>
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
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, Description, cancellationToken);
            if (!command.Ground.AppliesTo(current.Confidential))
                throw new ValidationException([new ValidationFailure(nameof(Command.Ground),
                    Lang.Pick("作风类投诉不能以此理由不予受理", "A conduct complaint cannot be rejected on this ground"))]);
            var reason = ComplaintText.Clean(command.Reason)!;
            var referral = ComplaintText.Clean(command.Referral)!;
            var ground = command.Ground.ToCode();
            return await cases.CommitAsync(current, Description, "decided_at = @now, rejection_ground = @ground", new { ground },
                new CaseEvent(Rejected, reason, new { referral, ground })
                {
                    Notices = [new(CitizenNotices.Rejected,
                        new { groundZh = command.Ground.Label(english: false), groundEn = command.Ground.Label(english: true), reason, referral })],
                }, reason, cancellationToken);
        }
    }
}

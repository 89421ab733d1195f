using System.Text.Json.Serialization;
using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// A leader approves or refuses a requested extension. Approval moves the resolution deadline
/// and tells the citizen why; a refusal stays internal and the deadline stands.
/// </summary>
public static class DecideExtension
{
    public static readonly CaseEventType Approved = new("extension_approved", Public: true,
        w => Lang.Pick($"办理期限延长 {w.Text("days")} 个工作日，至 {w.Day("resolveBy")}。原因：{w.Message}",
            $"Deadline extended by {w.Text("days")} working days, to {w.Day("resolveBy")}. Reason: {w.Message}"));

    public static readonly CaseEventType Refused = new("extension_refused", Public: false);

    public static readonly CaseActionDefinition Description = new()
    {
        Action = CaseAction.DecideExtension, Route = "/extensions/decision", OperationName = "DecideExtension",
        Summary = "Approve or refuse the requested extension (leader)",
        Request = CaseActionBinding.WithBody<Request>((code, version, request) => new Command(code, version, request.Approve, request.Reason)),
        Who = CaseActor.Leader, From = WhenStatus.InHand,
        Requires = [new(facts => facts.ExtensionStatus == "requested",
            "该案件没有待审批的延期申请", "This case has no extension request waiting for a decision")],
        Events = [Approved, Refused], Done = ("审批延期", "given an extension decision"),
    };

    /// <param name="Approve">true approves, false refuses; required (left out, it would read as a refusal).</param>
    /// <param name="Reason">Why; required when refusing.</param>
    public sealed record Request([property: JsonRequired] bool Approve, string? Reason = null);

    public sealed record Command(string TrackingCode, int Version, bool Approve, string? Reason) : ICommand<CaseActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Reason).OptionalText(1000);
            RuleFor(c => c.Reason).RequiredText(1000).When(c => !c.Approve);
        }
    }

    public sealed class Handler(CaseHandling cases, WriteTransaction database, WorkingDayCalendar calendar) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, Description, cancellationToken);
            var reason = ComplaintText.Clean(command.Reason);

            if (!command.Approve)
                return await cases.CommitAsync(current, Description, "extension_status = 'refused'", null,
                    new CaseEvent(Refused, reason), reason, cancellationToken);

            var requestedReason = await database.QuerySingleAsync<string>(
                "select extension_reason from complaints where id = @Id", current, cancellationToken);
            var resolveBy = calendar.AddWorkingDays(current.ResolveBy!.Value, current.ExtensionDays!.Value);
            return await cases.CommitAsync(current, Description,
                "extension_status = 'approved', resolve_by = @resolveBy, due_on = @resolveBy", new { resolveBy },
                new CaseEvent(Approved, requestedReason, new { days = current.ExtensionDays, resolveBy, decisionNote = reason }),
                reason, cancellationToken);
        }
    }
}

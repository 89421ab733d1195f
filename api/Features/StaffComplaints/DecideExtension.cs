using System.Text.Json.Serialization;
using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
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
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, CaseAction.DecideExtension, cancellationToken);
            if (current.ExtensionStatus != "requested")
                throw new ProblemException(StatusCodes.Status409Conflict,
                    Lang.Pick("该案件没有待审批的延期申请", "This case has no extension request waiting for a decision"));
            var reason = ComplaintText.Clean(command.Reason);

            if (!command.Approve)
                return await cases.CommitAsync(current, CaseAction.DecideExtension, "extension_status = 'refused'", null,
                    new CaseEvent("extension_refused", Public: false, reason), reason, cancellationToken);

            var requestedReason = await database.QuerySingleAsync<string>(
                "select extension_reason from complaints where id = @Id", current, cancellationToken);
            var resolveBy = calendar.AddWorkingDays(current.ResolveBy!.Value, current.ExtensionDays!.Value);
            return await cases.CommitAsync(current, CaseAction.DecideExtension,
                "extension_status = 'approved', resolve_by = @resolveBy, due_on = @resolveBy", new { resolveBy },
                new CaseEvent("extension_approved", Public: true, requestedReason, new { days = current.ExtensionDays, resolveBy, decisionNote = reason }),
                reason, cancellationToken);
        }
    }
}

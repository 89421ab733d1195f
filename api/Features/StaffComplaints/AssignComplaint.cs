using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>The section head gives the case to one of the section's active members.</summary>
public static class AssignComplaint
{
    public static readonly CaseEventType Assigned = new("assigned", Public: false);

    public static readonly CaseActionDefinition Description = new()
    {
        Action = CaseAction.Assign, Route = "/assign", OperationName = "AssignComplaint",
        Summary = "Assign it to a member of the section (section head)",
        Request = CaseActionBinding.WithBody<Request>((code, version, request) => new Command(code, version, request.AssigneeId)),
        Who = CaseActor.SectionHead, From = WhenStatus.Open, After = StatusAfter.WorkStarts,
        Events = [Assigned], Done = ("指派", "assigned"),
    };

    public sealed record Request(long AssigneeId);

    public sealed record Command(string TrackingCode, int Version, long AssigneeId) : ICommand<CaseActionResult>;

    public sealed class Handler(CaseHandling cases, WriteTransaction database) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, Description, cancellationToken);
            var assigneeName = await database.QuerySingleOrDefaultAsync<string>(
                """
                select display_name from staff_users
                where id = @AssigneeId and section_code = @section and active and role in ('staff', 'section_head', 'discipline')
                """,
                new { command.AssigneeId, section = current.SectionCode }, cancellationToken)
                ?? throw new ValidationException([new ValidationFailure(nameof(Command.AssigneeId),
                    Lang.Pick("只能指派给本科室在岗的工作人员", "Assign to an active member of the handling section"))]);
            return await cases.CommitAsync(current, Description, "assignee_id = @AssigneeId", new { command.AssigneeId },
                new CaseEvent(Assigned, Data: new { command.AssigneeId, assigneeName }) { Notices = [new(StaffNotices.Assigned, new { })] },
                reason: null, cancellationToken);
        }
    }
}

using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>The section head gives the case to one of the section's active members.</summary>
public static class AssignComplaint
{
    public sealed record Request(long AssigneeId);

    public sealed record Command(string TrackingCode, int Version, long AssigneeId) : ICommand<CaseActionResult>;

    public sealed class Handler(CaseHandling cases, WriteTransaction database) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, CaseAction.Assign, cancellationToken);
            var assigneeName = await database.QuerySingleOrDefaultAsync<string>(
                """
                select display_name from staff_users
                where id = @AssigneeId and section_code = @section and active and role in ('staff', 'section_head', 'discipline')
                """,
                new { command.AssigneeId, section = current.SectionCode }, cancellationToken)
                ?? throw new ValidationException([new ValidationFailure(nameof(Command.AssigneeId),
                    Lang.Pick("只能指派给本科室在岗的工作人员", "Assign to an active member of the handling section"))]);
            return await cases.CommitAsync(current, CaseAction.Assign,
                "assignee_id = @AssigneeId, status = @status", new { command.AssigneeId, status = CaseHandling.StatusAfter(CaseAction.Assign, current) },
                new CaseEvent("assigned", Public: false, Data: new { command.AssigneeId, assigneeName }), reason: null, cancellationToken);
        }
    }
}

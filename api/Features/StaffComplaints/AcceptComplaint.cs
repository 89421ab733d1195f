using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Time;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>受理: the handling section takes the case on; its resolution deadline starts today.</summary>
public static class AcceptComplaint
{
    public sealed record Command(string TrackingCode, int Version) : ICommand<CaseActionResult>;

    public sealed class Handler(CaseHandling cases, CategoryCatalog catalog, WorkingDayCalendar calendar) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, CaseAction.Accept, cancellationToken);
            var category = await catalog.GetCategoryAsync(current.CategoryCode);
            var resolveBy = calendar.AddWorkingDays(cases.Today, category.ResolveWithinDays);
            return await cases.CommitAsync(current, CaseAction.Accept,
                "status = 'accepted', decided_at = @now, resolve_by = @resolveBy, due_on = @resolveBy", new { resolveBy },
                new CaseEvent("accepted", Public: true, Data: new { resolveBy }), reason: null, cancellationToken);
        }
    }
}

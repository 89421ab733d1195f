using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>受理: the handling section takes the case on; its resolution deadline starts today.</summary>
public static class AcceptComplaint
{
    public static readonly CaseEventType Accepted = new("accepted", Public: true,
        w => Lang.Pick($"已受理，将于 {w.Day("resolveBy")} 前办结", $"Accepted; to be resolved by {w.Day("resolveBy")}"));

    public static readonly CaseActionDefinition Description = new()
    {
        Action = CaseAction.Accept, Route = "/accept", OperationName = "AcceptComplaint", Summary = "受理: accept the case",
        Request = CaseActionBinding.WithoutBody((code, version) => new Command(code, version)),
        Who = CaseActor.HandlingSection, From = WhenStatus.Submitted, After = StatusAfter.Becomes(ComplaintStatus.Accepted),
        Events = [Accepted], Done = ("受理", "accepted"),
    };

    public sealed record Command(string TrackingCode, int Version) : ICommand<CaseActionResult>;

    public sealed class Handler(CaseHandling cases, CategoryCatalog catalog, WorkingDayCalendar calendar) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, Description, cancellationToken);
            var category = await catalog.GetCategoryAsync(current.CategoryCode);
            var resolveBy = calendar.AddWorkingDays(cases.Today, category.ResolveWithinDays);
            return await cases.CommitAsync(current, Description,
                "decided_at = @now, resolve_by = @resolveBy, due_on = @resolveBy", new { resolveBy },
                new CaseEvent(Accepted, Data: new { resolveBy }) { Notices = [new(CitizenNotices.Accepted, new { resolveBy })] }, reason: null, cancellationToken);
        }
    }
}

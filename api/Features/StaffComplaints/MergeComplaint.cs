using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// 合并: a duplicate joins its original case. The duplicate points at the original, and its
/// citizen is told which case handles theirs. Only a case the head can see, that is still
/// going (or resolved), and of the same confidentiality can be the original.
/// </summary>
public static class MergeComplaint
{
    public static readonly CaseEventType Merged = new("merged", Public: true,
        w => Lang.Pick($"与案件 {w.Text("originalTrackingCode")} 合并办理，请以该案件的进展为准",
            $"Merged with case {w.Text("originalTrackingCode")}, which now handles your complaint"));

    public static readonly CaseActionDefinition Description = new()
    {
        Action = CaseAction.Merge, Route = "/merge", OperationName = "MergeComplaint",
        Summary = "合并: merge this duplicate into its original case (section head)",
        Request = CaseActionBinding.WithBody<Request>((code, version, request) => new Command(code, version, request.OriginalTrackingCode, request.Reason)),
        Who = CaseActor.SectionHead, From = WhenStatus.Open, After = StatusAfter.Becomes(ComplaintStatus.Merged),
        Events = [Merged], Done = ("合并", "merged"),
    };

    public sealed record Request(string OriginalTrackingCode, string? Reason = null);

    public sealed record Command(string TrackingCode, int Version, string OriginalTrackingCode, string? Reason) : ICommand<CaseActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.OriginalTrackingCode).NotEmpty().WithMessage(_ => Lang.Pick("请填写原案件的查询编号", "Enter the original case's tracking code"));
            RuleFor(c => c.Reason).OptionalText(1000);
        }
    }

    public sealed class Handler(CaseHandling cases, AuditLog audit, CurrentStaff staff) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, Description, cancellationToken);
            CaseHandling.Case original;
            try
            {
                original = await cases.FindVisibleAsync(command.OriginalTrackingCode, Description.AuditAction, cancellationToken);
            }
            catch (ProblemException notFound) when (notFound.Status == StatusCodes.Status404NotFound)
            {
                if (notFound.Denial is { } denial)
                    await audit.RecordOutsideTransactionAsync(AuditActor.Of(staff), denial, "denied", cancellationToken);
                throw NotAnOriginal(Lang.Pick("找不到原案件", "No such original case"));
            }
            if (original.Id == current.Id) throw NotAnOriginal(Lang.Pick("不能与自身合并", "A case cannot be merged into itself"));
            if (original.Status is ComplaintStatus.Merged or ComplaintStatus.Rejected or ComplaintStatus.Closed)
                throw NotAnOriginal(Lang.Pick("原案件已合并、不予受理或已关闭", "The original case is merged, rejected or closed"));
            if (original.Confidential != current.Confidential)
                throw NotAnOriginal(Lang.Pick("作风类投诉只能与作风类投诉合并", "Conduct complaints merge only with conduct complaints"));

            var reason = ComplaintText.Clean(command.Reason);
            return await cases.CommitAsync(current, Description, "merged_into_id = @originalId", new { originalId = original.Id },
                new CaseEvent(Merged, reason, new { originalTrackingCode = original.TrackingCode }) { Notices = [new(CitizenNotices.Merged, new { })] },
                reason, cancellationToken);
        }

        private static ValidationException NotAnOriginal(string message) =>
            new([new ValidationFailure(nameof(Command.OriginalTrackingCode), message)]);
    }
}

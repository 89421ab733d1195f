using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.FollowUp;

/// <summary>
/// 复查 (信访条例 art. 34): within 30 days of the result, once per case, the citizen asks for the
/// case to be looked at again. It reopens in progress with the same section, flagged as a review,
/// with a fresh resolution deadline (the category's working days from today) that 督办 watches
/// again. An evaluation already given stays; the case is not offered a second one.
/// </summary>
public static class RequestReview
{
    /// <param name="Reason">Why the result is not acceptable: 1–1000 characters.</param>
    public sealed record Request(string? Reason);

    public sealed record Command(string TrackingCode, string? QueryPassword, string? Reason) : ICommand<Result>;

    /// <param name="ResolveBy">The bureau's date by which the review is to be resolved.</param>
    public sealed record Result(string TrackingCode, ComplaintStatus Status, DateTimeOffset ReviewRequestedAt, DateOnly ResolveBy);

    public const int MaxReasonLength = 1000;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Reason).RequiredText(MaxReasonLength);
    }

    public sealed class Handler(CitizenAccess access, FollowUpCases cases, CategoryCatalog catalog, WorkingDayCalendar calendar)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var id = await access.VerifyAsync(command.TrackingCode, command.QueryPassword, cancellationToken);
            var current = await cases.LockAsync(id, cancellationToken);
            if (FollowUpRules.WhyNoReview(current.State, cases.Today) is { } refusal)
                throw new ProblemException(StatusCodes.Status409Conflict, refusal);

            var category = await catalog.GetCategoryAsync(current.CategoryCode);
            var resolveBy = calendar.AddWorkingDays(cases.Today, category.ResolveWithinDays);
            // The result no longer stands (resolved_at, closed_at cleared); resolving again sets them anew.
            await cases.UpdateAsync(id,
                """
                status = 'in_progress', review_requested_at = @now, resolved_at = null, closed_at = null,
                resolve_by = @resolveBy, due_on = @resolveBy, reminded_for = null
                """, new { resolveBy }, cancellationToken);
            await cases.RecordEventAsync(id, "review_requested", "citizen", ComplaintText.Clean(command.Reason), new { resolveBy }, cancellationToken);
            await cases.WithdrawPublicationAsync(id, "复查：办理结果待重新确认 / Under review: the result is being looked at again", cancellationToken);
            return new Result(current.TrackingCode, ComplaintStatus.InProgress, cases.Now, resolveBy);
        }
    }
}

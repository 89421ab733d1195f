using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// 延期: the section asks for more time, with a reason — at most 30 working days, once per case
/// (信访条例 art. 33). A leader approves or refuses; until then the deadline stands.
/// </summary>
public static class RequestExtension
{
    public const int MaxDays = 30;

    /// <param name="Days">Working days to add to the resolution deadline: 1–30.</param>
    public sealed record Request(int Days, string Reason);

    public sealed record Command(string TrackingCode, int Version, int Days, string Reason) : ICommand<CaseActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Days).InclusiveBetween(1, MaxDays)
                .WithMessage(_ => Lang.Pick($"延期天数须为 1–{MaxDays} 个工作日", $"An extension is 1–{MaxDays} working days"));
            RuleFor(c => c.Reason).RequiredText(1000);
        }
    }

    public sealed class Handler(CaseHandling cases) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, CaseAction.RequestExtension, cancellationToken);
            if (current.ExtensionStatus is not null)
                throw new ProblemException(StatusCodes.Status409Conflict,
                    Lang.Pick("每个案件只能申请一次延期", "A case can be extended only once"));
            var reason = ComplaintText.Clean(command.Reason)!;
            return await cases.CommitAsync(current, CaseAction.RequestExtension,
                "extension_status = 'requested', extension_days = @Days, extension_reason = @reason", new { command.Days, reason },
                new CaseEvent("extension_requested", Public: false, reason, new { command.Days }), reason, cancellationToken);
        }
    }
}

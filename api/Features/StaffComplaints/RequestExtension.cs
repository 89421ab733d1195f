using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Features.Complaints;
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

    public static readonly CaseEventType Requested = new("extension_requested", Public: false);

    public static readonly CaseActionDefinition Description = new()
    {
        Action = CaseAction.RequestExtension, Route = "/extensions", OperationName = "RequestExtension",
        Summary = "延期: ask for up to 30 more working days, once",
        Request = CaseActionBinding.WithBody<Request>((code, version, request) => new Command(code, version, request.Days, request.Reason)),
        Who = CaseActor.HandlingSection, From = WhenStatus.InHand,
        Requires = [new(facts => facts.ExtensionStatus is null, "每个案件只能申请一次延期", "A case can be extended only once")],
        Events = [Requested], Done = ("申请延期", "extended"),
    };

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
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, Description, cancellationToken);
            var reason = ComplaintText.Clean(command.Reason)!;
            return await cases.CommitAsync(current, Description,
                "extension_status = 'requested', extension_days = @Days, extension_reason = @reason", new { command.Days, reason },
                new CaseEvent(Requested, reason, new { command.Days }) { Notices = [new(StaffNotices.ExtensionRequested, new { days = command.Days })] },
                reason, cancellationToken);
        }
    }
}

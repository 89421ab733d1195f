using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// Text added to a case: an internal note, which staff see and the citizen never does (allowed
/// at any time, even after the case ends), or a public reply, which the citizen reads on the
/// tracking page. The first of either after acceptance puts the case in progress.
/// </summary>
public static class AddNoteOrReply
{
    public static readonly CaseEventType NoteAdded = new("note", Public: false);

    public static readonly CaseEventType Replied = new("reply", Public: true, w => Lang.Pick($"答复：{w.Message}", $"Reply: {w.Message}"));

    public static readonly CaseActionDefinition Note = new()
    {
        Action = CaseAction.Note, Route = "/notes", OperationName = "AddNote", Summary = "Add an internal note (never shown to the citizen)",
        Request = CaseActionBinding.WithBody<Request>((code, version, request) => new Command(CaseAction.Note, code, version, request.Text)),
        Who = CaseActor.HandlingSection, From = WhenStatus.Any, After = StatusAfter.WorkStarts,
        Events = [NoteAdded], Done = ("添加内部备注", "annotated"),
    };

    public static readonly CaseActionDefinition Reply = new()
    {
        Action = CaseAction.Reply, Route = "/replies", OperationName = "AddReply", Summary = "Add a public reply (shown to the citizen)",
        Request = CaseActionBinding.WithBody<Request>((code, version, request) => new Command(CaseAction.Reply, code, version, request.Text)),
        Who = CaseActor.HandlingSection, From = WhenStatus.Open, After = StatusAfter.WorkStarts,
        Events = [Replied], Done = ("答复", "replied to"),
    };

    public sealed record Request(string Text);

    public sealed record Command(CaseAction Action, string TrackingCode, int Version, string Text) : ICommand<CaseActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Text).RequiredText(4000);
    }

    public sealed class Handler(CaseHandling cases) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var action = CaseActions.Of(command.Action);
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, action, cancellationToken);
            var text = ComplaintText.Clean(command.Text);
            return await cases.CommitAsync(current, action, set: null, values: null,
                new CaseEvent(action.Events[0], text) { Notices = action == Reply ? [new(CitizenNotices.Replied, new { reply = text })] : [] },
                reason: null, cancellationToken);
        }
    }
}

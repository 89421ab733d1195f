using Feedback.Api.Features.Cases;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>A public reply: the citizen reads it on the tracking page. The first one after acceptance puts the case in progress.</summary>
public static class AddReply
{
    public sealed record Request(string Text);

    public sealed record Command(string TrackingCode, int Version, string Text) : ICommand<CaseActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Text).RequiredText(4000);
    }

    public sealed class Handler(CaseHandling cases) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, CaseAction.Reply, cancellationToken);
            return await cases.CommitAsync(current, CaseAction.Reply, "status = @status", new { status = CaseHandling.StatusAfter(CaseAction.Reply, current) },
                new CaseEvent("reply", Public: true, ComplaintText.Clean(command.Text)), reason: null, cancellationToken);
        }
    }
}

using Feedback.Api.Features.Cases;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>办结: the section records the result the citizen will read and evaluate.</summary>
public static class ResolveComplaint
{
    /// <param name="Result">What was found and done; shown to the citizen.</param>
    public sealed record Request(string Result);

    public sealed record Command(string TrackingCode, int Version, string Result) : ICommand<CaseActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Result).RequiredText(4000);
    }

    public sealed class Handler(CaseHandling cases) : ICommandHandler<Command, CaseActionResult>
    {
        public async ValueTask<CaseActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var current = await cases.BeginAsync(command.TrackingCode, command.Version, CaseAction.Resolve, cancellationToken);
            return await cases.CommitAsync(current, CaseAction.Resolve, "status = 'resolved', resolved_at = @now", null,
                new CaseEvent("resolved", Public: true, ComplaintText.Clean(command.Result)), reason: null, cancellationToken);
        }
    }
}

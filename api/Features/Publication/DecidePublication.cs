using System.Text.Json.Serialization;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.StaffComplaints;
using Feedback.Api.Infrastructure.Database;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Publication;

/// <summary>
/// The handling section's head, or a bureau leader, approves a proposal — it is public from then
/// on — or refuses it with a reason the proposer reads on the case. Never the proposal's author.
/// </summary>
public static class DecidePublication
{
    /// <param name="Approve">true publishes the proposal, false refuses it; required.</param>
    /// <param name="Reason">Why; required when refusing.</param>
    public sealed record Request([property: JsonRequired] bool Approve, string? Reason = null);

    public sealed record Command(string TrackingCode, int Version, bool Approve, string? Reason) : ICommand<PublicationActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Reason).OptionalText(1000);
            RuleFor(c => c.Reason).RequiredText(1000).When(c => !c.Approve);
        }
    }

    public sealed class Handler(CasePublications publications, WriteTransaction database) : ICommandHandler<Command, PublicationActionResult>
    {
        public async ValueTask<PublicationActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var target = await publications.BeginAsync(command.TrackingCode, command.Version, PublicationAction.Decide, cancellationToken);
            var reason = ComplaintText.Clean(command.Reason);
            var status = command.Approve ? "published" : "refused";
            var version = await database.QuerySingleOrDefaultAsync<int?>(
                """
                update published_cases
                set status = @status, decided_by = @me, decided_at = @now, decision_reason = @reason,
                    published_at = case when @status = 'published' then coalesce(published_at, @now) else published_at end,
                    version = version + 1
                where id = @Id and version = @Version
                returning version
                """,
                new { status, me = publications.Viewer.Id, now = publications.Now, reason, target.Publication.Id, target.Publication.Version },
                cancellationToken) ?? throw CasePublications.Stale();

            return await publications.FinishAsync(target, PublicationAction.Decide, status, version,
                new CaseEvent(command.Approve ? CasePublications.Approved : CasePublications.Refused, reason),
                new { Status = status, Version = version }, reason, cancellationToken);
        }
    }
}

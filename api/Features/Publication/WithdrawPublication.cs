using Feedback.Api.Features.Cases;
using Feedback.Api.Features.StaffComplaints;
using Feedback.Api.Infrastructure.Database;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Publication;

/// <summary>
/// Takes a published case (or a waiting proposal) down at once, with a reason: mistakes happen,
/// and removing text from public view needs no second person. It can be proposed again later.
/// </summary>
public static class WithdrawPublication
{
    /// <param name="Reason">Why it comes down (internal).</param>
    public sealed record Request(string? Reason);

    public sealed record Command(string TrackingCode, int Version, string? Reason) : ICommand<PublicationActionResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Reason).RequiredText(1000);
    }

    public sealed class Handler(CasePublications publications, WriteTransaction database) : ICommandHandler<Command, PublicationActionResult>
    {
        public async ValueTask<PublicationActionResult> Handle(Command command, CancellationToken cancellationToken)
        {
            var target = await publications.BeginAsync(command.TrackingCode, command.Version, PublicationAction.Withdraw, cancellationToken);
            var reason = ComplaintText.Clean(command.Reason)!;
            var version = await database.QuerySingleOrDefaultAsync<int?>(
                """
                update published_cases
                set status = 'withdrawn', decided_by = @me, decided_at = @now, decision_reason = @reason, version = version + 1
                where id = @Id and version = @Version
                returning version
                """,
                new { me = publications.Viewer.Id, now = publications.Now, reason, target.Publication.Id, target.Publication.Version },
                cancellationToken) ?? throw CasePublications.Stale();

            return await publications.FinishAsync(target, PublicationAction.Withdraw, "withdrawn", version,
                new CaseEvent(CasePublications.Withdrawn, reason, new { wasPublished = target.Publication.Status == "published" }),
                new { Status = "withdrawn", Version = version }, reason, cancellationToken);
        }
    }
}

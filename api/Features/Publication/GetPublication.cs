using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.StaffComplaints;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Security;
using Mediator;

namespace Feedback.Api.Features.Publication;

/// <summary>
/// A case's publication as staff who may see the case see it: the text proposed or published,
/// who proposed and decided, and what the viewer may do now. Its version is the ETag.
/// </summary>
public static class GetPublication
{
    public sealed record Query(string TrackingCode) : IQuery<View>;

    /// <param name="Status">none (nothing proposed yet), proposed, refused, published or withdrawn.</param>
    /// <param name="Version">For If-Match; 0 while nothing was proposed.</param>
    /// <param name="Eligible">Whether the case may be proposed now (resolved or closed, and not a conduct case).</param>
    /// <param name="IneligibleReason">Why not, in the caller's language.</param>
    /// <param name="DecisionReason">Why it was refused or withdrawn (or the approver's note).</param>
    /// <param name="AvailableActions">propose, decide, withdraw: what this viewer may do now.</param>
    public sealed record View(
        string TrackingCode, string Status, int Version, bool Eligible, string? IneligibleReason,
        string? Summary, string? Result, GetCase.StaffMember? ProposedBy, DateTimeOffset? ProposedAt,
        GetCase.StaffMember? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason, DateTimeOffset? PublishedAt,
        IReadOnlyList<string> AvailableActions);

    private sealed record Row(
        string TrackingCode, string CaseStatus, string SectionCode, string CategoryCode, string? Status, int? Version,
        string? Summary, string? Result, long? ProposedBy, string? ProposerName, DateTime? ProposedAt,
        long? DecidedBy, string? DeciderName, DateTime? DecidedAt, string? DecisionReason, DateTime? PublishedAt);

    public sealed class Handler(ReadDatabase database, CurrentStaff staff, CategoryCatalog catalog, AuditLog audit) : IQueryHandler<Query, View>
    {
        public async ValueTask<View> Handle(Query query, CancellationToken cancellationToken)
        {
            var code = SecretCode.Normalize(query.TrackingCode) ?? throw CaseHandling.NotFound();
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                """
                select c.tracking_code, c.status as case_status, c.section_code, c.category_code,
                       p.status, p.version, p.summary, p.result, p.proposed_by, pu.display_name as proposer_name, p.proposed_at,
                       p.decided_by, du.display_name as decider_name, p.decided_at, p.decision_reason, p.published_at
                from complaints c
                left join published_cases p on p.complaint_id = c.id
                left join staff_users pu on pu.id = p.proposed_by
                left join staff_users du on du.id = p.decided_by
                where c.tracking_code = @code
                """, new { code }, cancellationToken: cancellationToken)) ?? throw CaseHandling.NotFound();

            var category = await catalog.GetCategoryAsync(row.CategoryCode);
            var viewer = Viewer.Of(staff);
            if (!CaseRules.CanSee(viewer, row.SectionCode, category.Confidential))
            {
                await audit.RecordOutsideTransactionAsync(AuditActor.Of(staff),
                    new AuditEntry("publication.view", "complaint", row.TrackingCode, Reason: "case of a section the caller may not see"),
                    "denied", cancellationToken);
                throw CaseHandling.NotFound();
            }

            var status = row.Status ?? "none";
            var finished = PublicationRules.CaseIsPublishable(ComplaintStatuses.Parse(row.CaseStatus));
            var ineligible = category.Confidential ? PublicationRules.NeverConfidential : finished ? null : PublicationRules.CaseNotFinished;
            var available = category.Confidential
                ? []
                : Enum.GetValues<PublicationAction>()
                    .Where(action => PublicationRules.MayPerform(viewer, action, row.SectionCode) && PublicationRules.AllowedFrom(action, status))
                    .Where(action => action == PublicationAction.Withdraw || finished)
                    .Where(action => action != PublicationAction.Decide || row.ProposedBy != viewer.Id)
                    .Select(PublicationRules.ActionCode)
                    .ToList();
            return new View(
                row.TrackingCode, status, row.Version ?? 0, ineligible is null, ineligible, row.Summary, row.Result,
                row.ProposedBy is { } proposer ? new GetCase.StaffMember(proposer, row.ProposerName!) : null, Utc(row.ProposedAt),
                row.DecidedBy is { } decider ? new GetCase.StaffMember(decider, row.DeciderName!) : null, Utc(row.DecidedAt),
                row.DecisionReason, Utc(row.PublishedAt), available);
        }

        private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
    }
}

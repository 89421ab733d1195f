using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.StaffComplaints;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Publication;

/// <summary>The answer to every publication action: its status now and the version for the next If-Match.</summary>
public sealed record PublicationActionResult(string TrackingCode, string Status, int Version);

/// <summary>
/// The steps the publication actions share, in the case actions' order: not yours (404) → a
/// conduct case (409: nobody may, so "who may" would mislead) → not your role (403) → stale
/// (412) → your own text (403, four eyes) → not in this state (409). The publication keeps its
/// own version (0 before anything was proposed), so publishing never makes a clerk's case form stale.
/// </summary>
public sealed class CasePublications(CaseHandling cases, WriteTransaction database, CurrentStaff staff, AuditLog audit)
{
    // The publication's steps on the case's timeline: staff see them, the citizen does not.
    public static readonly CaseEventType Proposed = new("publication_proposed", Public: false);
    public static readonly CaseEventType Approved = new("publication_approved", Public: false);
    public static readonly CaseEventType Refused = new("publication_refused", Public: false);
    public static readonly CaseEventType Withdrawn = new("publication_withdrawn", Public: false);

    public sealed record Current(long? Id, string Status, int Version, long? ProposedBy, string? Summary, string? Result);

    public sealed record Target(CaseHandling.Case Case, Current Publication);

    public Viewer Viewer => cases.Viewer;

    public DateTimeOffset Now => cases.Now;

    public async Task<Target> BeginAsync(string trackingCode, int expectedVersion, PublicationAction action, CancellationToken cancellationToken)
    {
        var auditAction = AuditAction(action);
        var found = await cases.FindVisibleAsync(trackingCode, auditAction, cancellationToken);
        if (found.Confidential) throw new ProblemException(StatusCodes.Status409Conflict, PublicationRules.NeverConfidential);
        if (!PublicationRules.MayPerform(Viewer, action, found.SectionCode))
            throw new ProblemException(StatusCodes.Status403Forbidden, PublicationRules.WhoMay(action),
                denial: new AuditEntry(auditAction, "complaint", found.TrackingCode, Reason: "role or section may not do this"));

        var current = await database.QuerySingleOrDefaultAsync<Current>(
            "select id, status, version, proposed_by, summary, result from published_cases where complaint_id = @Id for update",
            found, cancellationToken) ?? new Current(null, "none", 0, null, null, null);
        if (current.Version != expectedVersion) throw Stale();
        if (action == PublicationAction.Decide && current.ProposedBy == Viewer.Id)
            throw new ProblemException(StatusCodes.Status403Forbidden, PublicationRules.OwnProposal,
                denial: new AuditEntry(auditAction, "complaint", found.TrackingCode, Reason: "four eyes: the proposer may not decide"));
        if (!PublicationRules.AllowedFrom(action, current.Status))
            throw new ProblemException(StatusCodes.Status409Conflict, PublicationRules.NotAllowedNow(action));
        if (action != PublicationAction.Withdraw && !PublicationRules.CaseIsPublishable(found.Status))
            throw new ProblemException(StatusCodes.Status409Conflict, PublicationRules.CaseNotFinished);
        return new Target(found, current);
    }

    /// <summary>Records the internal timeline event and the audit entry of a change already made.</summary>
    public async Task<PublicationActionResult> FinishAsync(
        Target target, PublicationAction action, string status, int version, CaseEvent entry, object after, string? reason,
        CancellationToken cancellationToken)
    {
        await cases.RecordEventAsync(target.Case.Id, entry, cancellationToken);
        await audit.RecordAsync(AuditActor.Of(staff), new AuditEntry(AuditAction(action), "complaint", target.Case.TrackingCode,
            Before: new { target.Publication.Status, target.Publication.Version, target.Publication.Summary, target.Publication.Result },
            After: after, Reason: reason), cancellationToken);
        return new PublicationActionResult(target.Case.TrackingCode, status, version);
    }

    public static string AuditAction(PublicationAction action) => $"publication.{PublicationRules.ActionCode(action)}";

    public static ProblemException Stale() =>
        new(StatusCodes.Status412PreconditionFailed,
            Lang.Pick("公开内容已被他人修改，请刷新后重试", "Someone changed this publication since you loaded it: reload and try again"));
}

using System.Globalization;
using System.Text.Json;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>The answer to every case action: the new status and the version for the next If-Match.</summary>
public sealed record CaseActionResult(string TrackingCode, ComplaintStatus Status, int Version);

/// <summary>An entry for the case's timeline, of one of the types the action describes, and who is told of it.</summary>
public sealed record CaseEvent(CaseEventType Type, string? Message = null, object? Data = null)
{
    public IReadOnlyList<Notice> Notices { get; init; } = [];
}

/// <summary>
/// The steps every case action shares, in the order a refusal should be explained:
/// unknown or not yours (404, the same answer, so codes cannot be probed) → not your role (403)
/// → someone changed it since you looked (412) → not in this status (409). Then one conditional
/// update (so of two people acting at once exactly one wins), the timeline event and the audit
/// entry, all in the command's transaction.
/// </summary>
public sealed class CaseHandling(
    WriteTransaction database, CurrentStaff staff, AuditLog audit, CategoryCatalog catalog, BureauClock clock, NotificationOutbox outbox)
{
    public sealed record Case(
        long Id, string TrackingCode, ComplaintStatus Status, string SectionCode, string CategoryCode, bool Confidential, int Version,
        DateOnly AcceptBy, DateOnly? ResolveBy, long? AssigneeId, string? ExtensionStatus, int? ExtensionDays, bool ReviewRequested)
    {
        public CaseFacts Facts => new(Status, Confidential, ExtensionStatus);
    }

    private sealed record Row(
        long Id, string TrackingCode, string Status, string SectionCode, string CategoryCode, int Version,
        DateOnly AcceptBy, DateOnly? ResolveBy, long? AssigneeId, string? ExtensionStatus, int? ExtensionDays, bool ReviewRequested);

    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web);

    public Viewer Viewer => Viewer.Of(staff);

    public DateTimeOffset Now { get; } = clock.UtcNow;

    public DateOnly Today => clock.DateOf(Now);

    /// <summary>Loads the case for <paramref name="action"/>, or throws the problem that says why not.</summary>
    public async Task<Case> BeginAsync(string trackingCode, int expectedVersion, CaseActionDefinition action, CancellationToken cancellationToken)
    {
        var found = await FindVisibleAsync(trackingCode, action.AuditAction, cancellationToken);
        if (!CaseRules.MayPerform(Viewer, action.Action, found.SectionCode))
            throw new ProblemException(StatusCodes.Status403Forbidden, CaseRules.WhoMay(action.Action),
                denial: new AuditEntry(action.AuditAction, "complaint", found.TrackingCode, Reason: "role or section may not do this"));
        if (found.Version != expectedVersion) throw Stale();
        if (!action.From(found.Status))
            throw new ProblemException(StatusCodes.Status409Conflict, CaseRules.NotAllowedNow(action.Action, found.Status));
        if (CaseRules.Unmet(action.Action, found.Facts) is { } unmet)
            throw new ProblemException(StatusCodes.Status409Conflict, Lang.Pick(unmet.Zh, unmet.En));
        return found;
    }

    /// <summary>A case the viewer may see, by its tracking code; anything else is the same 404.</summary>
    public async Task<Case> FindVisibleAsync(string trackingCode, string attemptedAction, CancellationToken cancellationToken)
    {
        var code = SecretCode.Normalize(trackingCode) ?? throw NotFound();
        var row = await database.QuerySingleOrDefaultAsync<Row>(
            """
            select id, tracking_code, status, section_code, category_code, version, accept_by, resolve_by,
                   assignee_id, extension_status, extension_days, review_requested_at is not null as review_requested
            from complaints where tracking_code = @code
            """,
            new { code }, cancellationToken) ?? throw NotFound();
        var category = await catalog.GetCategoryAsync(row.CategoryCode);
        var found = new Case(row.Id, row.TrackingCode, ComplaintStatuses.Parse(row.Status), row.SectionCode, row.CategoryCode,
            category.Confidential, row.Version, row.AcceptBy, row.ResolveBy, row.AssigneeId, row.ExtensionStatus, row.ExtensionDays,
            row.ReviewRequested);
        if (!CaseRules.CanSee(Viewer, found.SectionCode, found.Confidential))
            throw NotFound(new AuditEntry(attemptedAction, "complaint", found.TrackingCode, Reason: "case of a section the caller may not see"));
        return found;
    }

    private sealed record After(string Status, string SectionCode, int Version, long? AssigneeId, DateOnly DueOn, DateOnly? ResolveBy);

    /// <summary>
    /// Moves the case to the status the action leads to and applies <paramref name="set"/> (the
    /// action's own columns, a fixed SQL fragment written by the handler, or null) if nobody changed
    /// the case since <see cref="BeginAsync"/>, then records the event, its notice to the citizen and the audit entry.
    /// </summary>
    public async Task<CaseActionResult> CommitAsync(
        Case before, CaseActionDefinition action, string? set, object? values, CaseEvent entry, string? reason, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(values);
        parameters.Add("id", before.Id);
        parameters.Add("version", before.Version);
        parameters.Add("now", Now);
        parameters.Add("status", action.After(before.Status).ToCode());
        var after = await database.QuerySingleOrDefaultAsync<After>(
            $"""
             update complaints set status = @status{(set is null ? "" : ", " + set)}, updated_at = @now, version = version + 1
             where id = @id and version = @version
             returning status, section_code, version, assignee_id, due_on, resolve_by
             """,
            parameters, cancellationToken) ?? throw Stale();

        await RecordEventAsync(before.Id, entry, cancellationToken);
        await audit.RecordAsync(AuditActor.Of(staff), new AuditEntry(action.AuditAction, "complaint", before.TrackingCode,
            Before: new
            {
                Status = before.Status.ToCode(), before.SectionCode, before.Version, before.AssigneeId,
                DueOn = before.ResolveBy ?? before.AcceptBy, before.ExtensionStatus,
            },
            After: after, Reason: reason), cancellationToken);
        return new CaseActionResult(before.TrackingCode, ComplaintStatuses.Parse(after.Status), after.Version);
    }

    /// <summary>The event on the timeline, and its notices in the outbox.</summary>
    public async Task RecordEventAsync(long complaintId, CaseEvent entry, CancellationToken cancellationToken)
    {
        await database.ExecuteAsync(
            """
            insert into complaint_events (complaint_id, type, visibility, actor_kind, actor_id, message, data, occurred_at)
            values (@complaintId, @type, @visibility, 'staff', @actorId, @message, @data::jsonb, @now)
            """,
            new
            {
                complaintId,
                type = entry.Type.Type,
                visibility = entry.Type.Public ? "public" : "internal",
                actorId = staff.Id.ToString(CultureInfo.InvariantCulture),
                message = entry.Message,
                data = JsonSerializer.Serialize(entry.Data ?? new { }, DataJson),
                now = Now,
            }, cancellationToken);
        foreach (var notice in entry.Notices) await outbox.WriteAsync(complaintId, notice, Now, staff.Id, cancellationToken);
    }

    public static ProblemException NotFound(AuditEntry? denial = null) =>
        new(StatusCodes.Status404NotFound, Lang.Pick("没有这个案件", "No such case"), denial: denial);

    public static ProblemException Stale() =>
        new(StatusCodes.Status412PreconditionFailed, Lang.Pick("案件已被他人修改，请刷新后重试", "Someone changed this case since you loaded it: reload and try again"));
}

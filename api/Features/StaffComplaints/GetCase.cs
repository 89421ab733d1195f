using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.FollowUp;
using Feedback.Api.Features.Photos;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// The whole case for staff who may see it: the complaint, the citizen's contact details, the
/// deadlines with their flags, every event including internal notes, and the actions the viewer
/// may take now. Its version is the ETag the next action sends in If-Match.
/// </summary>
public static class GetCase
{
    public sealed record Query(string TrackingCode) : IQuery<Result>;

    public sealed record Contact(string? Name, string? Phone, string? Email);

    public sealed record StaffMember(long Id, string Name);

    /// <param name="Status">requested, approved or refused.</param>
    public sealed record Extension(string Status, int Days, string Reason);

    /// <param name="Visibility">public (the citizen sees it) or internal.</param>
    /// <param name="Actor">Who: a staff member's name, or null for the citizen and the system.</param>
    /// <param name="Data">Details that depend on the type (sections of a transfer, new deadline, referral…).</param>
    public sealed record Event(long Id, string Type, string Visibility, string ActorKind, StaffMember? Actor, DateTimeOffset At, string? Message, JsonObject Data);

    /// <param name="Reason">The citizen's reason, as in the "review_requested" event.</param>
    public sealed record Review(DateTimeOffset RequestedAt, string? Reason);

    /// <param name="Evaluation">The citizen's evaluation (回访评价), once given.</param>
    /// <param name="Review">Set when the citizen asked for a review (复查): the case is a review from then on.</param>
    /// <param name="SupportCount">"Me too" supports; null for a conduct complaint, which is never listed publicly and cannot be supported.</param>
    /// <param name="AvailableActions">What the caller may do now: exactly the actions the server would not refuse for a reason known in advance.</param>
    /// <param name="RejectionGrounds">The grounds this case may be rejected on.</param>
    /// <param name="Open311">For a case another system filed (channel open311): the key it used and what it sent besides the complaint.</param>
    public sealed record Result(
        string TrackingCode,
        ComplaintStatus Status,
        int Version,
        string CategoryCode,
        string CategoryName,
        string GroupName,
        bool Confidential,
        string SectionCode,
        string SectionName,
        ComplaintChannel Channel,
        string Description,
        string? Township,
        string? Address,
        Contact? Contact,
        DateTimeOffset SubmittedAt,
        DateOnly AcceptBy,
        DateOnly? ResolveBy,
        DateOnly DueOn,
        DeadlineFlags Deadline,
        StaffMember? Assignee,
        Extension? Extension,
        string? MergedInto,
        IReadOnlyList<string> MergedCases,
        int? SupportCount,
        SupportPattern? Supports,
        IReadOnlyList<CaseAction> AvailableActions,
        IReadOnlyList<RejectionGround> RejectionGrounds,
        IReadOnlyList<Event> Timeline,
        Evaluation? Evaluation,
        Review? Review,
        DateTimeOffset? ClosedAt,
        bool Urgent,
        IReadOnlyList<CaseAnswer> Answers,
        CasePin? Pin,
        IReadOnlyList<CasePhoto> Photos,
        Open311Source? Open311);

    /// <summary>How the "me too" supports came, so staff can tell a crowd from one person with many devices.</summary>
    /// <param name="Addresses">Distinct client addresses (IPv4, or IPv6 /64) they came from (supports older than this record have none).</param>
    /// <param name="LargestBurst">The most supports that came within <see cref="BurstMinutes"/> minutes of one another.</param>
    /// <param name="BurstStartedAt">When that burst began.</param>
    public sealed record SupportPattern(int Addresses, int LargestBurst, DateTimeOffset BurstStartedAt);

    public const int BurstMinutes = 10;

    private sealed record Row(
        long Id, string TrackingCode, string Status, int Version, string CategoryCode, string SectionCode, string Channel,
        string Description, string? Township, string? Address, string? ContactName, string? ContactPhone, string? ContactEmail,
        DateTime SubmittedAt, DateOnly AcceptBy, DateOnly? ResolveBy, DateOnly DueOn, long? AssigneeId, string? AssigneeName,
        string? ExtensionStatus, int? ExtensionDays, string? ExtensionReason, string? MergedInto, string MergedCases, int SupportCount, string? Supports, string Timeline,
        string? EvaluationSolved, string? EvaluationSatisfaction, DateTime? EvaluatedAt, DateTime? ReviewRequestedAt, DateTime? ClosedAt,
        bool Urgent, string Answers, double? Latitude, double? Longitude, string Photos,
        string? Open311Key, string? Open311DeviceId, string? Open311AccountId, string? Open311MediaUrl);

    private sealed record EventRow(long Id, string Type, string Visibility, string ActorKind, long? ActorId, string? ActorName,
        DateTimeOffset At, string? Message, JsonObject Data);

    private static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

    public sealed class Handler(ReadDatabase database, CurrentStaff staff, CategoryCatalog catalog, BureauClock clock,
        WorkingDayCalendar calendar, AuditLog audit) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var code = SecretCode.Normalize(query.TrackingCode) ?? throw CaseHandling.NotFound();
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                $"""
                select c.id, c.tracking_code, c.status, c.version, c.category_code, c.section_code, c.channel,
                       c.description, c.township, c.address, c.contact_name, c.contact_phone, c.contact_email,
                       c.submitted_at, c.accept_by, c.resolve_by, c.due_on, c.assignee_id, a.display_name as assignee_name,
                       c.extension_status, c.extension_days, c.extension_reason,
                       m.tracking_code as merged_into,
                       array_to_string(array(select d.tracking_code from complaints d where d.merged_into_id = c.id order by d.id), ',') as merged_cases,
                       c.support_count,
                       (select json_build_object('addresses', (select count(distinct client) from complaint_supports where complaint_id = c.id),
                                                 'largestBurst', b.n, 'burstStartedAt', b.supported_at)::text
                        from (select s.supported_at,
                                     count(*) over (order by s.supported_at range between current row and interval '{BurstMinutes} minutes' following) as n
                              from complaint_supports s where s.complaint_id = c.id) b
                        order by b.n desc, b.supported_at limit 1) as supports,
                       (select coalesce(json_agg(json_build_object(
                                   'id', e.id, 'type', e.type, 'visibility', e.visibility, 'actorKind', e.actor_kind,
                                   'actorId', u.id, 'actorName', u.display_name, 'at', e.occurred_at, 'message', e.message, 'data', e.data)
                               order by e.id), '[]')
                        from complaint_events e
                        left join staff_users u on e.actor_kind = 'staff' and u.id = e.actor_id::bigint
                        where e.complaint_id = c.id)::text as timeline,
                       c.evaluation_solved, c.evaluation_satisfaction, c.evaluated_at, c.review_requested_at, c.closed_at,
                       c.urgent, c.answers::text as answers, c.latitude, c.longitude,
                       {CasePhotoList.Sql} as photos,
                       k.name as open311_key, r.device_id as open311_device_id, r.account_id as open311_account_id, r.media_url as open311_media_url
                from complaints c
                left join staff_users a on a.id = c.assignee_id
                left join complaints m on m.id = c.merged_into_id
                left join open311_requests r on r.complaint_id = c.id
                left join open311_keys k on k.id = r.key_id
                where c.tracking_code = @code
                """,
                new { code }, cancellationToken: cancellationToken)) ?? throw CaseHandling.NotFound();

            var category = await catalog.GetCategoryAsync(row.CategoryCode);
            var viewer = Viewer.Of(staff);
            if (!CaseRules.CanSee(viewer, row.SectionCode, category.Confidential))
            {
                await audit.RecordOutsideTransactionAsync(AuditActor.Of(staff),
                    new AuditEntry("complaint.view", "complaint", row.TrackingCode, Reason: "case of a section the caller may not see"),
                    "denied", cancellationToken);
                throw CaseHandling.NotFound();
            }

            var section = await catalog.GetSectionAsync(row.SectionCode);
            var status = ComplaintStatuses.Parse(row.Status);
            var contact = row.ContactName ?? row.ContactPhone ?? row.ContactEmail;
            var timeline = JsonSerializer.Deserialize<List<EventRow>>(row.Timeline, EventJson)!
                .Select(e => new Event(e.Id, e.Type, e.Visibility, e.ActorKind,
                    e.ActorId is { } id ? new StaffMember(id, e.ActorName!) : null, e.At.ToUniversalTime(), e.Message, e.Data))
                .ToList();
            return new Result(
                row.TrackingCode, status, row.Version, row.CategoryCode,
                Lang.Pick(category.NameZh, category.NameEn), Lang.Pick(category.GroupNameZh, category.GroupNameEn), category.Confidential,
                row.SectionCode, Lang.Pick(section.NameZh, section.NameEn),
                Enum.Parse<ComplaintChannel>(row.Channel, ignoreCase: true),
                row.Description, row.Township, row.Address,
                contact is null ? null : new Contact(row.ContactName, row.ContactPhone, row.ContactEmail),
                new DateTimeOffset(row.SubmittedAt, TimeSpan.Zero), row.AcceptBy, row.ResolveBy, row.DueOn,
                Deadlines.Flags(status, row.DueOn, clock.DateOf(clock.UtcNow), calendar),
                row.AssigneeId is { } assigneeId ? new StaffMember(assigneeId, row.AssigneeName!) : null,
                row.ExtensionStatus is null ? null : new Extension(row.ExtensionStatus, row.ExtensionDays!.Value, row.ExtensionReason!),
                row.MergedInto, row.MergedCases.Split(',', StringSplitOptions.RemoveEmptyEntries),
                category.Confidential ? null : row.SupportCount,
                row.Supports is { } supports && !category.Confidential ? JsonSerializer.Deserialize<SupportPattern>(supports, EventJson) : null,
                CaseRules.Available(viewer, row.SectionCode, new CaseFacts(status, category.Confidential, row.ExtensionStatus)),
                RejectionGrounds.For(category.Confidential),
                timeline,
                Evaluation.Of(row.EvaluationSolved, row.EvaluationSatisfaction, row.EvaluatedAt, timeline.LastOrDefault(e => e.Type == "evaluated")?.Message),
                row.ReviewRequestedAt is { } reviewAt
                    ? new Review(new DateTimeOffset(reviewAt, TimeSpan.Zero), timeline.LastOrDefault(e => e.Type == "review_requested")?.Message)
                    : null,
                row.ClosedAt is { } closedAt ? new DateTimeOffset(closedAt, TimeSpan.Zero) : null,
                row.Urgent, CaseAnswers.Label(category, row.Answers),
                row is { Latitude: { } latitude, Longitude: { } longitude } ? new CasePin(latitude, longitude) : null,
                CasePhotoList.Parse(row.Photos),
                row.Open311Key is { } key ? new Open311Source(key, row.Open311DeviceId, row.Open311AccountId, row.Open311MediaUrl) : null);
        }
    }
}

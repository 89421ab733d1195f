using System.Text.Json;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Routing;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Observability;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// Files a new case, whoever takes it (a citizen online, a clerk from a phone call, letter or
/// visit): routes it, sets its acceptance deadline, draws its tracking code and query password,
/// and starts its timeline with "submitted" (public) and "routed" (internal, naming the rule).
/// </summary>
public sealed class ComplaintIntake(
    WriteTransaction database, CategoryCatalog catalog, BureauClock clock, WorkingDayCalendar calendar, Infrastructure.FeedbackOptions options,
    SubmissionCounter submissions)
{
    /// <param name="Description">Already cleaned (<see cref="ComplaintText.Clean"/>).</param>
    /// <param name="TakenBy">The staff member who registered it; null when the citizen filed it.</param>
    /// <param name="Answers">Validated and cleaned answers to the category's questions.</param>
    /// <param name="QueryPassword">Given when it must be reproducible (an idempotent submission); otherwise drawn at random.</param>
    /// <param name="NotifyBy">The channels the citizen consented to be told by (each with its contact given); a receipt goes out on each.</param>
    /// <param name="Language">The citizen's language (zh-CN or en), which their notices speak.</param>
    public sealed record NewComplaint(
        CategoryCatalog.Category Category, string Description, string? Township, string? Address,
        string? ContactName, string? ContactPhone, string? ContactEmail, ComplaintChannel Channel, long? TakenBy,
        IReadOnlyDictionary<string, string>? Answers = null, double? Latitude = null, double? Longitude = null,
        string? QueryPassword = null, IReadOnlyList<NotifyChannel>? NotifyBy = null, string Language = Lang.Chinese);

    /// <param name="ResolveBy">The latest resolution deadline: what acceptance sets (its day plus the category's
    /// working days) for a case accepted on its acceptance deadline.</param>
    public sealed record Filed(
        long Id, string TrackingCode, string QueryPassword, CategoryCatalog.Section Section, DateTimeOffset SubmittedAt, DateOnly AcceptBy,
        DateOnly ResolveBy, RoutingDecision Routing);

    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web);

    public async Task<Filed> FileAsync(NewComplaint complaint, CancellationToken cancellationToken)
    {
        var sections = await catalog.ListSectionsAsync();
        var routing = Router.Route(complaint.Category, complaint.Township, complaint.Description,
            await catalog.ListRoutingRulesAsync(), code => sections.Any(section => section.Code == code));
        var section = await catalog.GetSectionAsync(routing.SectionCode);

        var submittedAt = clock.UtcNow;
        var acceptBy = calendar.AddWorkingDays(clock.DateOf(submittedAt), complaint.Category.AcceptWithinDays);
        var queryPassword = complaint.QueryPassword ?? SecretCode.New();
        var channel = complaint.Channel.ToString().ToLowerInvariant();
        var parameters = new DynamicParameters(new
        {
            categoryCode = complaint.Category.Code,
            description = complaint.Description,
            township = complaint.Township,
            address = complaint.Address,
            contactName = complaint.ContactName,
            contactPhone = complaint.ContactPhone,
            contactEmail = complaint.ContactEmail,
            channel,
            answers = JsonSerializer.Serialize(complaint.Answers ?? new Dictionary<string, string>()),
            urgent = complaint.Category.Urgent,
            latitude = complaint.Latitude,
            longitude = complaint.Longitude,
            sectionCode = section.Code,
            submittedAt,
            acceptBy,
            passwordHash = QueryPasswordHash.Create(queryPassword),
            lexemes = ComplaintSearch.Lexemes(complaint.Description, complaint.Address, complaint.Township),
            actorKind = complaint.TakenBy is null ? "citizen" : "staff",
            actorId = complaint.TakenBy?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            submittedData = JsonSerializer.Serialize(new { sectionCode = section.Code, channel }, DataJson),
            notifyBy = (complaint.NotifyBy ?? []).Select(channel => channel.ToCode()).Distinct().ToArray(),
            language = complaint.Language,
            receipt = CitizenNotices.Receipt.Code,
            // The section's staff are told of the new case (NotificationOutbox.StaffSql).
            now = submittedAt, actor = complaint.TakenBy, timeZone = options.TimeZone.Id, facts = "{}",
            routedData = JsonSerializer.Serialize(new
            {
                sectionCode = section.Code,
                basis = routing.Basis.ToString().ToLowerInvariant(),
                ruleId = routing.RuleId,
                ruleName = routing.RuleName,
            }, DataJson),
        });

        // The case, the first two events of its timeline, its receipts and the section's news in one statement (one round trip).
        // A fresh random code collides with an existing one about once in 2^59 tries; if it does, draw again.
        string trackingCode;
        long? id;
        do
        {
            trackingCode = SecretCode.New();
            parameters.Add("trackingCode", trackingCode);
            id = await database.QuerySingleOrDefaultAsync<long?>(
                $"""
                with complaint as (
                    insert into complaints (tracking_code, query_password_hash, category_code, description, township, address,
                                            contact_name, contact_phone, contact_email, channel, status, section_code,
                                            submitted_at, accept_by, due_on, updated_at, search_vector,
                                            answers, urgent, latitude, longitude, notify_by, language)
                    values (@trackingCode, @passwordHash, @categoryCode, @description, @township, @address,
                            @contactName, @contactPhone, @contactEmail, @channel, 'submitted', @sectionCode,
                            @submittedAt, @acceptBy, @acceptBy, @submittedAt, array_to_tsvector(@lexemes::text[]),
                            @answers::jsonb, @urgent, @latitude, @longitude, @notifyBy, @language)
                    on conflict (tracking_code) do nothing
                    returning id, tracking_code, category_code, section_code, due_on, urgent, assignee_id
                ), receipts as (
                    insert into notifications (kind, channel, complaint_id, recipient, language, payload, created_at, next_attempt_at)
                    select @receipt, channel, complaint.id, case channel when 'sms' then @contactPhone else @contactEmail end, @language,
                           jsonb_build_object('trackingCode', @trackingCode, 'acceptBy', @acceptBy), @submittedAt, @submittedAt
                    from complaint cross join unnest(@notifyBy::text[]) as channel
                ), staff_notices as (
                    {NotificationOutbox.StaffSql(StaffNotices.NewCase, "complaint c", "true")}
                ), events as (
                    insert into complaint_events (complaint_id, type, visibility, actor_kind, actor_id, data, occurred_at)
                    select complaint.id, e.type, e.visibility, e.actor_kind, e.actor_id, e.data, @submittedAt
                    from complaint cross join (values
                        (1, 'submitted', 'public', @actorKind, @actorId, @submittedData::jsonb),
                        (2, 'routed', 'internal', 'system', null, @routedData::jsonb)
                    ) as e (n, type, visibility, actor_kind, actor_id, data)
                    order by e.n
                    returning complaint_id
                )
                select distinct complaint_id from events
                """,
                parameters, cancellationToken);
        } while (id is null);
        database.AfterCommit(() => submissions.Filed(channel));

        return new Filed(id.Value, trackingCode, queryPassword, section, submittedAt, acceptBy,
            calendar.AddWorkingDays(acceptBy, complaint.Category.ResolveWithinDays), routing);
    }
}

/// <summary>
/// feedback.submissions (feedback_submissions_total in Prometheus): cases filed, by channel, counted
/// when their transaction commits; an idempotent replay files nothing and counts nothing.
/// </summary>
public sealed class SubmissionCounter(ServiceMeter meter)
{
    private readonly System.Diagnostics.Metrics.Counter<long> _filed = meter.Meter.CreateCounter<long>(
        "feedback.submissions", "{submission}", "Cases filed, by channel (web, phone, letter, visit, open311)");

    public void Filed(string channel) => _filed.Add(1, new KeyValuePair<string, object?>("channel", channel));
}

/// <summary>How a complaint reached the bureau: online, taken by staff (一个窗口受理), or filed by another system through Open311.</summary>
public enum ComplaintChannel { Web, Phone, Letter, Visit, Open311 }

public static class ComplaintChannels
{
    /// <summary>The channel's name for people (CSV files, metrics tables).</summary>
    public static string Name(this ComplaintChannel channel, bool english) => channel switch
    {
        ComplaintChannel.Web => english ? "online" : "网上提交",
        ComplaintChannel.Phone => english ? "phone" : "来电",
        ComplaintChannel.Letter => english ? "letter" : "来信",
        ComplaintChannel.Visit => english ? "visit" : "来访",
        ComplaintChannel.Open311 => english ? "Open311" : "Open311 接口",
        _ => channel.ToString(),
    };
}

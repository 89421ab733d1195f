using System.Text.Json;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Features.FollowUp;
using Feedback.Api.Features.Photos;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using Mediator;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// A citizen looks up their case with its tracking code and query password (checked, and wrong
/// guesses counted, by <see cref="CitizenAccess"/>). Only public events are shown.
/// </summary>
public static class TrackComplaint
{
    public sealed record Query(string TrackingCode, string? QueryPassword) : IQuery<Result>;

    /// <param name="AcceptBy">The bureau's date by which the section decides to accept or reject.</param>
    /// <param name="ResolveBy">The bureau's date by which the section resolves the case (set on acceptance, moved by an extension or a review).</param>
    /// <param name="Description">What the citizen reported, as stored (their own words, shown only with the password).</param>
    /// <param name="Outcome">The section's result while it stands (resolved or closed), so the citizen reads it before evaluating.</param>
    /// <param name="FollowUp">Evaluation and review: their windows, whether each is possible now, and what the citizen did.</param>
    /// <param name="NotifyBy">The channels the citizen agreed to be told by (an unsubscribe or a stop request removes one).</param>
    /// <param name="Notices">What was sent to the citizen and when: kind and channel, never the contents.</param>
    public sealed record Result(
        string TrackingCode,
        ComplaintStatus Status,
        string CategoryCode,
        string CategoryName,
        string SectionName,
        DateTimeOffset SubmittedAt,
        string Description,
        string? Township,
        string? Address,
        DateOnly AcceptBy,
        DateOnly? ResolveBy,
        Outcome? Outcome,
        CitizenFollowUp FollowUp,
        IReadOnlyList<TimelineEntry> Timeline,
        IReadOnlyList<CasePhoto> Photos,
        IReadOnlyList<NotifyChannel> NotifyBy,
        IReadOnlyList<SentNotice> Notices);

    /// <param name="Text">The result the section wrote.</param>
    public sealed record Outcome(string Text, DateTimeOffset At);

    /// <param name="Type">What happened: submitted, accepted, rejected, transferred, reply, extension_approved, resolved, merged, evaluated, review_requested or closed.</param>
    /// <param name="Message">The event described in the caller's language.</param>
    public sealed record TimelineEntry(string Type, DateTimeOffset At, string Message);

    public sealed class Handler(ReadDatabase database, CategoryCatalog catalog, CitizenAccess access, BureauClock clock, FeedbackOptions options,
        CitizenWordings wordings) : IQueryHandler<Query, Result>
    {
        private sealed record CaseRow(
            string TrackingCode, string Status, string CategoryCode,
            string SectionCode, DateTime SubmittedAt, string Description, string? Township, string? Address, DateOnly AcceptBy, string Timeline,
            DateOnly? ResolveBy, DateTime? ResolvedAt, DateTime? ClosedAt, DateTime? ReviewRequestedAt,
            string? EvaluationSolved, string? EvaluationSatisfaction, DateTime? EvaluatedAt, string Photos, string NotifyBy, string Notices);

        private sealed record EventRow(string Type, DateTimeOffset At, string? Message, System.Text.Json.Nodes.JsonObject Data);

        private static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var code = CitizenAccess.NormalizeOrNotFound(query.TrackingCode);
            CitizenAccess.Key key;
            CaseRow? found;
            // The connection goes back to the pool before CitizenAccess may take one to write: holding
            // one while waiting for another would let a burst of lookups exhaust the pool.
            await using (var connection = await database.OpenConnectionAsync(cancellationToken))
            // One round trip: what CitizenAccess needs to judge the password, and the case with its
            // public timeline as JSON (read whatever the verdict, returned only after it); names come from the catalog.
            await using (var reader = await connection.QueryMultipleAsync(new CommandDefinition(
                $"""
                {CitizenAccess.KeySql};
                select c.tracking_code, c.status, c.category_code, c.section_code,
                       c.submitted_at, c.description, c.township, c.address, c.accept_by,
                       (select coalesce(json_agg(json_build_object('type', e.type, 'at', e.occurred_at, 'message', e.message, 'data', e.data)
                                                 order by e.id), '[]')
                        from complaint_events e
                        where e.complaint_id = c.id and e.visibility = 'public')::text as timeline,
                       c.resolve_by, c.resolved_at, c.closed_at, c.review_requested_at,
                       c.evaluation_solved, c.evaluation_satisfaction, c.evaluated_at,
                       {CasePhotoList.Sql} as photos,
                       array_to_string(c.notify_by, ',') as notify_by, {SentNotices.Sql} as notices
                from complaints c
                where c.tracking_code = @code
                """,
                access.KeyParameters(code), cancellationToken: cancellationToken)))
            {
                key = await reader.ReadSingleAsync<CitizenAccess.Key>();
                found = await reader.ReadSingleOrDefaultAsync<CaseRow>();
            }
            await access.ConfirmAsync(code, query.QueryPassword, key, cancellationToken);
            var row = found!; // a confirmed code names a case, and cases are never deleted

            var events = JsonSerializer.Deserialize<List<EventRow>>(row.Timeline, EventJson)!;
            var category = await catalog.GetCategoryAsync(row.CategoryCode);
            var section = await catalog.GetSectionAsync(row.SectionCode);
            return new Result(
                row.TrackingCode,
                Enum.Parse<ComplaintStatus>(row.Status.Replace("_", ""), ignoreCase: true),
                row.CategoryCode,
                Lang.Pick(category.NameZh, category.NameEn),
                Lang.Pick(section.NameZh, section.NameEn),
                new DateTimeOffset(row.SubmittedAt, TimeSpan.Zero),
                row.Description,
                row.Township,
                row.Address,
                row.AcceptBy,
                row.ResolveBy,
                row.Status is "resolved" or "closed" && events.LastOrDefault(e => e.Type == "resolved") is { Message: { } text } resolved
                    ? new Outcome(text, resolved.At.ToUniversalTime())
                    : null,
                FollowUpOf(row, events),
                await DescribeAllAsync(events),
                CasePhotoList.Parse(row.Photos),
                row.NotifyBy.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(NotifyChannels.Parse).ToList(),
                SentNotices.Parse(row.Notices));
        }

        private CitizenFollowUp FollowUpOf(CaseRow row, List<EventRow> events)
        {
            DateTimeOffset? Utc(DateTime? at) => at is { } value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
            var resolvedAt = Utc(row.ResolvedAt);
            var evaluation = Evaluation.Of(row.EvaluationSolved, row.EvaluationSatisfaction, row.EvaluatedAt,
                events.LastOrDefault(e => e.Type == "evaluated")?.Message);
            return CitizenFollowUp.Of(ComplaintStatuses.Parse(row.Status), resolvedAt, resolvedAt is { } at ? clock.DateOf(at) : null,
                evaluation, Utc(row.ReviewRequestedAt), Utc(row.ClosedAt), clock.Today, options.EvaluationDays);
        }

        private async Task<List<TimelineEntry>> DescribeAllAsync(List<EventRow> events)
        {
            var sectionName = await catalog.SectionNamesAsync();
            return events
                .Select(e => new TimelineEntry(e.Type, e.At.ToUniversalTime(), Describe(wordings, e.Type, new CitizenWords(e.Message, e.Data, sectionName))))
                .ToList();
        }
    }

    /// <summary>"You added information: … (2 photos)".</summary>
    private static string Supplement(CitizenWords w, int photos)
    {
        var zh = "您补充了材料" + (w.Message is null ? "" : $"：{w.Message}") + (photos > 0 ? $"（照片 {photos} 张）" : "");
        var en = "You added information" + (w.Message is null ? "" : $": {w.Message}") + (photos switch { 0 => "", 1 => " (1 photo)", _ => $" ({photos} photos)" });
        return Lang.Pick(zh, en);
    }

    /// <summary>
    /// Each public event in plain words, with the reason or text staff gave for it: the staff
    /// actions' events as their descriptions word them, the citizen's own and the system's here.
    /// Open311's status notes and updates word the same events through this too.
    /// </summary>
    public static string Describe(CitizenWordings wordings, string type, CitizenWords w) => wordings.For(type) is { } wording
        ? wording(w)
        : type switch
        {
            "submitted" => Lang.Pick("已收到您的投诉，等待受理", "Complaint received; awaiting a decision to accept it"),
            "supplement" => Supplement(w, w.Count("photoIds")),
            "evaluated" => Lang.Pick(
                $"您已评价：{Evaluation.SolvedName(w.Text("solved"))}，{Evaluation.SatisfactionName(w.Text("satisfaction"))}" + (w.Message is null ? "" : $"。留言：{w.Message}"),
                $"You evaluated the result: {Evaluation.SolvedName(w.Text("solved"))}, {Evaluation.SatisfactionName(w.Text("satisfaction"))}" + (w.Message is null ? "" : $". Comment: {w.Message}")),
            "review_requested" => Lang.Pick($"您申请了复查，案件重新办理，将于 {w.Day("resolveBy")} 前办结。理由：{w.Message}",
                $"You asked for a review; the case is being handled again, to be resolved by {w.Day("resolveBy")}. Reason: {w.Message}"),
            "closed" => w.Text("reason") == "evaluated"
                ? Lang.Pick("案件已关闭", "The case is closed")
                : Lang.Pick("评价期已过，案件自动关闭", "The time to evaluate passed; the case closed by itself"),
            _ => w.Message ?? type,
        };
}

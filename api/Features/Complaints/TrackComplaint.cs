using System.Text.Json;
using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Photos;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
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
    public sealed record Result(
        string TrackingCode,
        ComplaintStatus Status,
        string CategoryCode,
        string CategoryName,
        string SectionName,
        DateTimeOffset SubmittedAt,
        DateOnly AcceptBy,
        IReadOnlyList<TimelineEntry> Timeline,
        IReadOnlyList<CasePhoto> Photos);

    /// <param name="Type">What happened: submitted, accepted, rejected, transferred, reply, extension_approved, resolved or merged.</param>
    /// <param name="Message">The event described in the caller's language.</param>
    public sealed record TimelineEntry(string Type, DateTimeOffset At, string Message);

    public sealed class Handler(ReadDatabase database, CategoryCatalog catalog, CitizenAccess access) : IQueryHandler<Query, Result>
    {
        private sealed record CaseRow(
            string TrackingCode, string Status, string CategoryCode,
            string SectionCode, DateTime SubmittedAt, DateOnly AcceptBy, string Timeline, string Photos);

        private sealed record EventRow(string Type, DateTimeOffset At, string? Message, System.Text.Json.Nodes.JsonObject Data);

        private static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var id = await access.VerifyAsync(query.TrackingCode, query.QueryPassword, cancellationToken);
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            // One statement, one round trip: the case with its public timeline as JSON; names come from the catalog.
            var row = await connection.QuerySingleAsync<CaseRow>(new CommandDefinition(
                $"""
                select c.tracking_code, c.status, c.category_code, c.section_code,
                       c.submitted_at, c.accept_by,
                       (select coalesce(json_agg(json_build_object('type', e.type, 'at', e.occurred_at, 'message', e.message, 'data', e.data)
                                                 order by e.id), '[]')
                        from complaint_events e
                        where e.complaint_id = c.id and e.visibility = 'public')::text as timeline,
                       {CasePhotoList.Sql} as photos
                from complaints c
                where c.id = @id
                """,
                new { id }, cancellationToken: cancellationToken));

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
                row.AcceptBy,
                await DescribeAllAsync(events),
                CasePhotoList.Parse(row.Photos));
        }

        private async Task<List<TimelineEntry>> DescribeAllAsync(List<EventRow> events)
        {
            var entries = new List<TimelineEntry>(events.Count);
            foreach (var e in events) entries.Add(new TimelineEntry(e.Type, e.At.ToUniversalTime(), await DescribeAsync(e)));
            return entries;
        }

        /// <summary>"You added information: … (2 photos)".</summary>
        private static string Supplement(EventRow e)
        {
            var photos = e.Data["photoIds"]?.AsArray().Count ?? 0;
            var zh = "您补充了材料" + (e.Message is null ? "" : $"：{e.Message}") + (photos > 0 ? $"（照片 {photos} 张）" : "");
            var en = "You added information" + (e.Message is null ? "" : $": {e.Message}") + (photos switch { 0 => "", 1 => " (1 photo)", _ => $" ({photos} photos)" });
            return Lang.Pick(zh, en);
        }

        /// <summary>Each public event in plain words, with the reason or text staff gave for it.</summary>
        private async Task<string> DescribeAsync(EventRow e)
        {
            string Text(string key) => e.Data[key]?.ToString() ?? "";
            async Task<string> SectionName(string key) =>
                await catalog.FindSectionAsync(Text(key)) is { } section ? Lang.Pick(section.NameZh, section.NameEn) : Text(key);
            return e.Type switch
            {
                "submitted" => Lang.Pick("已收到您的投诉，等待受理", "Complaint received; awaiting a decision to accept it"),
                "accepted" => Lang.Pick($"已受理，将于 {Text("resolveBy")} 前办结", $"Accepted; to be resolved by {Text("resolveBy")}"),
                "rejected" => Lang.Pick($"不予受理。原因：{e.Message}。建议：{Text("referral")}", $"Not accepted. Reason: {e.Message}. Where to go instead: {Text("referral")}"),
                "transferred" => Lang.Pick($"已转交{await SectionName("toSection")}办理。原因：{e.Message}",
                    $"Transferred to the {await SectionName("toSection")}. Reason: {e.Message}"),
                "reply" => Lang.Pick($"答复：{e.Message}", $"Reply: {e.Message}"),
                "extension_approved" => Lang.Pick($"办理期限延长 {Text("days")} 个工作日，至 {Text("resolveBy")}。原因：{e.Message}",
                    $"Deadline extended by {Text("days")} working days, to {Text("resolveBy")}. Reason: {e.Message}"),
                "resolved" => Lang.Pick($"已办结。处理结果：{e.Message}", $"Resolved. Result: {e.Message}"),
                "supplement" => Supplement(e),
                "merged" => Lang.Pick($"与案件 {Text("originalTrackingCode")} 合并办理，请以该案件的进展为准",
                    $"Merged with case {Text("originalTrackingCode")}, which now handles your complaint"),
                _ => e.Message ?? e.Type,
            };
        }
    }
}

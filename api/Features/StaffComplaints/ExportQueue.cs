using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Csv;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// The queue as a CSV file (Accept: text/csv or format=csv): every case the same filters select
/// for the same caller — not one page — streamed from one server-side query as rows arrive, so an
/// export of a million cases holds one row in memory at a time. No contact details, address or full
/// description: the file leaves the system; the 80-character excerpt the queue shows is enough to
/// recognise a case. Each export is audited with its filters and the number of rows sent.
/// </summary>
public static class ExportQueue
{
    public sealed record Query(ListQueue.Query Filters) : IStreamQuery<ListQueue.Item>;

    private sealed record Row(
        string TrackingCode, string Status, string CategoryCode, string SectionCode, string? Township, string Excerpt,
        string Channel, DateTime SubmittedAt, DateOnly DueOn, long? AssigneeId, string? AssigneeName, string? ExtensionStatus,
        bool Review, int SupportCount, bool Urgent, string? FiledThrough);

    public sealed class Handler(ReadDatabase database, QueueSelection selection, CurrentStaff staff, CategoryCatalog catalog, BureauClock clock,
        WorkingDayCalendar calendar, IValidator<ListQueue.Query> filtersValidator, AuditLog audit) : IStreamQueryHandler<Query, ListQueue.Item>
    {
        public async IAsyncEnumerable<ListQueue.Item> Handle(Query query, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var filters = query.Filters;
            var errors = (await filtersValidator.ValidateAsync(filters, cancellationToken)).Errors;
            var wholeSelection = Lang.Pick("导出包含全部符合条件的案件，不分页", "An export holds every matching case; it has no pages");
            if (filters.Cursor is not null) errors.Add(new ValidationFailure("cursor", wholeSelection));
            if (filters.Limit is not null) errors.Add(new ValidationFailure("limit", wholeSelection));
            if (errors.Count > 0) throw new ValidationException(errors);

            var today = clock.Today;
            var selected = await selection.BuildAsync(filters, today);
            var sql = $"""
                select c.tracking_code, c.status, c.category_code, c.section_code, c.township,
                       left(c.description, 80) as excerpt, c.channel, c.submitted_at, c.due_on,
                       c.assignee_id, a.display_name as assignee_name, c.extension_status,
                       c.review_requested_at is not null as review, c.support_count, c.urgent,
                       {Open311Source.KeyNameSql}
                from {selected.EveryMatch} left join staff_users a on a.id = c.assignee_id
                where {selected.Where} and {selected.Statuses}
                order by {QueueSelection.Order(filters.Sort ?? "due")}
                """;

            var rows = 0;
            var complete = false;
            try
            {
                await using var connection = await database.OpenConnectionAsync(cancellationToken);
                // Unbuffered: Dapper hands over each row as Npgsql reads it off the socket; PostgreSQL
                // waits while the client is slow (TCP back-pressure), so nothing piles up here.
                await foreach (var row in connection.QueryUnbufferedAsync<Row>(sql, selected.Parameters).WithCancellation(cancellationToken))
                {
                    var category = await catalog.GetCategoryAsync(row.CategoryCode);
                    var section = await catalog.GetSectionAsync(row.SectionCode);
                    var status = ComplaintStatuses.Parse(row.Status);
                    rows++;
                    yield return new ListQueue.Item(row.TrackingCode, status, row.CategoryCode, Lang.Pick(category.NameZh, category.NameEn),
                        category.Confidential, row.SectionCode, Lang.Pick(section.NameZh, section.NameEn), row.Township, row.Excerpt,
                        Enum.Parse<ComplaintChannel>(row.Channel, ignoreCase: true), new DateTimeOffset(row.SubmittedAt, TimeSpan.Zero), row.DueOn,
                        Deadlines.Flags(status, row.DueOn, today, calendar),
                        row.AssigneeId is { } id ? new GetCase.StaffMember(id, row.AssigneeName!) : null,
                        row.ExtensionStatus, row.Review, row.SupportCount, row.Urgent, row.FiledThrough);
                }
                complete = true;
            }
            finally
            {
                // Written once the number of rows is known; an export cut short (the client left, the
                // database failed) is recorded as failed with the rows that had gone out.
                await audit.RecordOutsideTransactionAsync(AuditActor.Of(staff),
                    new AuditEntry("complaint.export", "queue", null,
                        After: new { format = "csv", filters = filters with { Cursor = null, Limit = null, Counts = null }, rows },
                        Reason: complete ? null : $"stopped after {rows} rows"),
                    complete ? "succeeded" : "failed", CancellationToken.None);
            }
        }
    }

    /// <summary>The CSV response: headers in the caller's language, one line per case, written as they come.</summary>
    public sealed class CsvFile(IAsyncEnumerable<ListQueue.Item> items, BureauClock clock, FeedbackOptions options, ExportSlots slots) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var cancellationToken = http.RequestAborted;
            using var slot = slots.Take();
            await using var cases = items.GetAsyncEnumerator(cancellationToken);
            // The first step validates, authorises and starts the query: a refusal is still a problem
            // response, because nothing has been written yet.
            var more = await cases.MoveNextAsync();

            var english = Lang.IsEnglish;
            var today = clock.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            CsvDownload.StartResponse(http.Response, $"complaints-{today}.csv", $"投诉案件-{today}.csv");

            await using var csv = new CsvWriter(http.Response.Body);
            foreach (var header in Headers(english)) csv.Text(header);
            await csv.EndRowAsync(cancellationToken);
            await csv.FlushAsync(cancellationToken);
            for (; more; more = await cases.MoveNextAsync())
            {
                Write(csv, cases.Current, english);
                await csv.EndRowAsync(cancellationToken);
            }
        }

        private static string[] Headers(bool english) => english
            ? ["Tracking code", "Status", "Category", "Section", "Township", "Channel", "Submitted at", "Deadline", "Working days left",
               "Overdue", "Assignee", "Extension", "Review", "Supporters", "Urgent", "Confidential", "Excerpt"]
            : ["查询编号", "状态", "类别", "承办科室", "乡镇（街道）", "来源", "提交时间", "办理期限", "剩余工作日",
               "是否超期", "承办人", "延期", "复查", "附议人数", "紧急", "保密", "内容摘要"];

        private void Write(CsvWriter csv, ListQueue.Item item, bool english)
        {
            string YesNo(bool value) => value ? (english ? "yes" : "是") : (english ? "no" : "否");
            var open = item.Deadline.WorkingDaysLeft is not null;
            csv.Text(item.TrackingCode)
                .Text(item.Status.Name(english))
                .Text(item.CategoryName)
                .Text(item.SectionName)
                .Text(item.Township)
                .Text(item.FiledThrough is { } key ? $"{item.Channel.Name(english)} ({key})" : item.Channel.Name(english))
                .Text(TimeZoneInfo.ConvertTime(item.SubmittedAt, options.TimeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
                .Text(item.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                .Number(item.Deadline.WorkingDaysLeft)
                .Text(open ? YesNo(item.Deadline.Overdue) : null)
                .Text(item.Assignee?.Name)
                .Text(ExtensionName(item.ExtensionStatus, english))
                .Text(YesNo(item.Review))
                .Number(item.SupportCount)
                .Text(YesNo(item.Urgent))
                .Text(YesNo(item.Confidential))
                .Text(item.Excerpt);
        }

        private static string? ExtensionName(string? status, bool english) => status switch
        {
            "requested" => english ? "awaiting approval" : "延期待审批",
            "approved" => english ? "extended" : "已延期",
            "refused" => english ? "refused" : "延期未批准",
            _ => status,
        };
    }
}

using System.ComponentModel;
using System.Data;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;

using Feedback.Api.Infrastructure.Http;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// The work queue: a section's cases for its staff; every case for leaders and discipline
/// inspection (who may narrow it to a section). Filters combine; "q" searches the text by
/// character bigrams (index-backed) or finds a tracking code. Keyset pagination: the cursor
/// carries the last row's sort key, so page 1,000 costs what page 1 does. The counts per status
/// ignore the status filter, so the console can show them on its tabs; a search that fills its
/// page from the first cases of the queue answers without them (see <see cref="Result"/>).
/// </summary>
public static class ListQueue
{
    public sealed record Query(
        [FromQuery(Name = "status")] [property: Description("Comma-separated statuses; default: the open ones (submitted, accepted, in_progress).")] string? Status = null,
        [FromQuery(Name = "category")] [property: Description("A category code (air.odor) or a group code (air).")] string? Category = null,
        [FromQuery(Name = "township")] [property: Description("Exactly this township or street.")] string? Township = null,
        [FromQuery(Name = "assignee")] [property: Description("me, none, or a staff member's id.")] string? Assignee = null,
        [FromQuery(Name = "due")] [property: Description("soon (deadline today or the next working day) or overdue.")] string? Due = null,
        [FromQuery(Name = "from")] [property: Description("Submitted on or after this date (the bureau's calendar).")] DateOnly? From = null,
        [FromQuery(Name = "to")] [property: Description("Submitted on or before this date.")] DateOnly? To = null,
        [FromQuery(Name = "q")] [property: Description("Words to find in the description, address or township, or a tracking code.")] string? Q = null,
        [FromQuery(Name = "section")] [property: Description("Leaders and discipline inspection only: one section's cases.")] string? Section = null,
        [FromQuery(Name = "sort")] [property: Description("due (earliest deadline first, the default) or newest.")] string? Sort = null,
        [FromQuery(Name = "cursor")] [property: Description("nextCursor of the previous page.")] string? Cursor = null,
        [FromQuery(Name = "limit")] [property: Description("1–100, default 25.")] int? Limit = null,
        [FromQuery(Name = "counts")] [property: Description("exact: count a search's matches per status even when that means reading every one of them " +
            "(seconds for the commonest words at a million cases). Without it, a search with more than one page of matches answers without counts.")] string? Counts = null) : IQuery<Result>;

    public sealed record Item(
        string TrackingCode, ComplaintStatus Status, string CategoryCode, string CategoryName, bool Confidential,
        string SectionCode, string SectionName, string? Township, string Excerpt, ComplaintChannel Channel,
        DateTimeOffset SubmittedAt, DateOnly DueOn, DeadlineFlags Deadline, GetCase.StaffMember? Assignee, string? ExtensionStatus,
        [property: Description("The citizen asked for a review (复查) of this case.")] bool Review,
        [property: Description("Citizens who said \"me too\" (POST /api/v1/complaints/{trackingCode}/support).")] int SupportCount,
        [property: Description("From an urgent category (drinking-water sources): handle first.")] bool Urgent,
        [property: Description("For a case another system filed (channel open311): the name of the API key it used.")] string? FiledThrough);

    /// <param name="NextCursor">Pass as cursor for the next page; null on the last page.</param>
    /// <param name="Counts">Cases per status under the same filters, status aside. Null when a search was answered
    /// without reading all its matches (a common word matches hundreds of thousands of cases; counting them takes
    /// seconds): it found more than one page by reading the queue in its order, or looked only among the cases the
    /// other filters select. Ask again with counts=exact to have them counted.</param>
    public sealed record Result(IReadOnlyList<Item> Items, string? NextCursor, IReadOnlyDictionary<string, int>? Counts, DateOnly Today);

    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;

    /// <summary>
    /// How many cases a search reads in the queue's order per row of the page (and one more) before it
    /// turns to the bigram index: a word in at least 1 of 300 cases of the view fills a page this way.
    /// 7,800 cases for a page of 25 cost about what the bigram index costs for a word in 0.3% of a
    /// million cases (docs/performance.md).
    /// </summary>
    public const int WalkRowsPerItem = 300;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Status).Must(status => status is null || ParseStatuses(status) is not null)
                .WithMessage(_ => Lang.Pick("未知的状态", "Unknown status"));
            RuleFor(q => q.Assignee).Must(a => a is null or "me" or "none" || long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .WithMessage(_ => Lang.Pick("承办人须为 me、none 或用户编号", "assignee is me, none or a user id"));
            RuleFor(q => q.Due).Must(d => d is null or "soon" or "overdue")
                .WithMessage(_ => Lang.Pick("due 须为 soon 或 overdue", "due is soon or overdue"));
            RuleFor(q => q.Sort).Must(s => s is null or "due" or "newest")
                .WithMessage(_ => Lang.Pick("sort 须为 due 或 newest", "sort is due or newest"));
            RuleFor(q => q.Counts).Must(c => c is null or "exact")
                .WithMessage(_ => Lang.Pick("counts 须为 exact", "counts is exact"));
            RuleFor(q => q.Limit).InclusiveBetween(1, MaxLimit)
                .WithMessage(_ => Lang.Pick($"每页 1–{MaxLimit} 条", $"limit is 1–{MaxLimit}"));
            RuleFor(q => q.From).WithinServiceYears();
            RuleFor(q => q.To).WithinServiceYears();
            RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).When(q => q.From is not null && q.To is not null)
                .WithMessage(_ => Lang.Pick("结束日期不能早于开始日期", "to must not be before from"));
            RuleFor(q => q.Q).MaximumLength(100);
            RuleFor(q => q.Township).MaximumLength(50);
            RuleFor(q => q.Category).MaximumLength(64);
            RuleFor(q => q.Section).MaximumLength(32);
            RuleFor(q => q.Cursor).Must((q, cursor) => cursor is null || QueueCursor.Decode(cursor, q.Sort ?? "due") is not null)
                .WithMessage(_ => Lang.Pick("分页游标无效，请从第一页重新开始", "The cursor is not valid here; start again from the first page"));
        }
    }

    public static string[]? ParseStatuses(string text)
    {
        var codes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var known = Enum.GetValues<ComplaintStatus>().Select(s => s.ToCode()).ToHashSet();
        return codes.Length > 0 && codes.All(known.Contains) ? codes.Distinct().ToArray() : null;
    }

    private sealed record Row(
        long Id, string TrackingCode, string Status, string CategoryCode, string SectionCode, string? Township, string Excerpt,
        string Channel, DateTime SubmittedAt, DateOnly DueOn, long? AssigneeId, string? AssigneeName, string? ExtensionStatus, bool Review, int SupportCount, bool Urgent, string? FiledThrough, string? Counts);

    private sealed record CountRow(string Status, int Count);

    public sealed class Handler(ReadDatabase database, QueueSelection selection, CategoryCatalog catalog, BureauClock clock,
        WorkingDayCalendar calendar) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var today = clock.Today;
            var sql = await selection.BuildAsync(query, today);
            var limit = query.Limit ?? DefaultLimit;
            var sort = query.Sort ?? "due";
            var parameters = sql.Parameters;
            parameters.Add("limit", limit + 1);
            parameters.Add("walkRows", WalkRowsPerItem * (limit + 1));
            string? cursor = null;
            if (query.Cursor is not null)
            {
                var after = QueueCursor.Decode(query.Cursor, sort)!;
                parameters.Add("afterKey", after.Key);
                parameters.Add("afterId", after.Id);
                cursor = sort == "due"
                    ? "(c.due_on, c.id) > (@afterKey::date, @afterId)"
                    : "(c.submitted_at, c.id) < (@afterKey::timestamptz, @afterId)";
            }
            var range = cursor is null ? sql.WalkRange : $"{sql.WalkRange} and {cursor}";
            var order = QueueSelection.Order(sort);

            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            async Task<List<Row>> ReadAsync(string sqlText, IDbTransaction? transaction = null) =>
                (await connection.QueryAsync<Row>(new CommandDefinition(sqlText, parameters, transaction, cancellationToken: cancellationToken))).AsList();

            List<Row> rows;
            IReadOnlyDictionary<string, int>? counts = null;
            if (sql.Words is null)
            {
                rows = await ReadAsync($"""
                    {Columns}, null::text as counts
                    from complaints c left join staff_users a on a.id = c.assignee_id
                    where {range} and {sql.WalkFilters}
                    order by {order}
                    limit @limit
                    """);
                counts = await CountAsync(connection, query, sql, cancellationToken);
            }
            else
            {
                var pageConditions = cursor is null ? sql.Statuses : $"{sql.Statuses} and {cursor}";
                // A walk that found a page and one more answered the request; counting every match
                // of a common word would cost what the walk saved, so the counts stay null.
                rows = query.Counts == "exact" ? [] : await WalkAsync();
                if (rows.Count <= limit)
                {
                    // The walk read its share of the queue without filling the page: the words are
                    // rare there. The bigram index reads all their matches, and they are counted;
                    // unless the planner expects reading the cases the other filters choose (a
                    // status tab, an assignee, dates) to cost a tenth of that or less: a common word
                    // rare under the filters has hundreds of thousands of matches.
                    var everyMatch = EveryMatchSql(sql, pageConditions, order);
                    var filtersFirst = FiltersFirstSql(sql, pageConditions, order);
                    if (query.Counts != "exact" && await PlannedCostAsync(filtersFirst) * 10 <= await PlannedCostAsync(everyMatch))
                        rows = await ReadAsync(filtersFirst);
                    else
                    {
                        rows = await ReadAsync(everyMatch);
                        counts = rows.FirstOrDefault()?.Counts is { } carried
                            ? JsonSerializer.Deserialize<Dictionary<string, int>>(carried)!
                            : await CountAsync(connection, query, sql, cancellationToken);
                    }
                }
            }

            async Task<double> PlannedCostAsync(string sqlText)
            {
                var plan = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                    "explain (format json) " + sqlText, parameters, cancellationToken: cancellationToken));
                using var json = JsonDocument.Parse(plan!);
                return json.RootElement[0].GetProperty("Plan").GetProperty("Total Cost").GetDouble();
            }

            // A walk must read an index in the queue's order. Estimating few cases in a range (a
            // deadline window, a section), the planner may rather fetch them all through a bitmap
            // and sort them, which reads every case in range, each with its bigrams; at 1,000,000
            // cases it ANDed 190,000 entries of a section index to do so (100-600 ms against 5-20).
            // Without sorting, the only plans left are index walks in order (and the page, in the
            // walk's order already, keeps it through nested loops).
            async Task<List<Row>> WalkAsync()
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition("set local enable_sort = off", transaction: transaction, cancellationToken: cancellationToken));
                var walked = await ReadAsync(WalkSql(sql, range, order), transaction);
                await transaction.CommitAsync(cancellationToken);
                return walked;
            }

            var more = rows.Count > limit;
            if (more) rows.RemoveAt(rows.Count - 1);
            var items = new List<Item>(rows.Count);
            foreach (var row in rows)
            {
                var category = await catalog.GetCategoryAsync(row.CategoryCode);
                var section = await catalog.GetSectionAsync(row.SectionCode);
                var status = ComplaintStatuses.Parse(row.Status);
                items.Add(new Item(row.TrackingCode, status, row.CategoryCode, Lang.Pick(category.NameZh, category.NameEn), category.Confidential,
                    row.SectionCode, Lang.Pick(section.NameZh, section.NameEn), row.Township, row.Excerpt,
                    Enum.Parse<ComplaintChannel>(row.Channel, ignoreCase: true), new DateTimeOffset(row.SubmittedAt, TimeSpan.Zero), row.DueOn,
                    Deadlines.Flags(status, row.DueOn, today, calendar),
                    row.AssigneeId is { } id ? new GetCase.StaffMember(id, row.AssigneeName!) : null, row.ExtensionStatus, row.Review, row.SupportCount, row.Urgent, row.FiledThrough));
            }
            var last = rows.LastOrDefault();
            var next = more && last is not null
                ? QueueCursor.Encode(sort, sort == "due" ? last.DueOn.ToString("O", CultureInfo.InvariantCulture)
                    : new DateTimeOffset(last.SubmittedAt, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture), last.Id)
                : null;
            return new Result(items, next, counts, today);
        }

        private const string Columns = $"""
            select c.id, c.tracking_code, c.status, c.category_code, c.section_code, c.township,
                   left(c.description, 80) as excerpt, c.channel, c.submitted_at, c.due_on,
                   c.assignee_id, a.display_name as assignee_name, c.extension_status,
                   c.review_requested_at is not null as review, c.support_count, c.urgent,
                   {Open311Source.KeyNameSql}
            """;

        /// <summary>What a search's filters read from each case (QueueSelection), and no more.</summary>
        private const string WalkColumns =
            "c.id, c.due_on, c.submitted_at, c.status, c.section_code, c.category_code, c.township, c.assignee_id, c.search_vector";

        /// <summary>
        /// A search's page from the queue's own order: the index in that order is read from the cursor
        /// on, at most <see cref="WalkRowsPerItem"/> cases per row asked for, and each case read is
        /// checked against the words and the other filters. At 1,000,000 cases 街道 (in 42% of them)
        /// fills the open queue's first page after about 60 cases, 偷排 (1%) after about 3,500, and as
        /// many at any size; the bigram index would read all 420,000 or 10,000 matches to sort them
        /// (docs/performance.md).
        /// </summary>
        private static string WalkSql(QueueSelection.Sql sql, string range, string order) =>
            PageOfCandidatesSql($"select {WalkColumns} from complaints c where {range} order by {order} limit @walkRows", sql.WalkFilters, order);

        /// <summary>
        /// A search's page from the cases the other filters select (a status tab, an assignee, dates),
        /// read through whichever index suits them, behind a fence so that the bigram index stays out:
        /// for a word common in the bureau's cases but rare among those, when a walk in the queue's
        /// order found too few (at 1,000,000 cases, 街道 on the 已办结 tab: the 3,600 resolved cases
        /// against 420,000 matches).
        /// </summary>
        private static string FiltersFirstSql(QueueSelection.Sql sql, string pageConditions, string order) =>
            PageOfCandidatesSql($"select {WalkColumns} from complaints c where {sql.Where} and {pageConditions} offset 0", sql.Words!, order);

        /// <summary>The page: the first candidates, in the queue's order, that meet the conditions; with their columns.</summary>
        private static string PageOfCandidatesSql(string candidates, string conditions, string order) => $"""
            with page as (
                select c.id, c.due_on, c.submitted_at
                from ({candidates}) c
                where {conditions}
                order by {order}
                limit @limit
            )
            {Columns}, null::text as counts
            from page join complaints c on c.id = page.id left join staff_users a on a.id = c.assignee_id
            order by {order.Replace("c.", "page.", StringComparison.Ordinal)}
            """;

        /// <summary>
        /// A search's page and its counts from every match: the bigram index's matches, read once into
        /// a small materialized set (id, status and sort keys), give the page and the counts per status
        /// (each row carries them). Two statements read every match's row twice: at 1,000,000 cases
        /// 40-45 ms against 22-25 for one (docs/performance.md).
        /// </summary>
        private static string EveryMatchSql(QueueSelection.Sql sql, string pageConditions, string order) => $"""
            with matches as materialized (
                select c.id, c.status, c.due_on, c.submitted_at from {sql.EveryMatch} where {sql.Where}
            ), page as (
                select c.id from matches c where {pageConditions} order by {order} limit @limit
            )
            {Columns}, (select json_object_agg(m.status, m.n)::text
                        from (select status, count(*)::int as n from matches group by status) m) as counts
            from page join complaints c on c.id = page.id left join staff_users a on a.id = c.assignee_id
            order by {order}
            """;

        /// <summary>
        /// Counts per status, status filter aside. Filters on section and category only (the queue as
        /// it opens): the sums of the counters that migration 0006 keeps per section, category and
        /// status, instead of counting the rows (at 1,000,000 cases, 0.3 ms against 110-600 ms;
        /// docs/performance.md). Any other filter: the rows themselves.
        /// </summary>
        private static async Task<IReadOnlyDictionary<string, int>> CountAsync(IDbConnection connection, Query query, QueueSelection.Sql sql,
            CancellationToken cancellationToken)
        {
            var countable = ComplaintText.Clean(query.Township) is null && query is { Assignee: null, Due: null, From: null, To: null }
                && ComplaintText.Clean(query.Q) is null;
            return (await connection.QueryAsync<CountRow>(new CommandDefinition(
                    countable
                        ? $"select c.status, sum(c.n)::int as count from complaint_counts c where {sql.Where} group by c.status having sum(c.n) > 0"
                        : $"select c.status, count(*)::int as count from {sql.EveryMatch} where {sql.Where} group by c.status",
                    sql.Parameters, cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Status, r => r.Count);
        }
    }
}

/// <summary>The opaque page cursor: base64url of "sort|key|id".</summary>
public static class QueueCursor
{
    public sealed record Position(string Key, long Id);

    public static string Encode(string sort, string key, long id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sort}|{key}|{id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static Position? Decode(string cursor, string sort)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('|');
            if (parts.Length != 3 || parts[0] != sort || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
            var validKey = sort == "due"
                ? DateOnly.TryParseExact(parts[1], "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                : DateTimeOffset.TryParseExact(parts[1], "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
            return validKey ? new Position(parts[1], id) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

using System.Globalization;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.Routing;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>
/// Which cases the queue holds for the signed-in caller under the given filters: the conditions
/// shared by the queue's pages, its counts and the CSV export, so an export never holds a case the
/// queue would not show.
/// </summary>
public sealed class QueueSelection(CurrentStaff staff, CategoryCatalog catalog, BureauClock clock, WorkingDayCalendar calendar)
{
    /// <summary>The conditions, split by what an index read in the queue's order can do with them.</summary>
    /// <param name="Range">Conditions that an index in the queue's order answers by itself, so a walk of
    /// that index reads only the cases they select: the section, the deadline window of due=soon/overdue
    /// and, for the newest-first order, the submission dates.</param>
    /// <param name="Filters">The other conditions, status and words aside: checked on each case read.</param>
    /// <param name="Statuses">The status condition; counts per status leave it out.</param>
    /// <param name="StatusesInRange">The statuses are the open ones and the order is by deadline: the
    /// partial indexes of open cases (migration 0032) answer <paramref name="Statuses"/> as a range too.</param>
    /// <param name="Words">The full-text condition when "q" searches words (not a tracking code), else null.</param>
    /// <param name="Parameters">Values of all of them.</param>
    public sealed record Sql(IReadOnlyList<string> Range, IReadOnlyList<string> Filters, string Statuses, bool StatusesInRange,
        string? Words, DynamicParameters Parameters)
    {
        /// <summary>Every condition but the status and the words, for counts per status.</summary>
        public string Where => Join([.. Range, .. Filters]);

        /// <summary>
        /// FROM for a reading of every matching case (an export, counts of a search): with words, the
        /// bigram index's matches alone, behind a fence (offset 0), with the other conditions applied to
        /// them. Side by side, the planner may AND the bigram index's bitmap with a section or status
        /// index's, which at 1,000,000 cases reads 180,000-735,000 entries and takes 65-160 ms instead of
        /// about 20 (docs/performance.md).
        /// </summary>
        public string EveryMatch => Words is null ? "complaints c" : $"(select * from complaints c where {Words} offset 0) c";

        /// <summary>Conditions of a walk in the queue's order: the index range, then the rest per case.</summary>
        public string WalkRange => Join(StatusesInRange ? [.. Range, Statuses] : Range);

        public string WalkFilters => Join([.. Filters, .. StatusesInRange ? Array.Empty<string>() : [Statuses], .. Words is null ? [] : new[] { Words }]);

        private static string Join(IReadOnlyCollection<string> conditions) => conditions.Count == 0 ? "true" : string.Join(" and ", conditions);
    }

    private const string SearchFilter = "c.search_vector @@ @search::tsquery";

    /// <summary>The open statuses as the partial indexes of open cases spell them, so a plan may use those.</summary>
    private const string OpenStatuses = "c.status in ('submitted', 'accepted', 'in_progress')";

    /// <summary>The order of a sort (due or newest); its last key is the id, so it is total.</summary>
    public static string Order(string sort) => sort == "due" ? "c.due_on, c.id" : "c.submitted_at desc, c.id desc";

    public async Task<Sql> BuildAsync(ListQueue.Query query, DateOnly today)
    {
        var parameters = new DynamicParameters();
        var range = new List<string>();
        var filters = new List<string>();
        var byDeadline = (query.Sort ?? "due") == "due";
        await AddVisibilityAsync(range, filters, parameters, query.Section);
        var words = AddFilters(byDeadline ? range : filters, byDeadline ? filters : range, filters, parameters, query, today);

        var statuses = query.Status is null ? ComplaintStatuses.Open.Select(s => s.ToCode()).ToArray() : ListQueue.ParseStatuses(query.Status)!;
        var open = statuses.Order().SequenceEqual(ComplaintStatuses.Open.Select(s => s.ToCode()).Order());
        if (!open) parameters.Add("statuses", statuses);
        return new Sql(range, filters, open ? OpenStatuses : "c.status = any(@statuses)", open && byDeadline, words, parameters);
    }

    /// <summary>Clerks and heads: their section, and never a conduct case outside discipline inspection.</summary>
    private async Task AddVisibilityAsync(List<string> range, List<string> filters, DynamicParameters parameters, string? sectionFilter)
    {
        if (staff.Role is StaffRole.Staff or StaffRole.SectionHead)
        {
            range.Add("c.section_code = @mySection");
            parameters.Add("mySection", staff.SectionCode);
            if (staff.SectionCode != Router.DisciplineSection)
            {
                var confidential = (await catalog.ListAllCategoriesAsync()).Where(c => c.Confidential).Select(c => c.Code).ToArray();
                filters.Add("c.category_code <> all(@confidentialCategories)");
                parameters.Add("confidentialCategories", confidential);
            }
        }
        else if (sectionFilter is not null)
        {
            range.Add("c.section_code = @section");
            parameters.Add("section", sectionFilter);
        }
    }

    /// <summary>Adds the filters: the deadline window where an index in deadline order reads it as a range,
    /// the submission dates where an index in submission order does; returns the words condition, if any.</summary>
    private string? AddFilters(List<string> deadlineWindow, List<string> submissionDates, List<string> filters, DynamicParameters parameters,
        ListQueue.Query query, DateOnly today)
    {
        if (query.Category is { } category)
        {
            filters.Add(category.Contains('.') ? "c.category_code = @category" : "(c.category_code = @category or c.category_code like @categoryPrefix)");
            parameters.Add("category", category);
            parameters.Add("categoryPrefix", category + ".%");
        }
        if (ComplaintText.Clean(query.Township) is { } township)
        {
            filters.Add("c.township = @township");
            parameters.Add("township", township);
        }
        switch (query.Assignee)
        {
            case "me":
                filters.Add("c.assignee_id = @me");
                parameters.Add("me", staff.Id);
                break;
            case "none":
                filters.Add("c.assignee_id is null");
                break;
            case { } id:
                filters.Add("c.assignee_id = @assigneeId");
                parameters.Add("assigneeId", long.Parse(id, CultureInfo.InvariantCulture));
                break;
        }
        if (query.Due is not null)
        {
            deadlineWindow.Add(OpenStatuses);
            deadlineWindow.Add(query.Due == "overdue" ? "c.due_on < @today" : "c.due_on between @today and @dueSoonUntil");
            parameters.Add("today", today);
            parameters.Add("dueSoonUntil", Deadlines.DueSoonUntil(today, calendar));
        }
        if (query.From is { } from)
        {
            submissionDates.Add("c.submitted_at >= @fromInstant");
            parameters.Add("fromInstant", clock.StartOf(from));
        }
        if (query.To is { } to)
        {
            submissionDates.Add("c.submitted_at < @toInstant");
            parameters.Add("toInstant", clock.StartOf(to.AddDays(1)));
        }
        if (ComplaintText.Clean(query.Q) is not { } q) return null;
        if (SecretCode.Normalize(q) is { } code)
        {
            filters.Add("c.tracking_code = @code");
            parameters.Add("code", code);
            return null;
        }
        // Nothing searchable (only punctuation): nothing matches, rather than everything.
        if (ComplaintSearch.Query(q) is not { } search)
        {
            filters.Add("false");
            return null;
        }
        parameters.Add("search", search);
        return SearchFilter;
    }
}

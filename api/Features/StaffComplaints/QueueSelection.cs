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
/// Which cases the queue holds for the signed-in caller under the given filters: the FROM and WHERE
/// shared by the queue's pages, its counts and the CSV export, so an export never holds a case the
/// queue would not show.
/// </summary>
public sealed class QueueSelection(CurrentStaff staff, CategoryCatalog catalog, BureauClock clock, WorkingDayCalendar calendar)
{
    /// <param name="Source">complaints as c (or the search's matches); <paramref name="Where"/> excludes the status filter, which counts ignore.</param>
    /// <param name="Parameters">Values of both, and @statuses for "c.status = any(@statuses)".</param>
    public sealed record Sql(string Source, string Where, DynamicParameters Parameters, bool Searching);

    private const string SearchFilter = "c.search_vector @@ @search::tsquery";

    /// <summary>The order of a sort (due or newest); its last key is the id, so it is total.</summary>
    public static string Order(string sort) => sort == "due" ? "c.due_on, c.id" : "c.submitted_at desc, c.id desc";

    public async Task<Sql> BuildAsync(ListQueue.Query query, DateOnly today)
    {
        var parameters = new DynamicParameters();
        var filters = new List<string>();
        await AddVisibilityAsync(filters, parameters, query.Section);
        AddFilters(filters, parameters, query, today);
        // A search runs alone, behind a fence (offset 0), and the other filters apply to its
        // matches: side by side, the planner may AND the bigram index's bitmap with a section
        // or status index's, which at 1,000,000 cases reads 180,000-735,000 entries and takes
        // 65-160 ms instead of about 20 (docs/performance.md).
        var searching = filters.Remove(SearchFilter);
        var source = searching ? $"(select * from complaints c where {SearchFilter} offset 0) c" : "complaints c";
        var where = filters.Count == 0 ? "true" : string.Join(" and ", filters);

        var statuses = query.Status is null ? ComplaintStatuses.Open.Select(s => s.ToCode()).ToArray() : ListQueue.ParseStatuses(query.Status)!;
        parameters.Add("statuses", statuses);
        return new Sql(source, where, parameters, searching);
    }

    /// <summary>Clerks and heads: their section, and never a conduct case outside discipline inspection.</summary>
    private async Task AddVisibilityAsync(List<string> filters, DynamicParameters parameters, string? sectionFilter)
    {
        if (staff.Role is StaffRole.Staff or StaffRole.SectionHead)
        {
            filters.Add("c.section_code = @mySection");
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
            filters.Add("c.section_code = @section");
            parameters.Add("section", sectionFilter);
        }
    }

    private void AddFilters(List<string> filters, DynamicParameters parameters, ListQueue.Query query, DateOnly today)
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
            filters.Add("c.status in ('submitted', 'accepted', 'in_progress')");
            filters.Add(query.Due == "overdue" ? "c.due_on < @today" : "c.due_on between @today and @dueSoonUntil");
            parameters.Add("today", today);
            parameters.Add("dueSoonUntil", Deadlines.DueSoonUntil(today, calendar));
        }
        if (query.From is { } from)
        {
            filters.Add("c.submitted_at >= @fromInstant");
            parameters.Add("fromInstant", clock.StartOf(from));
        }
        if (query.To is { } to)
        {
            filters.Add("c.submitted_at < @toInstant");
            parameters.Add("toInstant", clock.StartOf(to.AddDays(1)));
        }
        if (ComplaintText.Clean(query.Q) is { } q)
        {
            if (SecretCode.Normalize(q) is { } code)
            {
                filters.Add("c.tracking_code = @code");
                parameters.Add("code", code);
            }
            else
            {
                // Nothing searchable (only punctuation): nothing matches, rather than everything.
                filters.Add(ComplaintSearch.Query(q) is null ? "false" : SearchFilter);
                parameters.Add("search", ComplaintSearch.Query(q));
            }
        }
    }
}

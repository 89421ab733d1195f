using System.ComponentModel;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.Routing;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.Metrics;

/// <summary>The filters every metrics route takes (the overdue list ignores the period).</summary>
public sealed record MetricsFilters(
    [FromQuery(Name = "from")] [property: Description("First day (the bureau's calendar); default: 29 days before to.")] DateOnly? From = null,
    [FromQuery(Name = "to")] [property: Description("Last day, inclusive; default: today.")] DateOnly? To = null,
    [FromQuery(Name = "section")] [property: Description("One section (the one holding the case now). A section head always gets their own.")] string? Section = null,
    [FromQuery(Name = "category")] [property: Description("A category code (air.odor) or a group code (air).")] string? Category = null,
    [FromQuery(Name = "township")] [property: Description("Exactly this township or street.")] string? Township = null,
    [FromQuery(Name = "channel")] [property: Description("web, phone, letter, visit or open311.")] string? Channel = null);

/// <summary>
/// Turns the filters into a period and the cases the caller may count. Leaders and administrators
/// see every section; a section head sees their own section only, and never conduct cases unless
/// their section is discipline inspection: a head's figures must not reveal complaints about them.
/// </summary>
public sealed class MetricsScope(CurrentStaff staff, CategoryCatalog catalog, BureauClock clock, FeedbackOptions options, IHttpContextAccessor http)
{
    public const int MaxDays = 1096;

    public MetricsConfig Config => new(
        new MetricsWeights(options.Metrics.ResponseWeight, options.Metrics.ResolutionWeight, options.Metrics.SatisfactionWeight),
        options.Metrics.BasicallySatisfiedFactor, options.Metrics.MinimumEvaluations);

    public DateOnly Today => clock.Today;

    public MetricsPeriod Period(MetricsFilters filters)
    {
        var errors = new List<ValidationFailure>();
        foreach (var (name, date) in new[] { ("from", filters.From), ("to", filters.To) })
            if (date is { } given && (given < InputRules.EarliestDate || given > InputRules.LatestDate))
                errors.Add(new ValidationFailure(name, InputRules.OutOfRangeMessage));
        if (errors.Count > 0) throw new ValidationException(errors);
        var to = filters.To ?? clock.Today;
        var from = filters.From ?? to.AddDays(-29);
        if (from > to) errors.Add(new ValidationFailure("to", Lang.Pick("结束日期不能早于开始日期", "to must not be before from")));
        else if (to.DayNumber - from.DayNumber + 1 > MaxDays)
            errors.Add(new ValidationFailure("from", Lang.Pick($"统计期间最长 {MaxDays} 天", $"A period is at most {MaxDays} days")));
        if (errors.Count > 0) throw new ValidationException(errors);
        return new MetricsPeriod(from, to);
    }

    /// <summary>The cases the caller may count under these filters; 400 for an unknown value, 403 for another section's.</summary>
    public async Task<MetricsFilter> FilterAsync(MetricsFilters filters)
    {
        var errors = new List<ValidationFailure>();
        var categories = await catalog.ListAllCategoriesAsync();

        var section = filters.Section;
        if (section is not null && await catalog.FindSectionAsync(section) is null)
            errors.Add(new ValidationFailure("section", Lang.Pick("没有这个科室", "No such section")));

        IReadOnlyList<string>? selected = null;
        if (filters.Category is { } category)
        {
            selected = categories.Where(c => c.Code == category || c.GroupCode == category).Select(c => c.Code).ToList();
            if (selected.Count == 0) errors.Add(new ValidationFailure("category", Lang.Pick("没有这个类别或类别组", "No such category or group")));
        }

        var township = ComplaintText.Clean(filters.Township);
        if (township is not null && (await catalog.ListTownshipsAsync()).All(t => t.NameZh != township))
            errors.Add(new ValidationFailure("township", Lang.Pick("没有这个乡镇（街道）", "No such township")));

        if (filters.Channel is not null and not ("web" or "phone" or "letter" or "visit" or "open311"))
            errors.Add(new ValidationFailure("channel", Lang.Pick("来源须为 web、phone、letter、visit 或 open311", "channel is web, phone, letter, visit or open311")));
        if (errors.Count > 0) throw new ValidationException(errors);

        var withoutConfidential = false;
        if (staff.Role == StaffRole.SectionHead)
        {
            if (section is not null && section != staff.SectionCode)
                throw new ProblemException(StatusCodes.Status403Forbidden, Lang.Pick("只能查看本科室的统计", "You can see your own section's figures only"),
                    denial: new AuditEntry("request.forbidden", "route", $"{http.HttpContext?.Request.Method} {http.HttpContext?.Request.Path}", Reason: $"section {section}"));
            section = staff.SectionCode;
            if (section != Router.DisciplineSection)
                withoutConfidential = true;
        }
        return new MetricsFilter(section, selected, withoutConfidential, township, filters.Channel);
    }

    /// <summary>The name of a dimension's value in the caller's language.</summary>
    public async Task<string> LabelAsync(MetricsDimension by, string key)
    {
        switch (by)
        {
            case MetricsDimension.Section:
                return await catalog.FindSectionAsync(key) is { } section ? Lang.Pick(section.NameZh, section.NameEn) : key;
            case MetricsDimension.Category:
                var category = (await catalog.ListAllCategoriesAsync()).FirstOrDefault(c => c.Code == key);
                return category is null ? key : Lang.Pick(category.NameZh, category.NameEn);
            case MetricsDimension.Group:
                var member = (await catalog.ListAllCategoriesAsync()).FirstOrDefault(c => c.GroupCode == key);
                return member is null ? key : Lang.Pick(member.GroupNameZh, member.GroupNameEn);
            case MetricsDimension.Township:
                if (key == "") return Lang.Pick("未填写", "Not given");
                var township = (await catalog.ListTownshipsAsync()).FirstOrDefault(t => t.NameZh == key);
                return township is null ? key : Lang.Pick(township.NameZh, township.NameEn);
            case MetricsDimension.Channel:
                return Enum.TryParse<ComplaintChannel>(key, ignoreCase: true, out var channel) ? channel.Name(Lang.IsEnglish) : key;
            default:
                return key;
        }
    }

    /// <summary>Where a dimension's value sorts: the catalog's order, channels as listed, unknown values last.</summary>
    public async Task<int> OrderAsync(MetricsDimension by, string key)
    {
        int Position<T>(IEnumerable<T> items, Func<T, bool> match)
        {
            var index = items.Select((item, i) => (item, i)).FirstOrDefault(x => match(x.item), (default!, -1)).Item2;
            return index < 0 ? int.MaxValue : index;
        }
        return by switch
        {
            MetricsDimension.Section => Position(await catalog.ListSectionsAsync(), s => s.Code == key),
            MetricsDimension.Category => Position(await catalog.ListAllCategoriesAsync(), c => c.Code == key),
            MetricsDimension.Group => Position((await catalog.ListAllCategoriesAsync()).Select(c => c.GroupCode).Distinct(), g => g == key),
            MetricsDimension.Township => key == "" ? int.MaxValue : Position(await catalog.ListTownshipsAsync(), t => t.NameZh == key),
            MetricsDimension.Channel => Position(new[] { "web", "phone", "letter", "visit", "open311" }, c => c == key),
            _ => 0,
        };
    }
}

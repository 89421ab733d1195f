using Feedback.Api.Infrastructure.Localization;
using Mediator;

namespace Feedback.Api.Features.Categories;

/// <summary>The categories a citizen can choose from, in display order, in the caller's language.</summary>
public static class ListCategories
{
    public sealed record Query(string Language) : IQuery<IReadOnlyList<CategoryItem>>;

    /// <param name="Group">The group code (water, air, noise, …, conduct, suggestion, other).</param>
    /// <param name="Confidential">True for staff-conduct categories: handled by discipline inspection only.</param>
    /// <param name="AcceptWithinDays">Working days within which the bureau decides to accept or reject.</param>
    /// <param name="ResolveWithinDays">Working days within which an accepted case is resolved.</param>
    /// <param name="Guidance">What helps the bureau act on this kind of complaint; null when there is none.</param>
    /// <param name="Urgent">Handled first (drinking-water sources): the client says so.</param>
    /// <param name="Questions">Extra questions; their answers go in the submission's answers, by key.</param>
    public sealed record CategoryItem(
        string Code,
        string Group,
        string GroupName,
        string Name,
        string Description,
        bool Confidential,
        int AcceptWithinDays,
        int ResolveWithinDays,
        string? Guidance,
        bool Urgent,
        IReadOnlyList<Question> Questions);

    /// <param name="Label">In the caller's language.</param>
    /// <param name="MaxLength">Text questions: the longest answer in characters.</param>
    /// <param name="Options">Choice questions: send the option's value as the answer.</param>
    public sealed record Question(string Key, QuestionKind Kind, bool Required, string Label, int? MaxLength, IReadOnlyList<Option>? Options);

    public sealed record Option(string Value, string Label);

    public static Question Localize(CategoryQuestion q, bool english) =>
        new(q.Key, q.Kind, q.Required, english ? q.LabelEn : q.LabelZh, q.Kind == QuestionKind.Text ? q.TextLimit : null,
            q.Options?.Select(o => new Option(o.Value, english ? o.En : o.Zh)).ToList());

    public sealed class Handler(CategoryCatalog catalog) : IQueryHandler<Query, IReadOnlyList<CategoryItem>>
    {
        public async ValueTask<IReadOnlyList<CategoryItem>> Handle(Query query, CancellationToken cancellationToken)
        {
            var english = query.Language == Lang.English;
            return (await catalog.ListActiveAsync())
                .Select(c => new CategoryItem(
                    c.Code,
                    c.GroupCode,
                    english ? c.GroupNameEn : c.GroupNameZh,
                    english ? c.NameEn : c.NameZh,
                    english ? c.DescriptionEn : c.DescriptionZh,
                    c.Confidential,
                    c.AcceptWithinDays,
                    c.ResolveWithinDays,
                    english ? c.GuidanceEn : c.GuidanceZh,
                    c.Urgent,
                    c.Questions.Select(q => Localize(q, english)).ToList()))
                .ToList();
        }
    }
}

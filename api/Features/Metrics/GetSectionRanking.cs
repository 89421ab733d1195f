using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Localization;
using Mediator;

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// Sections by composite score. Every section is listed: those with enough evaluations
/// (FEEDBACK_METRICS_MIN_EVALUATIONS) ranked first, equal scores sharing a rank (1, 1, 3); the
/// others after them, unranked, with the reason. The ranking is always among all sections, on
/// the figures leaders see; the section filter (and a section head's scope) only narrows which
/// rows are shown.
/// </summary>
public static class GetSectionRanking
{
    public sealed record Query(MetricsFilters Filters) : IQuery<Result>;

    /// <param name="Rank">1 for the best; null when unranked.</param>
    /// <param name="UnrankedReason">Why the section is not ranked, in the caller's language.</param>
    public sealed record Row(int? Rank, string Section, string Label, long Evaluations, decimal? Composite,
        Rate ResponseRate, Rate ResolutionRate, Rate SatisfactionRate, string? UnrankedReason);

    public sealed record Result(MetricsPeriod Period, MetricsConfig Config, IReadOnlyList<Row> Rows);

    public sealed class Handler(MetricsScope scope, MetricsCalculator calculator, CategoryCatalog catalog) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var period = scope.Period(query.Filters);
            var filter = await scope.FilterAsync(query.Filters);
            var shown = filter.Section;
            // Ranked on the figures leaders see. A section head's own row then shows their figures
            // without the conduct cases they may not see (at the rank leaders see).
            var computed = (await calculator.ComputeAsync([("period", period)], filter with { Section = null, WithoutConfidential = false },
                    MetricsDimension.Section, cancellationToken))
                .ToDictionary(r => r.Key, r => r.Figures);
            var ownFigures = !filter.WithoutConfidential || shown is null ? null
                : (await calculator.ComputeAsync([("period", period)], filter, null, cancellationToken)).FirstOrDefault()?.Figures ?? Figures.Empty;

            var minimum = scope.Config.MinimumEvaluations;
            var sections = (await catalog.ListSectionsAsync())
                .Select(s => (Section: s, Figures: computed.GetValueOrDefault(s.Code) ?? Figures.Empty))
                .ToList();
            bool Ranked((CategoryCatalog.Section Section, Figures Figures) s) => s.Figures.Evaluations >= minimum && s.Figures.Composite is not null;
            var ranked = sections.Where(Ranked).OrderByDescending(s => s.Figures.Composite).ThenBy(s => s.Section.SortOrder).ToList();

            var rows = new List<Row>();
            for (var i = 0; i < ranked.Count; i++)
            {
                var rank = i > 0 && ranked[i].Figures.Composite == ranked[i - 1].Figures.Composite ? rows[i - 1].Rank : i + 1;
                rows.Add(RowOf(ranked[i].Section, ranked[i].Figures, rank, null));
            }
            foreach (var (section, figures) in sections.Where(s => !Ranked(s)))
                rows.Add(RowOf(section, figures, null, figures.Evaluations < minimum
                    ? Lang.Pick($"评价 {figures.Evaluations} 件，少于 {minimum} 件", $"{figures.Evaluations} evaluations, fewer than {minimum}")
                    : Lang.Pick("没有可计算的响应率", "No response rate to compute")));
            var visible = rows.Where(r => shown is null || r.Section == shown);
            if (ownFigures is not null)
                visible = visible.Select(r => RowOf(sections.First(s => s.Section.Code == r.Section).Section, ownFigures, r.Rank, r.UnrankedReason));
            return new Result(period, scope.Config, visible.ToList());
        }

        private static Row RowOf(CategoryCatalog.Section section, Figures figures, int? rank, string? reason) =>
            new(rank, section.Code, Lang.Pick(section.NameZh, section.NameEn), figures.Evaluations, figures.Composite,
                figures.ResponseRate, figures.ResolutionRate, figures.SatisfactionRate, reason);
    }
}

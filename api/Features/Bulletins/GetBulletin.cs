using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Metrics;
using Feedback.Api.Features.StaffComplaints;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Caching.Memory;

namespace Feedback.Api.Features.Bulletins;

/// <summary>
/// 月度公报: a month's complaints for the public, in the spirit of the 12369 monthly bulletins —
/// counts by category group and township, accepted and not (by ground), and the rates, each beside
/// the previous month. Only counts and rates: no case, code, name or text. The rates come from the
/// leadership's <see cref="MetricsCalculator"/>, so the bulletin and /metrics never disagree.
/// Conduct (confidential) cases are one count; every other figure leaves them out.
/// Townships with fewer than FEEDBACK_BULLETIN_MIN_CASES cases are one "other townships" row.
/// </summary>
public static class GetBulletin
{
    /// <param name="Month">yyyy-MM: a month that has ended, from the month of the service's first case.</param>
    public sealed record Query(string Month) : IQuery<Result>;

    /// <param name="Month">yyyy-MM.</param>
    /// <param name="From">The month's first day (the bureau's calendar).</param>
    /// <param name="To">The month's last day.</param>
    /// <param name="PreviousMonth">yyyy-MM of the month compared with.</param>
    /// <param name="Current">The month's figures, conduct cases left out.</param>
    /// <param name="Previous">The same for the previous month.</param>
    /// <param name="Groups">Every category group but the confidential ones, in display order.</param>
    /// <param name="Townships">The month's cases by township: townships with at least MinimumCases cases in display order, then "other" (the rest together), then "" (not given).</param>
    /// <param name="NotAcceptedGrounds">The cases not accepted by ground, every ground listed; "unclassified" (rejected before grounds existed) only when there are such cases.</param>
    /// <param name="ConductCases">Complaints about staff conduct: only their number.</param>
    /// <param name="MinimumCases">Townships with fewer cases than this in the month are shown together.</param>
    /// <param name="BasicallySatisfiedFactor">How much a 基本满意 counts in the satisfaction rate (满意 counts 1).</param>
    public sealed record Result(
        string Month, DateOnly From, DateOnly To, string PreviousMonth, Summary Current, Summary Previous,
        IReadOnlyList<GroupRow> Groups, IReadOnlyList<TownshipRow> Townships, IReadOnlyList<GroundRow> NotAcceptedGrounds,
        CountPair ConductCases, int MinimumCases, decimal BasicallySatisfiedFactor);

    /// <param name="Volume">Complaints submitted in the month (a merged duplicate counts once, in its original).</param>
    /// <param name="Accepted">Of those, accepted (受理).</param>
    /// <param name="NotAccepted">Of those, not accepted (不予受理).</param>
    /// <param name="AwaitingDecision">Of those, not decided yet.</param>
    /// <param name="AcceptanceShare">accepted ÷ (accepted + not accepted).</param>
    /// <param name="ResponseRate">响应率: decisions by the acceptance deadline ÷ deadlines falling in the month or decisions in it.</param>
    /// <param name="OnTimeRate">按期办结率: resolved by the (possibly extended) deadline ÷ resolved or overdue in the month. Its numerator is the cases resolved on time.</param>
    /// <param name="ResolutionRate">解决率: evaluations saying "solved" ÷ evaluations in the month.</param>
    /// <param name="SatisfactionRate">满意率: (满意 + factor × 基本满意) ÷ evaluations in the month.</param>
    /// <param name="Evaluations">Citizens' evaluations received in the month.</param>
    public sealed record Summary(
        long Volume, long Accepted, long NotAccepted, long AwaitingDecision, Rate AcceptanceShare,
        Rate ResponseRate, Rate OnTimeRate, Rate ResolutionRate, Rate SatisfactionRate, long Evaluations);

    /// <param name="Key">The group's code, e.g. water.</param>
    public sealed record GroupRow(string Key, string Label, long Volume, long PreviousVolume, long Accepted, long NotAccepted, long AwaitingDecision);

    /// <param name="Key">The township's Chinese name as cases store it; "" for cases that gave none; "other" for the small ones together.</param>
    /// <param name="Townships">How many townships the row stands for (more than 1 only for "other").</param>
    public sealed record TownshipRow(string Key, string Label, int Townships, long Volume, long Accepted, long NotAccepted, long AwaitingDecision);

    /// <param name="Ground">outside_remit, not_environmental, other_channel, duplicate, insufficient_information, other, or unclassified.</param>
    public sealed record GroundRow(string Ground, string Label, long Count, long PreviousCount);

    public sealed record CountPair(long Count, long PreviousCount);

    public const string OtherTownships = "other";
    public const string Unclassified = "unclassified";

    public static readonly TimeSpan CacheFor = TimeSpan.FromHours(1);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Month).Must(month => BulletinMonths.ParseMonth(month) is not null)
                .WithMessage(_ => Lang.Pick("月份格式应为 yyyy-MM，例如 2026-10", "The month is yyyy-MM, e.g. 2026-10"));
        }
    }

    /// <summary>What the month's figures are, whatever the reader's language: kept an hour in memory.</summary>
    private sealed record Counts(
        Figures Current, Figures Previous, IReadOnlyDictionary<(string Period, string Group), Figures> Groups,
        IReadOnlyList<MetricsRow> Townships, IReadOnlyDictionary<(string Period, string Ground), long> Grounds);

    public sealed class Handler(
        MetricsCalculator metrics, BulletinMonths months, ReadDatabase database, CategoryCatalog catalog, BureauClock clock,
        FeedbackOptions options, IMemoryCache cache) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var month = BulletinMonths.ParseMonth(query.Month)!.Value;
            await months.EnsurePublishedAsync(month, cancellationToken);
            var previous = month.AddMonths(-1);
            var counts = (await cache.GetOrCreateAsync(("bulletin", month), entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = CacheFor;
                return CountAsync(month, previous, cancellationToken);
            }))!;

            var categories = await catalog.ListAllCategoriesAsync();
            var confidential = categories.Where(c => c.Confidential).Select(c => c.GroupCode).ToHashSet();
            var groups = categories.Where(c => !c.Confidential).DistinctBy(c => c.GroupCode).Select(c =>
            {
                var now = counts.Groups.GetValueOrDefault(("current", c.GroupCode));
                var before = counts.Groups.GetValueOrDefault(("previous", c.GroupCode));
                return new GroupRow(c.GroupCode, Lang.Pick(c.GroupNameZh, c.GroupNameEn), now?.Volume ?? 0, before?.Volume ?? 0,
                    now?.Accepted ?? 0, now?.Rejected ?? 0, now?.AwaitingDecision ?? 0);
            }).ToList();
            long Conduct(string period) => counts.Groups.Where(g => g.Key.Period == period && confidential.Contains(g.Key.Group)).Sum(g => g.Value.Volume);
            var conduct = new CountPair(Conduct("current"), Conduct("previous"));

            return new Result(
                BulletinMonths.Format(month), month, month.AddMonths(1).AddDays(-1), BulletinMonths.Format(previous),
                Summarize(counts.Current), Summarize(counts.Previous), groups,
                await TownshipsAsync(counts.Townships), Grounds(counts.Grounds), conduct,
                options.BulletinMinimumCases, options.Metrics.BasicallySatisfiedFactor);
        }

        private async Task<Counts> CountAsync(DateOnly month, DateOnly previous, CancellationToken cancellationToken)
        {
            // The engine takes contiguous periods in time order.
            IReadOnlyList<(string, MetricsPeriod)> periods =
            [
                ("previous", new MetricsPeriod(previous, month.AddDays(-1))),
                ("current", new MetricsPeriod(month, month.AddMonths(1).AddDays(-1))),
            ];
            var open = new MetricsFilter(null, null, WithoutConfidential: true, null, null);
            var totals = await metrics.ComputeAsync(periods, open, null, cancellationToken);
            // Confidential groups too, for their one count; their other figures are never shown.
            var byGroup = await metrics.ComputeAsync(periods, open with { WithoutConfidential = false }, MetricsDimension.Group, cancellationToken);
            var byTownship = await metrics.ComputeAsync([periods[1]], open, MetricsDimension.Township, cancellationToken);

            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var grounds = await connection.QueryAsync<(string Period, string Ground, long Count)>(new CommandDefinition(
                """
                select case when c.submitted_at >= @start then 'current' else 'previous' end as period,
                       coalesce(c.rejection_ground, 'unclassified') as ground, count(*) as count
                from complaints c
                join categories k on k.code = c.category_code
                join category_groups g on g.code = k.group_code
                where c.status = 'rejected' and not g.confidential
                  and c.submitted_at >= @previousStart and c.submitted_at < @end
                group by 1, 2
                """,
                new { previousStart = clock.StartOf(previous), start = clock.StartOf(month), end = clock.StartOf(month.AddMonths(1)) },
                cancellationToken: cancellationToken));

            return new Counts(
                totals.Single(r => r.PeriodKey == "current").Figures,
                totals.Single(r => r.PeriodKey == "previous").Figures,
                byGroup.ToDictionary(r => (r.PeriodKey, r.Key), r => r.Figures),
                byTownship,
                grounds.ToDictionary(g => (g.Period, g.Ground), g => g.Count));
        }

        private static Summary Summarize(Figures f) => new(
            f.Volume, f.Accepted, f.Rejected, f.AwaitingDecision, f.AcceptanceShare,
            f.ResponseRate, f.OnTimeRate, f.ResolutionRate, f.SatisfactionRate, f.Evaluations);

        /// <summary>
        /// Small-number protection: a township with fewer than the minimum joins "other townships", so no
        /// row points at a handful of neighbours. Cases without a township name no place and stay apart, last.
        /// </summary>
        private async Task<IReadOnlyList<TownshipRow>> TownshipsAsync(IReadOnlyList<MetricsRow> rows)
        {
            var known = (await catalog.ListTownshipsAsync()).ToDictionary(t => t.NameZh);
            var minimum = options.BulletinMinimumCases;
            var named = rows.Where(r => r.Key != "" && r.Figures.Volume > 0)
                .OrderBy(r => known.TryGetValue(r.Key, out var t) ? t.SortOrder : int.MaxValue)
                .ThenBy(r => r.Key, StringComparer.Ordinal)
                .ToList();
            var shown = named.Where(r => r.Figures.Volume >= minimum)
                .Select(r => Row(r.Key, Label(r.Key, known), 1, [r.Figures]))
                .ToList();
            var small = named.Where(r => r.Figures.Volume < minimum).Select(r => r.Figures).ToList();
            if (small.Count > 0)
                shown.Add(Row(OtherTownships,
                    Lang.Pick($"其他乡镇（每个不足 {minimum} 件，合并统计）", $"Other townships (fewer than {minimum} cases each, together)"),
                    small.Count, small));
            if (rows.FirstOrDefault(r => r.Key == "" && r.Figures.Volume > 0) is { } unnamed)
                shown.Add(Row("", Lang.Pick("未填写乡镇", "Township not given"), 1, [unnamed.Figures]));
            return shown;
        }

        private static TownshipRow Row(string key, string label, int townships, IReadOnlyList<Figures> figures) =>
            new(key, label, townships, figures.Sum(f => f.Volume), figures.Sum(f => f.Accepted), figures.Sum(f => f.Rejected),
                figures.Sum(f => f.AwaitingDecision));

        private static string Label(string township, Dictionary<string, CategoryCatalog.Township> known) =>
            known.TryGetValue(township, out var t) ? Lang.Pick(t.NameZh, t.NameEn) : township;

        private static IReadOnlyList<GroundRow> Grounds(IReadOnlyDictionary<(string Period, string Ground), long> counts)
        {
            long Count(string period, string ground) => counts.GetValueOrDefault((period, ground));
            var rows = Enum.GetValues<RejectionGround>()
                .Select(g => new GroundRow(g.ToCode(), g.Label(), Count("current", g.ToCode()), Count("previous", g.ToCode())))
                .ToList();
            if (Count("current", Unclassified) + Count("previous", Unclassified) > 0)
                rows.Add(new GroundRow(Unclassified, Lang.Pick("未分类（早期记录）", "Not classified (older records)"),
                    Count("current", Unclassified), Count("previous", Unclassified)));
            return rows;
        }
    }
}

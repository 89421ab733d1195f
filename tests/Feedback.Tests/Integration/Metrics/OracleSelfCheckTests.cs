using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Metrics;

/// <summary>
/// The oracle checked against figures worked out by hand, for February 2026 (Spring Festival
/// 15–23 February, make-up working Saturdays 14 and 28 February), as of Tuesday 10 March 2026.
/// </summary>
public sealed class OracleSelfCheckTests
{
    private static readonly OracleCalendar Calendar = new(
        Notice2026.Off.SelectMany(block => Notice2026.Days(block.From, block.To)), Notice2026.Worked);

    private static readonly DateTimeOffset Now = Local(2026, 3, 10, 14);

    private static DateTimeOffset Local(int year, int month, int day, int hour) => new(year, month, day, hour, 0, 0, TimeSpan.FromHours(8));

    private static OracleCase Case(long id, DateTimeOffset submitted, DateOnly acceptBy, string status = "submitted",
        string section = "enforcement", string category = "air.odor") => new()
    {
        Id = id, Category = category, Group = category.Split('.')[0], Section = section, Channel = "web", Status = status,
        SubmittedAt = submitted, AcceptBy = acceptBy,
    };

    private static readonly OracleCase[] Cases =
    [
        // Friday 16:00 → Monday 10:00: 8 + 10 = 18 working hours; resolved Thursday 12:00: 8 + 24 × 3 + 12 = 92.
        Case(1, Local(2026, 2, 6, 16), new(2026, 2, 10), "closed") with
        {
            DecidedAt = Local(2026, 2, 9, 10), ResolveBy = new(2026, 2, 27), ResolvedAt = Local(2026, 2, 12, 12),
            EvaluatedAt = Local(2026, 2, 13, 9), Solved = "yes", Satisfaction = "satisfied", SupportCount = 2, Township = "剡湖街道",
        },
        // Friday 13 February 20:00 → Tuesday 24 February 08:00 over Spring Festival: 4 + 24 (Saturday 14 is worked) + 8 = 36.
        Case(2, Local(2026, 2, 13, 20), new(2026, 2, 24), "accepted") with
        {
            DecidedAt = Local(2026, 2, 24, 8), ResolveBy = new(2026, 3, 20), Channel = "phone",
        },
        // Rejected a day late: Monday 09:00 → Thursday 09:00 = 15 + 24 + 24 + 9 = 72.
        Case(3, Local(2026, 2, 2, 9), new(2026, 2, 4), "rejected", section: "office", category: "other") with
        {
            DecidedAt = Local(2026, 2, 5, 9),
        },
        // Accepted in January, never resolved, resolution deadline 10 February passed.
        Case(4, Local(2026, 1, 20, 10), new(2026, 1, 22), "in_progress") with
        {
            DecidedAt = Local(2026, 1, 21, 10), ResolveBy = new(2026, 2, 10),
        },
        // Undecided, acceptance deadline Friday 27 February passed.
        Case(5, Local(2026, 2, 25, 10), new(2026, 2, 27)) with { SupportCount = 3 },
        // A duplicate of case 1: counted only as "merged".
        Case(6, Local(2026, 2, 7, 10), new(2026, 2, 10), "merged") with
        {
            MergedIntoId = 1, SupportCount = 5, DecidedAt = Local(2026, 2, 8, 10), ResolveBy = new(2026, 2, 11),
        },
        // Resolved late in the period (deadline 26 January): 14 + 20 working days × 24 + 10 = 504.
        Case(7, Local(2026, 1, 5, 10), new(2026, 1, 7), "closed") with
        {
            DecidedAt = Local(2026, 1, 6, 10), ResolveBy = new(2026, 1, 26), ResolvedAt = Local(2026, 2, 3, 10),
            EvaluatedAt = Local(2026, 2, 4, 10), Solved = "partly", Satisfaction = "basically_satisfied",
        },
        // Reviewed in the period: the first result is gone, the new deadline is in March.
        Case(8, Local(2026, 1, 10, 10), new(2026, 1, 13), "in_progress") with
        {
            DecidedAt = Local(2026, 1, 12, 10), ResolveBy = new(2026, 3, 20), ReviewRequestedAt = Local(2026, 2, 16, 10),
            RemindersSent = 2,
        },
    ];

    private static OracleCalculator Oracle(OracleConfig? config = null) => new(Cases, Calendar, Now, config ?? OracleConfig.Default);

    [Test]
    public void February_figures_match_the_hand_count()
    {
        var f = Oracle().Figures(new(2026, 2, 1), new(2026, 2, 28), new OracleFilter());
        Assert.Multiple(() =>
        {
            Assert.That((f.Volume, f.Merged, f.Accepted, f.Rejected, f.AwaitingDecision), Is.EqualTo((4L, 1L, 2L, 1L, 1L)));
            Assert.That(f.AcceptanceShare, Is.EqualTo(new OracleRate(0.6667m, 2, 3)));
            Assert.That(f.ResponseRate, Is.EqualTo(new OracleRate(0.5m, 2, 4)), "cases 1, 2, 3 decided; 5's deadline fell");
            Assert.That(f.OnTimeRate, Is.EqualTo(new OracleRate(0.3333m, 1, 3)), "1 on time, 7 late, 4 missed");
            Assert.That(f.Evaluations, Is.EqualTo(2));
            Assert.That(f.ResolutionRate, Is.EqualTo(new OracleRate(0.5m, 1, 2)));
            Assert.That(f.SatisfactionRate, Is.EqualTo(new OracleRate(1m, 2, 2)));
            Assert.That(f.Composite, Is.EqualTo(0.675m));
            Assert.That(f.ReviewRate, Is.EqualTo(new OracleRate(0.3333m, 1, 3)));
            // 18, 36 and 72 hours fall in the steps 18–20, 36–39 and 68–75. The median is 1.5 values
            // in: half of the second step, 36 + 0.5 × 3; the 90th percentile 2.7: 68 + 0.7 × 7.
            Assert.That(f.HoursToDecide, Is.EqualTo(new OracleHours(37.5m, 72.9m, 3)));
            // 92 and 504 fall in 91–100 and 470–510: the median is all of the first, 91 + 1 × 9; the
            // 90th percentile 0.8 into the second, 470 + 0.8 × 40.
            Assert.That(f.HoursToResolve, Is.EqualTo(new OracleHours(100m, 502m, 2)));
            Assert.That(f.Backlog, Is.EqualTo(4), "2, 4, 5 and the reopened 8");
            Assert.That(f.Overdue, Is.EqualTo(3), "3 decided late, 5 undecided, 4 unresolved");
            Assert.That(f.Supports, Is.EqualTo(5));
        });
    }

    [Test]
    public void Weight_of_basically_satisfied_and_weights_come_from_the_config()
    {
        var f = Oracle(new OracleConfig(0.5m, 0.25m, 0.25m, 0.5m, 10)).Figures(new(2026, 2, 1), new(2026, 2, 28), new OracleFilter());
        Assert.Multiple(() =>
        {
            Assert.That(f.SatisfactionRate, Is.EqualTo(new OracleRate(0.75m, 1.5m, 2)));
            Assert.That(f.Composite, Is.EqualTo(0.5m * 0.5m + 0.25m * 0.5m + 0.25m * 0.75m).And.EqualTo(0.5625m));
        });
    }

    [Test]
    public void An_empty_period_has_null_rates_and_a_future_one_only_the_backlog()
    {
        var empty = Oracle().Figures(new(2025, 6, 1), new(2025, 6, 30), new OracleFilter());
        var future = Oracle().Figures(new(2026, 4, 1), new(2026, 4, 30), new OracleFilter());
        Assert.Multiple(() =>
        {
            Assert.That(empty.IsEmpty, Is.True);
            Assert.That(empty.ResponseRate, Is.EqualTo(new OracleRate(null, 0, 0)));
            Assert.That(empty.Composite, Is.Null);
            Assert.That(empty.HoursToDecide, Is.EqualTo(new OracleHours(null, null, 0)));
            Assert.That(future.Backlog, Is.EqualTo(4), "the end of a future period is now");
            Assert.That(future.Volume + future.Overdue + future.OnTimeRate.Denominator, Is.Zero);
        });
    }

    [Test]
    public void Filters_and_breakdowns_split_the_cases()
    {
        var oracle = Oracle();
        var bySection = oracle.Breakdown(new(2026, 2, 1), new(2026, 2, 28), new OracleFilter(), "section");
        Assert.Multiple(() =>
        {
            Assert.That(bySection.Keys, Is.EquivalentTo(new[] { "enforcement", "office" }));
            Assert.That(bySection["office"].Rejected, Is.EqualTo(1));
            Assert.That(bySection["enforcement"].Volume, Is.EqualTo(3));
            Assert.That(oracle.Figures(new(2026, 2, 1), new(2026, 2, 28), new OracleFilter(Channel: "phone")).Volume, Is.EqualTo(1));
            Assert.That(oracle.Figures(new(2026, 2, 1), new(2026, 2, 28), new OracleFilter(Category: "air")).Volume, Is.EqualTo(3));
            Assert.That(oracle.Figures(new(2026, 2, 1), new(2026, 2, 28), new OracleFilter(Township: "剡湖街道")).Volume, Is.EqualTo(1));
            Assert.That(oracle.Breakdown(new(2026, 2, 1), new(2026, 2, 28), new OracleFilter(), "township").Keys,
                Is.EquivalentTo(new[] { "", "剡湖街道" }));
        });
    }

    [Test]
    public void The_overdue_list_counts_working_days_after_the_deadline()
    {
        var rows = Oracle().OverdueList(new OracleFilter());
        Assert.That(rows.Select(r => (r.Id, r.Stage, r.DueOn, r.DaysOverdue)), Is.EqualTo(new[]
        {
            // 11–13 Feb, Saturday 14, 24–27 Feb, Saturday 28, 2–6 and 9–10 March: 3 + 1 + 4 + 1 + 5 + 2.
            (4L, "resolution", new DateOnly(2026, 2, 10), 16),
            (5L, "acceptance", new DateOnly(2026, 2, 27), 8),
        }));
    }

    [Test]
    public void Buckets_are_clipped_months_and_iso_weeks()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OracleCalculator.Buckets(new(2026, 2, 10), new(2026, 2, 28), "week"), Is.EqualTo(new[]
            {
                ("2026-W07", new DateOnly(2026, 2, 10), new DateOnly(2026, 2, 15)),
                ("2026-W08", new DateOnly(2026, 2, 16), new DateOnly(2026, 2, 22)),
                ("2026-W09", new DateOnly(2026, 2, 23), new DateOnly(2026, 2, 28)),
            }));
            Assert.That(OracleCalculator.Buckets(new(2026, 12, 30), new(2027, 1, 5), "week").Select(b => b.Key),
                Is.EqualTo(new[] { "2026-W53", "2027-W01" }));
            Assert.That(OracleCalculator.Buckets(new(2025, 12, 15), new(2026, 2, 3), "month"), Is.EqualTo(new[]
            {
                ("2025-12", new DateOnly(2025, 12, 15), new DateOnly(2025, 12, 31)),
                ("2026-01", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31)),
                ("2026-02", new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 3)),
            }));
        });
    }

    [Test]
    public void Percentiles_interpolate_within_their_step_and_hours_round_half_away_from_zero()
    {
        Assert.Multiple(() =>
        {
            // Steps 1.0–1.1, 2.0–2.2, 3.0–3.3, 3.9–4.3 hold one value each. The median is the 2nd
            // value's step, all of it: 2.0 + (2 − 1) ÷ 1 × 0.2; the 90th percentile is 0.6 into the
            // 4th: 3.9 + 0.6 × 0.4.
            Assert.That(OracleCalculator.GroupedPercentile([1m, 2m, 3m, 4m], 0.5m), Is.EqualTo(2.2m));
            Assert.That(OracleCalculator.GroupedPercentile([1m, 2m, 3m, 4m], 0.9m), Is.EqualTo(4.14m));
            // One value: halfway into its step 6.8–7.5.
            Assert.That(OracleCalculator.GroupedPercentile([7m], 0.5m), Is.EqualTo(7.15m));
            // Ten values in step 20–22: the median 10 × 0.5 = 5 values in, 20 + 5 ÷ 10 × 2.
            Assert.That(OracleCalculator.GroupedPercentile(Enumerable.Repeat(20.5m, 10).ToList(), 0.5m), Is.EqualTo(21m));
            Assert.That(OracleCalculator.GroupedPercentile([-1m, 0m], 0.5m), Is.EqualTo(0.05m));
            Assert.That(OracleCalculator.GroupedPercentile([10_000m], 0.9m), Is.EqualTo(9100m));
            Assert.That(OracleCalculator.Round(0.25m, 1), Is.EqualTo(0.3m));
            Assert.That(OracleCalculator.Round(2m / 3m, 4), Is.EqualTo(0.6667m));
            Assert.That(OracleCalculator.Round(0.00005m, 4), Is.EqualTo(0.0001m));
        });
    }

    [Test]
    public void Ranking_shares_ranks_on_equal_composites_and_lists_small_samples_last()
    {
        // Three sections, each with evaluations; the minimum is 1 so all but the empty ones rank.
        var evaluated = new List<OracleCase>();
        long id = 100;
        foreach (var (section, solved) in new[] { ("office", "yes"), ("monitoring", "yes"), ("pollution", "no") })
            evaluated.Add(Case(id++, Local(2026, 2, 2, 9), new(2026, 2, 4), "closed", section) with
            {
                DecidedAt = Local(2026, 2, 3, 9), ResolveBy = new(2026, 2, 20), ResolvedAt = Local(2026, 2, 5, 9),
                EvaluatedAt = Local(2026, 2, 6, 9), Solved = solved, Satisfaction = "satisfied",
            });
        var oracle = new OracleCalculator(evaluated, Calendar, Now, OracleConfig.Default with { MinimumEvaluations = 1 });
        var rows = oracle.Ranking(new(2026, 2, 1), new(2026, 2, 28), ["office", "enforcement", "monitoring", "pollution"]);
        Assert.That(rows.Select(r => (r.Section, r.Rank, r.Composite)), Is.EqualTo(new (string, int?, decimal?)[]
        {
            ("office", 1, 1m), ("monitoring", 1, 1m), ("pollution", 3, 0.65m), ("enforcement", null, null),
        }));
    }

    [Test]
    public void The_generator_is_reproducible()
    {
        OracleCategory[] categories = [new("air.odor", "air", "enforcement", 2, 15), new("conduct.inaction", "conduct", "discipline", 3, 30)];
        string[] sections = ["office", "enforcement", "discipline"];
        OracleData Generate() => OracleData.Generate(300, 7, Local(2026, 1, 1, 0), Now, Calendar, sections, categories, ["剡湖街道"]);
        var (first, second) = (Generate(), Generate());
        Assert.Multiple(() =>
        {
            Assert.That(first.Cases, Is.EqualTo(second.Cases));
            Assert.That(first.Reminders, Is.EqualTo(second.Reminders));
            Assert.That(first.Cases.Select(c => c.Status).Distinct(),
                Is.SupersetOf(new[] { "submitted", "accepted", "in_progress", "resolved", "closed", "rejected", "merged" }));
        });
    }
}

using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Metrics;

/// <summary>
/// Ranking ties and small samples on a hand-made data set: two sections with equal composites share
/// rank 1, the next is 3rd, and sections under the minimum of 10 evaluations follow unranked with the reason.
/// </summary>
[NonParallelizable]
public sealed class MetricsRankingTieTests
{
    [Test]
    public async Task Equal_composites_share_a_rank_and_small_samples_are_listed_unranked()
    {
        await TestEnvironment.ResetDataAsync();
        try
        {
            var (calendar, sections, categories, townships) = await OracleData.ReadReferenceAsync(TestEnvironment.Database.ConnectionString);
            var cases = new List<OracleCase>();
            void Add(string section, int count, string solved)
            {
                for (var i = 0; i < count; i++)
                {
                    var submitted = new DateTimeOffset(2026, 3, 2 + i % 5, 9, 0, 0, TimeSpan.FromHours(8));
                    cases.Add(new OracleCase
                    {
                        Id = cases.Count + 1, Category = "other", Group = "other", Section = section, Channel = "web", Status = "closed",
                        SubmittedAt = submitted, AcceptBy = calendar.AddWorkingDays(new(2026, 3, 2 + i % 5), 2),
                        DecidedAt = submitted.AddHours(3), ResolveBy = new(2026, 3, 31), ResolvedAt = submitted.AddDays(3),
                        EvaluatedAt = submitted.AddDays(4), Solved = solved, Satisfaction = "satisfied",
                    });
                }
            }
            Add("office", 10, "yes");
            Add("monitoring", 12, "yes");
            Add("pollution", 10, "no");
            Add("enforcement", 3, "yes");
            var data = new OracleData
            {
                Cases = cases, Calendar = calendar, Sections = sections, Categories = categories, Townships = townships, Reminders = [],
            };
            await data.WriteAsync(TestEnvironment.Database.AdminConnectionString, MetricsOracleTests.Now);
            var oracle = new OracleCalculator(cases, calendar, MetricsOracleTests.Now, OracleConfig.Default).Ranking(new(2026, 3, 1), new(2026, 3, 31), sections);

            await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(MetricsOracleTests.Now));
            app.StartServer();
            using var leader = await StaffLogin.ClientAsync("leader", app);
            leader.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
            using var response = await leader.GetAsync("/api/v1/metrics/ranking?from=2026-03-01&to=2026-03-31");
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var rows = body["rows"]!.AsArray().Select(r => (
                Section: (string)r!["section"]!, Rank: (int?)r["rank"], Composite: (decimal?)r["composite"], Reason: (string?)r["unrankedReason"])).ToList();

            Assert.Multiple(() =>
            {
                Assert.That(oracle.Take(3).Select(r => (r.Section, r.Rank)), Is.EqualTo(new (string, int?)[] { ("office", 1), ("monitoring", 1), ("pollution", 3) }),
                    "the oracle itself");
                Assert.That(rows.Take(3).Select(r => (r.Rank, r.Composite)), Is.EqualTo(new (int?, decimal?)[] { (1, 1m), (1, 1m), (3, 0.65m) }));
                Assert.That(rows.Take(2).Select(r => r.Section), Is.EquivalentTo(new[] { "office", "monitoring" }));
                Assert.That(rows[2].Section, Is.EqualTo("pollution"));
                Assert.That(rows.Skip(3).Select(r => r.Rank), Is.All.Null);
                Assert.That(rows.Select(r => r.Section), Is.EquivalentTo(sections));
                Assert.That(rows.Single(r => r.Section == "enforcement").Reason, Is.EqualTo("3 evaluations, fewer than 10"));
                Assert.That(rows.Single(r => r.Section == "approval").Reason, Is.EqualTo("0 evaluations, fewer than 10"));
            });
        }
        finally
        {
            await TestEnvironment.ResetDataAsync();
        }
    }
}

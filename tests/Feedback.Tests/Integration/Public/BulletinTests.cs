using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using Npgsql;
using NpgsqlTypes;

namespace Feedback.Tests.Integration.Public;

/// <summary>
/// The public monthly bulletin, figure by figure, over cases written straight into the database
/// (times are the bureau's, Asia/Shanghai). The API keeps each month's figures in memory for an
/// hour, so every test here asks for months no other test asks for.
/// </summary>
public sealed class BulletinTests : IntegrationTest
{
    /// <summary>One case. Times are local "yyyy-MM-dd HH:mm"; dates "yyyy-MM-dd".</summary>
    private sealed record Seed(
        string Submitted, string AcceptBy, string Category = "air.odor", string? Township = "剡湖街道", string Status = "submitted",
        string? Decided = null, string? ResolveBy = null, string? Resolved = null, string? Ground = null,
        string? Solved = null, string? Satisfaction = null, string? Evaluated = null, bool Merged = false);

    private const string Description = "独一无二的描述：河边排污口夜间冒黑水";
    private const string Name = "隐私测试人";
    private const string Phone = "13912345678";

    private static int _next;

    private static async Task SeedAsync(params Seed[] cases)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        foreach (var c in cases)
        {
            await using var command = new NpgsqlCommand(
                """
                insert into complaints (tracking_code, query_password_hash, category_code, description, township, contact_name, contact_phone,
                    section_code, status, submitted_at, accept_by, decided_at, resolve_by, resolved_at, due_on, rejection_ground,
                    evaluation_solved, evaluation_satisfaction, evaluated_at, merged_into_id, updated_at)
                values ('BT' || translate(lpad(@n::text, 10, '0'), '0123456789', '23456789AB'), 'v1$x$y', @category, @description, @township,
                    @name, @phone, 'enforcement', @status,
                    @submitted::timestamp at time zone 'Asia/Shanghai', @acceptBy::date,
                    @decided::timestamp at time zone 'Asia/Shanghai', @resolveBy::date, @resolved::timestamp at time zone 'Asia/Shanghai',
                    coalesce(@resolveBy::date, @acceptBy::date), @ground,
                    @solved, @satisfaction, @evaluated::timestamp at time zone 'Asia/Shanghai',
                    case when @merged then (select min(id) from complaints) end, now())
                """, connection);
            void Text(string name, string? value) => command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });
            command.Parameters.AddWithValue("n", Interlocked.Increment(ref _next));
            Text("category", c.Category);
            Text("description", Description);
            Text("township", c.Township);
            Text("name", Name);
            Text("phone", Phone);
            Text("status", c.Merged ? "merged" : c.Status);
            Text("submitted", c.Submitted);
            Text("acceptBy", c.AcceptBy);
            Text("decided", c.Decided);
            Text("resolveBy", c.ResolveBy);
            Text("resolved", c.Resolved);
            Text("ground", c.Ground);
            Text("solved", c.Solved);
            Text("satisfaction", c.Satisfaction);
            Text("evaluated", c.Evaluated);
            command.Parameters.AddWithValue("merged", c.Merged);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// March 2026 (and February, its previous month): 17 environmental cases in March in four
    /// townships and none, a merged duplicate, two conduct cases, and February cases whose decisions,
    /// results and evaluations fall in March. The expected figures are worked out case by case in
    /// the comments.
    /// </summary>
    private static Task SeedMarchAsync() => SeedAsync(
        // February: decided / resolved / evaluated in March, so they count in March's rates.
        new Seed("2026-02-26 10:00", "2026-03-02", Status: "closed", Decided: "2026-03-02 10:00", ResolveBy: "2026-03-16",
            Resolved: "2026-03-10 10:00", Solved: "yes", Satisfaction: "satisfied", Evaluated: "2026-03-12 10:00"),             // F1
        new Seed("2026-02-10 10:00", "2026-02-12", "water.river", "三江街道", "resolved", Decided: "2026-02-11 10:00",
            ResolveBy: "2026-03-04", Resolved: "2026-03-05 10:00"),                                                                // F2
        new Seed("2026-02-27 10:00", "2026-03-03", "water.river", Status: "rejected", Decided: "2026-03-04 10:00", Ground: "duplicate"), // F3
        new Seed("2026-02-28 23:59", "2026-03-03", Status: "accepted", Decided: "2026-03-02 10:00", ResolveBy: "2026-03-24"),     // F4
        new Seed("2026-02-15 10:00", "2026-02-17", "conduct.misconduct"),                                                            // K3: conduct, February
        // 剡湖街道: six cases.
        new Seed("2026-03-02 09:00", "2026-03-04", Status: "closed", Decided: "2026-03-03 10:00", ResolveBy: "2026-03-20",
            Resolved: "2026-03-15 10:00", Solved: "yes", Satisfaction: "satisfied", Evaluated: "2026-03-18 10:00"),               // A1
        new Seed("2026-03-03 09:00", "2026-03-05", Status: "closed", Decided: "2026-03-06 10:00", ResolveBy: "2026-03-25",
            Resolved: "2026-03-28 10:00", Solved: "partly", Satisfaction: "basically_satisfied", Evaluated: "2026-03-30 10:00"),  // A2
        new Seed("2026-03-05 09:00", "2026-03-09", "water.river", Status: "rejected", Decided: "2026-03-06 10:00", Ground: "outside_remit"), // A3
        new Seed("2026-03-10 09:00", "2026-03-12", "water.river", Status: "rejected", Decided: "2026-03-12 10:00", Ground: "duplicate"),     // A4
        new Seed("2026-03-20 09:00", "2026-03-23", "noise.construction", Status: "in_progress", Decided: "2026-03-23 10:00", ResolveBy: "2026-04-10"), // A5
        new Seed("2026-03-30 10:00", "2026-04-01"),                                                                                   // A6
        // 三江街道: five cases.
        new Seed("2026-03-04 09:00", "2026-03-06", "waste.solid", "三江街道", "resolved", Decided: "2026-03-05 10:00",
            ResolveBy: "2026-03-26", Resolved: "2026-03-26 23:00"),                                                                  // B1
        new Seed("2026-03-06 09:00", "2026-03-10", "waste.solid", "三江街道", "rejected", Decided: "2026-03-11 10:00",
            Ground: "insufficient_information"),                                                                                      // B2
        new Seed("2026-03-09 09:00", "2026-03-11", "suggestion", "三江街道", "accepted", Decided: "2026-03-10 10:00", ResolveBy: "2026-03-31"), // B3
        new Seed("2026-03-12 09:00", "2026-03-16", "air.odor", "三江街道", "rejected", Decided: "2026-03-13 10:00"),                  // B4: no ground (before 0016)
        new Seed("2026-03-31 23:30", "2026-04-02", "air.odor", "三江街道", "accepted", Decided: "2026-04-01 10:00", ResolveBy: "2026-04-20"), // B5
        // 甘霖镇: four cases and a merged duplicate (which would make five).
        new Seed("2026-03-16 09:00", "2026-03-18", "noise.construction", "甘霖镇", "closed", Decided: "2026-03-17 10:00",
            ResolveBy: "2026-04-07", Resolved: "2026-04-02 10:00", Solved: "yes", Satisfaction: "satisfied", Evaluated: "2026-04-05 10:00"), // C1
        new Seed("2026-03-17 09:00", "2026-03-19", "noise.construction", "甘霖镇", "rejected", Decided: "2026-03-18 10:00", Ground: "outside_remit"), // C2
        new Seed("2026-03-18 09:00", "2026-03-20", "water.river", "甘霖镇"),                                                           // C3: never decided
        new Seed("2026-03-19 09:00", "2026-03-23", "water.river", "甘霖镇", "rejected", Decided: "2026-03-20 10:00", Ground: "other_channel"), // C4
        new Seed("2026-03-19 10:00", "2026-03-23", "water.river", "甘霖镇", Merged: true),                                             // CM
        // 长乐镇: one case.
        new Seed("2026-03-25 09:00", "2026-03-27", "air.odor", "长乐镇", "closed", Decided: "2026-03-26 10:00", ResolveBy: "2026-04-15",
            Resolved: "2026-03-31 12:00", Solved: "no", Satisfaction: "dissatisfied", Evaluated: "2026-03-31 18:00"),             // D1
        // No township.
        new Seed("2026-03-26 09:00", "2026-03-30", "suggestion", null, "rejected", Decided: "2026-03-27 10:00", Ground: "not_environmental"), // E1
        // Conduct: counted, never shown anywhere else (would add to 剡湖街道, to the rates and to "other").
        new Seed("2026-03-05 09:00", "2026-03-09", "conduct.misconduct", Status: "closed", Decided: "2026-03-06 10:00", ResolveBy: "2026-03-27",
            Resolved: "2026-03-20 10:00", Solved: "no", Satisfaction: "dissatisfied", Evaluated: "2026-03-25 10:00"),
        new Seed("2026-03-10 09:00", "2026-03-12", "conduct.misconduct", Status: "rejected", Decided: "2026-03-14 10:00", Ground: "other"),
        // April, a minute past March in the bureau's time (still 31 March in UTC).
        new Seed("2026-04-01 00:30", "2026-04-03"));

    private async Task<(JsonObject Bulletin, HttpResponseMessage Response)> GetAsync(string month, string? language = null)
    {
        using var client = App.CreateHttpClient(language);
        var response = await client.GetAsync($"/api/v1/public/bulletins/{month}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return (JsonNode.Parse(body)!.AsObject(), response);
    }

    private static void AssertRate(JsonNode? rate, decimal? value, decimal numerator, long denominator, string what) =>
        Assert.Multiple(() =>
        {
            Assert.That((decimal?)rate!["value"], Is.EqualTo(value), $"{what}.value");
            Assert.That((decimal)rate["numerator"]!, Is.EqualTo(numerator), $"{what}.numerator");
            Assert.That((long)rate["denominator"]!, Is.EqualTo(denominator), $"{what}.denominator");
        });

    [Test]
    public async Task A_month_has_every_figure_beside_the_previous_month()
    {
        await SeedMarchAsync();
        var (bulletin, _) = await GetAsync("2026-03");
        var current = bulletin["current"]!;
        var previous = bulletin["previous"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string)bulletin["month"]!, Is.EqualTo("2026-03"));
            Assert.That((string)bulletin["from"]!, Is.EqualTo("2026-03-01"));
            Assert.That((string)bulletin["to"]!, Is.EqualTo("2026-03-31"));
            Assert.That((string)bulletin["previousMonth"]!, Is.EqualTo("2026-02"));
            Assert.That((int)bulletin["minimumCases"]!, Is.EqualTo(5));

            // A1–A6, B1–B5, C1–C4, D1, E1: not the merged duplicate, the conduct cases or April's.
            Assert.That((long)current["volume"]!, Is.EqualTo(17));
            Assert.That((long)current["accepted"]!, Is.EqualTo(8), "A1 A2 A5 B1 B3 B5 C1 D1");
            Assert.That((long)current["notAccepted"]!, Is.EqualTo(7), "A3 A4 B2 B4 C2 C4 E1");
            Assert.That((long)current["awaitingDecision"]!, Is.EqualTo(2), "A6 C3");
            Assert.That((long)current["evaluations"]!, Is.EqualTo(4), "F1 A1 A2 D1 (C1's is in April)");
        });
        AssertRate(current["acceptanceShare"], 0.5333m, 8, 15, "acceptanceShare");
        // Decided in March: 17 (F1 F3 F4 and 14 of March's); plus C3, whose deadline passed undecided.
        // Late: A2, B2, F3, and C3 never.
        AssertRate(current["responseRate"], 0.7778m, 14, 18, "responseRate");
        // Resolved in March: F1 F2 A1 A2 B1 D1 (F2 and A2 late); missed in March, unresolved: B3 F4.
        AssertRate(current["onTimeRate"], 0.5m, 4, 8, "onTimeRate");
        AssertRate(current["resolutionRate"], 0.5m, 2, 4, "resolutionRate");
        AssertRate(current["satisfactionRate"], 0.75m, 3, 4, "satisfactionRate");

        // February: F1–F4 (K3 is conduct). Only F2 was due and decided in it; nothing resolved or evaluated: null, not 0.
        Assert.Multiple(() =>
        {
            Assert.That((long)previous["volume"]!, Is.EqualTo(4));
            Assert.That((long)previous["accepted"]!, Is.EqualTo(3));
            Assert.That((long)previous["notAccepted"]!, Is.EqualTo(1));
            Assert.That((long)previous["awaitingDecision"]!, Is.EqualTo(0));
        });
        AssertRate(previous["responseRate"], 1m, 1, 1, "previous responseRate");
        AssertRate(previous["onTimeRate"], null, 0, 0, "previous onTimeRate");
        AssertRate(previous["resolutionRate"], null, 0, 0, "previous resolutionRate");
        AssertRate(previous["satisfactionRate"], null, 0, 0, "previous satisfactionRate");

        var groups = bulletin["groups"]!.AsArray().Select(g => (
            (string)g!["key"]!, (long)g["volume"]!, (long)g["previousVolume"]!, (long)g["accepted"]!, (long)g["notAccepted"]!, (long)g["awaitingDecision"]!)).ToList();
        Assert.That(groups, Is.EqualTo(new[]
        {
            ("water", 4L, 2L, 0L, 3L, 1L),
            ("air", 6L, 2L, 4L, 1L, 1L),
            ("noise", 3L, 0L, 2L, 1L, 0L),
            ("waste", 2L, 0L, 1L, 1L, 0L),
            ("ecology", 0L, 0L, 0L, 0L, 0L),
            ("radiation", 0L, 0L, 0L, 0L, 0L),
            ("suggestion", 2L, 0L, 1L, 1L, 0L),
            ("other", 0L, 0L, 0L, 0L, 0L),
        }), "every group but conduct, in display order");

        var townships = bulletin["townships"]!.AsArray().Select(t => (
            (string)t!["key"]!, (int)t["townships"]!, (long)t["volume"]!, (long)t["accepted"]!, (long)t["notAccepted"]!, (long)t["awaitingDecision"]!)).ToList();
        Assert.That(townships, Is.EqualTo(new[]
        {
            ("剡湖街道", 1, 6L, 3L, 2L, 1L),
            ("三江街道", 1, 5L, 3L, 2L, 0L),
            ("other", 2, 5L, 2L, 2L, 1L), // 甘霖镇 (4) and 长乐镇 (1), each under 5
            ("", 1, 1L, 0L, 1L, 0L),
        }));

        var grounds = bulletin["notAcceptedGrounds"]!.AsArray().Select(g => ((string)g!["ground"]!, (long)g["count"]!, (long)g["previousCount"]!)).ToList();
        Assert.That(grounds, Is.EqualTo(new[]
        {
            ("outside_remit", 2L, 0L),
            ("not_environmental", 1L, 0L),
            ("other_channel", 1L, 0L),
            ("duplicate", 1L, 1L),
            ("insufficient_information", 1L, 0L),
            ("other", 0L, 0L), // the conduct case's "other" is not among them
            ("unclassified", 1L, 0L),
        }));
        Assert.That(grounds.Sum(g => g.Item2), Is.EqualTo((long)current["notAccepted"]!), "every case not accepted has one ground");

        Assert.Multiple(() =>
        {
            Assert.That((long)bulletin["conductCases"]!["count"]!, Is.EqualTo(2));
            Assert.That((long)bulletin["conductCases"]!["previousCount"]!, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Labels_follow_the_language_and_nothing_personal_is_in_it()
    {
        await SeedMarchAsync();
        using var client = App.CreateHttpClient("en");
        using var response = await client.GetAsync("/api/v1/public/bulletins/2026-03");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        var bulletin = JsonNode.Parse(body)!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(bulletin["groups"]!.AsArray().Select(g => (string)g!["label"]!), Does.Contain("Air pollution").And.Not.Contain("Conduct of bureau staff"));
            Assert.That(bulletin["townships"]!.AsArray().Select(g => (string)g!["label"]!),
                Is.EqualTo(new[] { "Shanhu Subdistrict", "Sanjiang Subdistrict", "Other townships (fewer than 5 cases each, together)", "Township not given" }));
            Assert.That(bulletin["notAcceptedGrounds"]!.AsArray().Select(g => (string)g!["label"]!), Does.Contain("Outside the bureau's remit"));

            Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=3600"));
            Assert.That(response.Headers.Vary, Does.Contain("Accept-Language"));

            // Only counts and rates: no text, contact, code or small township of any case.
            Assert.That(body, Does.Not.Contain(Name).And.Not.Contain(Phone).And.Not.Contain("河边排污口"));
            Assert.That(body, Does.Not.Contain("BT22").And.Not.Contain("甘霖").And.Not.Contain("Ganlin").And.Not.Contain("Changle"));
            Assert.That(body, Does.Not.Contain("tracking").And.Not.Contain("phone").And.Not.Contain("description"));
        });

        var (chinese, _) = await GetAsync("2026-03", "zh-CN");
        Assert.That(chinese["groups"]!.AsArray().Select(g => (string)g!["label"]!), Does.Contain("大气污染"));
    }

    [Test]
    public async Task A_malformed_month_is_a_400_naming_the_month()
    {
        foreach (var month in new[] { "2026-3", "2026-13", "2026-00", "march", "0000-01", "2026-03-01", "2026_03" })
        {
            using var response = await Client.GetAsync($"/api/v1/public/bulletins/{month}");
            var problem = await AssertProblemAsync(response, 400);
            Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { "month" }), month);
        }
    }

    [Test]
    public async Task Only_months_that_have_ended_since_the_first_case_have_a_bulletin()
    {
        await SeedAsync(new Seed("2025-04-10 10:00", "2025-04-14"), new Seed("2025-05-10 10:00", "2025-05-14"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        string Month(DateOnly d) => d.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

        foreach (var (month, says) in new[]
                 {
                     (Month(thisMonth), "尚未结束"), (Month(thisMonth.AddMonths(1)), "尚未结束"), ("2099-01", "尚未结束"),
                     ("2025-03", "2025年4月"), ("2001-01", "2025年4月"),
                 })
        {
            using var response = await Client.GetAsync($"/api/v1/public/bulletins/{month}");
            var problem = await AssertProblemAsync(response, 404);
            Assert.That((string)problem["title"]!, Does.Contain(says), month);
        }

        // The first month and the last ended month have one; so does an empty month between.
        var (april, _) = await GetAsync("2025-04");
        var (lastMonth, _) = await GetAsync(Month(thisMonth.AddMonths(-1)));
        Assert.Multiple(() =>
        {
            Assert.That((long)april["current"]!["volume"]!, Is.EqualTo(1));
            Assert.That((long)lastMonth["current"]!["volume"]!, Is.EqualTo(0));
            Assert.That(lastMonth["current"]!["responseRate"]!["value"], Is.Null);
        });

        var months = await Client.GetFromJsonAsync<JsonObject>("/api/v1/public/bulletins");
        var expected = new List<string>();
        for (var m = thisMonth.AddMonths(-1); m >= new DateOnly(2025, 4, 1); m = m.AddMonths(-1)) expected.Add(Month(m));
        Assert.That(months!["months"]!.AsArray().Select(m => (string)m!), Is.EqualTo(expected), "newest first");
    }

    [Test]
    public async Task Without_any_case_there_is_no_bulletin()
    {
        var months = await Client.GetFromJsonAsync<JsonObject>("/api/v1/public/bulletins");
        Assert.That(months!["months"]!.AsArray(), Is.Empty);
        using var response = await Client.GetAsync("/api/v1/public/bulletins/2025-09");
        Assert.That((string)(await AssertProblemAsync(response, 404))["title"]!, Does.Contain("尚未收到投诉"));
    }

    [Test]
    public async Task A_bulletin_is_kept_an_hour_so_a_late_change_shows_after_that()
    {
        await SeedAsync(new Seed("2025-07-10 10:00", "2025-07-14"));
        var (first, _) = await GetAsync("2025-07");
        await SeedAsync(new Seed("2025-07-11 10:00", "2025-07-15"));
        var (second, _) = await GetAsync("2025-07");
        var (other, _) = await GetAsync("2025-08"); // not asked before: counted now
        Assert.Multiple(() =>
        {
            Assert.That((long)first["current"]!["volume"]!, Is.EqualTo(1));
            Assert.That((long)second["current"]!["volume"]!, Is.EqualTo(1), "served from memory");
            Assert.That((long)other["previous"]!["volume"]!, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task The_bulletin_and_the_leaders_summary_give_the_same_figures_for_a_month()
    {
        // No conduct case: leaders' totals include those, the bulletin's leave them out.
        await SeedAsync(
            new Seed("2025-09-01 09:00", "2025-09-03", Status: "closed", Decided: "2025-09-02 10:00", ResolveBy: "2025-09-20",
                Resolved: "2025-09-10 10:00", Solved: "yes", Satisfaction: "basically_satisfied", Evaluated: "2025-09-12 10:00"),
            new Seed("2025-09-05 09:00", "2025-09-09", "water.river", Status: "rejected", Decided: "2025-09-10 10:00", Ground: "duplicate"),
            new Seed("2025-09-15 09:00", "2025-09-17", Status: "accepted", Decided: "2025-09-16 10:00", ResolveBy: "2025-09-26"),
            new Seed("2025-09-20 09:00", "2025-09-22"));
        var (bulletin, _) = await GetAsync("2025-09");
        using var leader = await StaffAsync("leader");
        var summary = (await leader.GetFromJsonAsync<JsonObject>("/api/v1/metrics/summary?from=2025-09-01&to=2025-09-30"))!;
        Assert.Multiple(() =>
        {
            foreach (var (mine, theirs) in new[] { ("volume", "volume"), ("accepted", "accepted"), ("notAccepted", "rejected"), ("awaitingDecision", "awaitingDecision") })
                Assert.That((long)bulletin["current"]![mine]!, Is.EqualTo((long)summary["current"]![theirs]!), mine);
            foreach (var rate in new[] { "responseRate", "onTimeRate", "resolutionRate", "satisfactionRate" })
                Assert.That(bulletin["current"]![rate]!.ToJsonString(), Is.EqualTo(summary["current"]![rate]!.ToJsonString()), rate);
            Assert.That((long)bulletin["current"]!["volume"]!, Is.EqualTo(4));
        });
    }
}

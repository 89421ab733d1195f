using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Feedback.Api.Features.Metrics;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feedback.Tests.Integration.Metrics;

/// <summary>
/// The metrics oracle test: 3,000 generated cases over November 2025 – November 2026, every
/// figure of the metrics API compared exactly with <see cref="OracleCalculator"/>, which computes
/// the definitions in docs/metrics.md case by case. The clock is fixed at Friday 20 November 2026, 14:00 in
/// Shanghai, so "today" and every fallen deadline are known. Run twice: with every case still in
/// the metrics change log (the API adds what is not folded), and with the log folded into the
/// stored counters (migration 0033).
/// </summary>
[NonParallelizable]
[TestFixture(false, TestName = "MetricsOracleTests (change log not folded)")]
[TestFixture(true, TestName = "MetricsOracleTests (folded into the counters)")]
public sealed class MetricsOracleTests(bool folded)
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T06:00:00Z", CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset First = DateTimeOffset.Parse("2025-10-31T16:00:00Z", CultureInfo.InvariantCulture);
    private static readonly string[] ChannelOrder = ["web", "phone", "letter", "visit"];

    private FeedbackApp _app = null!;
    private OracleData _data = null!;
    private OracleCalculator _oracle = null!;
    private HttpClient _leader = null!;
    private HttpClient _head = null!;
    private Dictionary<string, string> _labels = null!;
    private List<string> _groups = null!;

    [OneTimeSetUp]
    public async Task GenerateAsync()
    {
        await TestEnvironment.ResetDataAsync();
        var (calendar, sections, categories, townships) = await OracleData.ReadReferenceAsync(TestEnvironment.Database.ConnectionString);
        _data = OracleData.Generate(3000, 20260214, First, Now, calendar, sections, categories, townships);
        await _data.WriteAsync(TestEnvironment.Database.AdminConnectionString, Now);
        _oracle = new OracleCalculator(_data.Cases, calendar, Now, OracleConfig.Default);
        _groups = categories.Select(c => c.Group).Distinct().ToList();
        _labels = await LabelsAsync();

        _app = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(Now));
        _app.StartServer();
        if (folded) Assert.That(await _app.Services.GetRequiredService<MetricsFolder>().FoldAllAsync(CancellationToken.None), Is.EqualTo(_data.Cases.Count));
        _leader = await SignInAsync(_app, "leader");
        _head = await SignInAsync(_app, "enforcement");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _leader?.Dispose();
        _head?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        await TestEnvironment.ResetDataAsync();
    }

    private static async Task<HttpClient> SignInAsync(FeedbackApp app, string username)
    {
        var client = await StaffLogin.ClientAsync(username, app);
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-CN"));
        return client;
    }

    private static async Task<Dictionary<string, string>> LabelsAsync()
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select 'section:' || code, name_zh from sections
            union all select 'category:' || code, name_zh from categories
            union all select 'group:' || code, name_zh from category_groups
            union all select 'township:' || name_zh, name_zh from townships
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var labels = new Dictionary<string, string> { ["township:"] = "未填写" };
        while (await reader.ReadAsync()) labels[reader.GetString(0)] = reader.GetString(1);
        return labels;
    }

    // ---------- HTTP and comparison ----------

    private static async Task<JsonObject> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{url}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static string Query(DateOnly? from, DateOnly? to, OracleFilter filter, params string[] extra)
    {
        var parts = new List<string>();
        if (from is { } f) parts.Add($"from={f:yyyy-MM-dd}");
        if (to is { } t) parts.Add($"to={t:yyyy-MM-dd}");
        if (filter.Section is { } s) parts.Add($"section={s}");
        if (filter.Category is { } c) parts.Add($"category={c}");
        if (filter.Township is { } w) parts.Add($"township={Uri.EscapeDataString(w)}");
        if (filter.Channel is { } ch) parts.Add($"channel={ch}");
        parts.AddRange(extra);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static decimal? Number(JsonNode? node) => node is null ? null : node.GetValue<decimal>();

    private static void Compare(string context, string name, object? expected, object? actual, List<string> diffs)
    {
        if (!Equals(expected, actual)) diffs.Add($"{context} {name}: expected {expected ?? "null"}, actual {actual ?? "null"}");
    }

    private static void CompareRate(string context, string name, OracleRate expected, JsonNode? actual, List<string> diffs)
    {
        if (actual is null)
        {
            diffs.Add($"{context} {name}: missing");
            return;
        }
        Compare(context, name + ".value", expected.Value, Number(actual["value"]), diffs);
        Compare(context, name + ".numerator", expected.Numerator, Number(actual["numerator"]), diffs);
        Compare(context, name + ".denominator", (decimal)expected.Denominator, Number(actual["denominator"]), diffs);
    }

    private static void CompareHours(string context, string name, OracleHours expected, JsonNode? actual, List<string> diffs)
    {
        if (actual is null)
        {
            diffs.Add($"{context} {name}: missing");
            return;
        }
        Compare(context, name + ".median", expected.Median, Number(actual["median"]), diffs);
        Compare(context, name + ".p90", expected.P90, Number(actual["p90"]), diffs);
        Compare(context, name + ".count", (decimal)expected.Count, Number(actual["count"]), diffs);
    }

    private static void CompareFigures(string context, OracleFigures e, JsonNode? a, List<string> diffs)
    {
        if (a is null)
        {
            diffs.Add($"{context}: figures missing");
            return;
        }
        void Count(string name, long expected) => Compare(context, name, (decimal)expected, Number(a[name]), diffs);
        Count("volume", e.Volume);
        Count("merged", e.Merged);
        Count("accepted", e.Accepted);
        Count("rejected", e.Rejected);
        Count("awaitingDecision", e.AwaitingDecision);
        CompareRate(context, "acceptanceShare", e.AcceptanceShare, a["acceptanceShare"], diffs);
        CompareRate(context, "responseRate", e.ResponseRate, a["responseRate"], diffs);
        CompareRate(context, "onTimeRate", e.OnTimeRate, a["onTimeRate"], diffs);
        CompareRate(context, "resolutionRate", e.ResolutionRate, a["resolutionRate"], diffs);
        CompareRate(context, "satisfactionRate", e.SatisfactionRate, a["satisfactionRate"], diffs);
        Compare(context, "composite", e.Composite, Number(a["composite"]), diffs);
        Count("evaluations", e.Evaluations);
        CompareRate(context, "reviewRate", e.ReviewRate, a["reviewRate"], diffs);
        CompareHours(context, "hoursToDecide", e.HoursToDecide, a["hoursToDecide"], diffs);
        CompareHours(context, "hoursToResolve", e.HoursToResolve, a["hoursToResolve"], diffs);
        Count("backlog", e.Backlog);
        Count("overdue", e.Overdue);
        Count("supports", e.Supports);
    }

    private static void AssertNoDifferences(List<string> diffs) =>
        Assert.That(diffs, Is.Empty, $"{diffs.Count} differences:\n" + string.Join('\n', diffs.Take(200)));

    private static void CompareConfig(string context, JsonNode? config, OracleConfig expected, List<string> diffs)
    {
        Compare(context, "config.weights.response", expected.WResponse, Number(config?["weights"]?["response"]), diffs);
        Compare(context, "config.weights.resolution", expected.WResolution, Number(config?["weights"]?["resolution"]), diffs);
        Compare(context, "config.weights.satisfaction", expected.WSatisfaction, Number(config?["weights"]?["satisfaction"]), diffs);
        Compare(context, "config.basicallySatisfiedFactor", expected.BasicallySatisfied, Number(config?["basicallySatisfiedFactor"]), diffs);
        Compare(context, "config.minimumEvaluations", (decimal)expected.MinimumEvaluations, Number(config?["minimumEvaluations"]), diffs);
    }

    private static void ComparePeriod(string context, string name, DateOnly from, DateOnly to, JsonNode? actual, List<string> diffs)
    {
        Compare(context, name + ".from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string?)actual?["from"], diffs);
        Compare(context, name + ".to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string?)actual?["to"], diffs);
    }

    private async Task CompareSummaryAsync(HttpClient client, OracleCalculator oracle, OracleConfig config, DateOnly from, DateOnly to,
        OracleFilter filter, List<string> diffs)
    {
        var context = $"summary{Query(from, to, filter)}";
        var body = await GetAsync(client, "/api/v1/metrics/summary" + Query(from, to, filter));
        var (previousFrom, previousTo) = OracleCalculator.Previous(from, to);
        ComparePeriod(context, "period", from, to, body["period"], diffs);
        ComparePeriod(context, "previousPeriod", previousFrom, previousTo, body["previousPeriod"], diffs);
        CompareConfig(context, body["config"], config, diffs);
        CompareFigures(context + " current", oracle.Figures(from, to, filter), body["current"], diffs);
        CompareFigures(context + " previous", oracle.Figures(previousFrom, previousTo, filter), body["previous"], diffs);
    }

    // ---------- the data set itself ----------

    [Test]
    public async Task The_data_set_holds_every_case_the_definitions_distinguish()
    {
        var cases = _data.Cases;
        var defaults = _data.Categories.ToDictionary(c => c.Code, c => c.DefaultSection);
        var year = (From: new DateOnly(2026, 1, 1), To: new DateOnly(2026, 12, 31));
        bool In2026(DateTimeOffset? at) => at is { } i && OracleCalculator.LocalDate(i).Year == 2026;
        Assert.Multiple(async () =>
        {
            Assert.That(await CountAsync("complaints"), Is.EqualTo(cases.Count));
            Assert.That(await CountAsync("complaint_events where type = 'reminder'"), Is.EqualTo(_data.Reminders.Count));
            Assert.That(cases.Count(c => c.Status == "merged" && In2026(c.SubmittedAt)), Is.GreaterThan(50), "merged");
            Assert.That(cases.Count(c => c.Section != defaults[c.Category] && In2026(c.ResolvedAt)), Is.GreaterThan(50), "transferred and resolved");
            Assert.That(cases.Count(c => c.Confidential && c.Section == "enforcement"), Is.GreaterThan(0), "conduct cases held by a head's section");
            Assert.That(cases.Count(c => c.ReviewRequestedAt is not null && c.ResolvedAt is null), Is.GreaterThan(10), "reviews still open");
            Assert.That(cases.Count(c => c.ReviewRequestedAt is not null && c.ResolvedAt is not null), Is.GreaterThan(10), "reviews resolved again");
            Assert.That(cases.Count(c => c.Status == "rejected"), Is.GreaterThan(100));
            Assert.That(cases.Count(c => c.Township is null), Is.GreaterThan(100));
            Assert.That(_oracle.Figures(year.From, year.To, new OracleFilter()).Overdue, Is.GreaterThan(100));
            Assert.That(cases.Count(c => c.SubmittedAt > Now), Is.Zero);
        });
    }

    // ---------- summary ----------

    private static readonly object[] Periods =
    [
        new object[] { "2026-03-01", "2026-03-31" },   // a month
        new object[] { "2026-01-01", "2026-03-31" },   // a quarter; the previous one is in 2025
        new object[] { "2026-01-01", "2026-12-31" },   // the whole year, ending in the future
        new object[] { "2026-02-10", "2026-02-28" },   // Spring Festival and both make-up Saturdays
        new object[] { "2026-02-14", "2026-02-14" },   // one make-up working day
        new object[] { "2026-09-20", "2026-10-15" },   // National Day and Mid-Autumn
        new object[] { "2026-11-01", "2026-11-20" },   // ending today: deadlines still running
        new object[] { "2026-11-20", "2026-11-20" },   // today alone
        new object[] { "2025-01-01", "2025-03-31" },   // empty: no case at all
        new object[] { "2026-12-01", "2026-12-31" },   // the future: only the backlog
    ];

    [TestCaseSource(nameof(Periods))]
    public async Task Summary_matches_the_oracle(string from, string to)
    {
        var diffs = new List<string>();
        await CompareSummaryAsync(_leader, _oracle, OracleConfig.Default, DateOnly.Parse(from), DateOnly.Parse(to), new OracleFilter(), diffs);
        AssertNoDifferences(diffs);
    }

    [Test]
    public async Task An_empty_period_has_null_rates_not_zero()
    {
        var body = await GetAsync(_leader, "/api/v1/metrics/summary?from=2025-01-01&to=2025-01-31");
        var current = body["current"]!;
        Assert.Multiple(() =>
        {
            foreach (var rate in new[] { "acceptanceShare", "responseRate", "onTimeRate", "resolutionRate", "satisfactionRate", "reviewRate" })
            {
                Assert.That(current[rate]!.AsObject().ContainsKey("value"), Is.True, rate);
                Assert.That(current[rate]!["value"], Is.Null, rate);
                Assert.That(Number(current[rate]!["denominator"]), Is.Zero, rate);
            }
            Assert.That(current.AsObject().ContainsKey("composite") && current["composite"] is null, Is.True, "composite null");
            Assert.That(current["hoursToDecide"]!["median"], Is.Null);
            Assert.That(Number(current["volume"]), Is.Zero);
        });
    }

    private static readonly object[] Filters =
    [
        new object?[] { "enforcement", null, null, null },
        new object?[] { "office", null, null, null },
        new object?[] { "approval", null, null, null },       // only transferred cases
        new object?[] { "discipline", null, null, null },
        new object?[] { null, "air.odor", null, null },
        new object?[] { null, "water", null, null },          // a group code
        new object?[] { null, "conduct", null, null },
        new object?[] { null, null, "剡湖街道", null },
        new object?[] { null, null, null, "phone" },
        new object?[] { null, null, null, "visit" },
        new object?[] { "enforcement", "noise", "甘霖镇", "web" },
    ];

    [TestCaseSource(nameof(Filters))]
    public async Task Filtered_summaries_match_the_oracle(string? section, string? category, string? township, string? channel)
    {
        var filter = new OracleFilter(section, category, township, channel);
        var diffs = new List<string>();
        await CompareSummaryAsync(_leader, _oracle, OracleConfig.Default, new(2026, 1, 1), new(2026, 3, 31), filter, diffs);
        await CompareSummaryAsync(_leader, _oracle, OracleConfig.Default, new(2026, 1, 1), new(2026, 12, 31), filter, diffs);
        AssertNoDifferences(diffs);
    }

    // Two or three of section, category (or group), township and channel at once, as filters or as
    // the breakdown's dimension: each has its level of the counters; section + category + township
    // and category + township + channel read their days from the finest level.
    private static readonly object[] Combinations =
    [
        new object?[] { "enforcement", "noise", "甘霖镇", null, null },
        new object?[] { null, "air", "剡湖街道", "phone", null },
        new object?[] { null, "air.odor", "剡湖街道", null, null },
        new object?[] { "enforcement", null, null, "phone", null },
        new object?[] { "enforcement", "air.odor", null, null, "township" },
        new object?[] { null, null, "剡湖街道", "web", "category" },
        new object?[] { null, "water", "甘霖镇", null, "section" },
        new object?[] { "enforcement", null, null, "phone", "group" },
        new object?[] { "enforcement", null, "剡湖街道", null, "channel" },
        new object?[] { "enforcement", "noise", "甘霖镇", null, "week" },
        new object?[] { null, "air", "剡湖街道", "web", "month" },
    ];

    [TestCaseSource(nameof(Combinations))]
    public async Task Two_or_three_dimensions_at_once_match_the_oracle(string? section, string? category, string? township, string? channel, string? by)
    {
        var filter = new OracleFilter(section, category, township, channel);
        var diffs = new List<string>();
        // A year, a quarter, a stretch of days across a month's end, and one day.
        (DateOnly From, DateOnly To)[] periods = [(new(2026, 1, 1), new(2026, 11, 20)), (new(2026, 4, 1), new(2026, 6, 30)),
            (new(2026, 5, 27), new(2026, 6, 9)), (new(2026, 3, 17), new(2026, 3, 17))];
        foreach (var (from, to) in periods)
            if (by is null) await CompareSummaryAsync(_leader, _oracle, OracleConfig.Default, from, to, filter, diffs);
            else await CompareBreakdownAsync(_leader, _oracle, from, to, filter, by, diffs);
        AssertNoDifferences(diffs);
        Assert.That(_oracle.Figures(periods[0].From, periods[0].To, filter).Volume, Is.GreaterThan(0), "the data has such cases");
    }

    [Test]
    public async Task Merged_cases_are_counted_once_in_the_case_they_joined()
    {
        var body = await GetAsync(_leader, "/api/v1/metrics/summary?from=2026-01-01&to=2026-12-31");
        var submitted = _data.Cases.Where(c => OracleCalculator.LocalDate(c.SubmittedAt).Year == 2026).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Number(body["current"]!["volume"]), Is.EqualTo(submitted.Count(c => c.Status != "merged")));
            Assert.That(Number(body["current"]!["merged"]), Is.EqualTo(submitted.Count(c => c.Status == "merged")));
        });
    }

    // ---------- breakdown ----------

    private IEnumerable<string> KeyOrder(string by, IEnumerable<string> keys)
    {
        var order = by switch
        {
            "section" => _data.Sections,
            "category" => _data.Categories.Select(c => c.Code).ToList(),
            "group" => _groups,
            "township" => _data.Townships,
            "channel" => ChannelOrder,
            _ => throw new ArgumentOutOfRangeException(nameof(by)),
        };
        var set = keys.ToHashSet();
        return order.Where(set.Contains);
    }

    private async Task CompareBreakdownAsync(HttpClient client, OracleCalculator oracle, DateOnly from, DateOnly to, OracleFilter filter,
        string by, List<string> diffs)
    {
        var url = "/api/v1/metrics/breakdown" + Query(from, to, filter, $"by={by}");
        var body = await GetAsync(client, url);
        Compare(url, "by", by, (string?)body["by"], diffs);
        ComparePeriod(url, "period", from, to, body["period"], diffs);
        var rows = body["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var actualKeys = rows.Select(r => (string)r["key"]!).ToList();

        if (by is "month" or "week")
        {
            var buckets = OracleCalculator.Buckets(from, to, by);
            Compare(url, "keys", string.Join(",", buckets.Select(b => b.Key)), string.Join(",", actualKeys), diffs);
            foreach (var (bucket, row) in buckets.Zip(rows))
            {
                ComparePeriod($"{url} [{bucket.Key}]", "period", bucket.From, bucket.To, row["period"], diffs);
                CompareFigures($"{url} [{bucket.Key}]", oracle.Figures(bucket.From, bucket.To, filter), row["figures"], diffs);
            }
            return;
        }

        var expected = oracle.Breakdown(from, to, filter, by);
        var expectedOrder = KeyOrder(by, expected.Keys).ToList();
        Compare(url, "keys in sort order (no \"\")", string.Join(",", expectedOrder), string.Join(",", actualKeys.Where(k => k != "")), diffs);
        Compare(url, "has the \"\" row", expected.ContainsKey(""), actualKeys.Contains(""), diffs);
        foreach (var row in rows)
        {
            var key = (string)row["key"]!;
            var context = $"{url} [{key}]";
            // Channel labels are not in the database; the other dimensions' Chinese names are.
            if (_labels.TryGetValue($"{by}:{key}", out var label)) Compare(context, "label", label, (string?)row["label"], diffs);
            var figures = expected.GetValueOrDefault(key) ?? oracle.Figures(from, to, filter with { And = Only(by, key) });
            CompareFigures(context, figures, row["figures"], diffs);
            if (by == "township")
            {
                var pinned = oracle.Cases.Where(c => c.Status != "merged" && (filter with { And = Only(by, key) }).Matches(c)
                    && c.Latitude is not null && OracleCalculator.LocalDate(c.SubmittedAt) >= from && OracleCalculator.LocalDate(c.SubmittedAt) <= to).ToList();
                var latitude = pinned.Count == 0 ? (double?)null : pinned.Average(c => c.Latitude!.Value);
                var longitude = pinned.Count == 0 ? (double?)null : pinned.Average(c => c.Longitude!.Value);
                var actualLatitude = (double?)Number(row["latitude"]);
                var actualLongitude = (double?)Number(row["longitude"]);
                if (latitude is null != actualLatitude is null || (latitude is { } la && Math.Abs(la - actualLatitude!.Value) > 1e-6)
                    || (longitude is { } lo && Math.Abs(lo - actualLongitude!.Value) > 1e-6))
                    diffs.Add($"{context} latitude/longitude: expected {latitude}/{longitude}, actual {actualLatitude}/{actualLongitude}");
            }
        }
    }

    private static OracleFilter Only(string by, string key) => by switch
    {
        "section" => new OracleFilter(Section: key),
        "township" => new OracleFilter(Township: key),
        "channel" => new OracleFilter(Channel: key),
        _ => new OracleFilter(Category: key),
    };

    [TestCase("section")]
    [TestCase("category")]
    [TestCase("group")]
    [TestCase("township")]
    [TestCase("channel")]
    public async Task Breakdown_rows_match_the_oracle(string by)
    {
        var diffs = new List<string>();
        await CompareBreakdownAsync(_leader, _oracle, new(2026, 1, 1), new(2026, 3, 31), new OracleFilter(), by, diffs);
        await CompareBreakdownAsync(_leader, _oracle, new(2026, 2, 10), new(2026, 2, 28), new OracleFilter(), by, diffs);
        await CompareBreakdownAsync(_leader, _oracle, new(2026, 1, 1), new(2026, 12, 31), new OracleFilter(Channel: "web"), by, diffs);
        AssertNoDifferences(diffs);
    }

    [Test]
    public async Task Breakdown_by_section_counts_a_transferred_case_for_the_section_holding_it()
    {
        var diffs = new List<string>();
        await CompareBreakdownAsync(_leader, _oracle, new(2026, 1, 1), new(2026, 12, 31), new OracleFilter(), "section", diffs);
        AssertNoDifferences(diffs);
        // The approval section routes nothing by default: every case it has was transferred to it.
        var body = await GetAsync(_leader, "/api/v1/metrics/breakdown?by=section&from=2026-01-01&to=2026-12-31");
        var approval = body["rows"]!.AsArray().Single(r => (string?)r!["key"] == "approval")!;
        Assert.That(Number(approval["figures"]!["hoursToResolve"]!["count"]),
            Is.EqualTo(_data.Cases.Count(c => c.Section == "approval" && c.Status != "merged"
                && c.ResolvedAt is { } r && OracleCalculator.LocalDate(r).Year == 2026)).And.GreaterThan(0));
    }

    [TestCase("month", "2026-01-01", "2026-12-31")]
    [TestCase("month", "2025-12-15", "2026-02-10")]
    [TestCase("week", "2026-02-10", "2026-03-04")]
    [TestCase("week", "2026-09-20", "2026-10-15")]
    [TestCase("week", "2026-11-01", "2026-12-10")]
    public async Task Time_buckets_match_the_oracle(string by, string from, string to)
    {
        var diffs = new List<string>();
        await CompareBreakdownAsync(_leader, _oracle, DateOnly.Parse(from), DateOnly.Parse(to), new OracleFilter(), by, diffs);
        AssertNoDifferences(diffs);
    }

    // ---------- ranking ----------

    private async Task CompareRankingAsync(HttpClient client, OracleCalculator oracle, OracleConfig config, DateOnly from, DateOnly to,
        string? onlySection, List<string> diffs)
    {
        var url = $"/api/v1/metrics/ranking?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";
        var body = await GetAsync(client, url);
        ComparePeriod(url, "period", from, to, body["period"], diffs);
        CompareConfig(url, body["config"], config, diffs);
        var expected = oracle.Ranking(from, to, _data.Sections).Where(r => onlySection is null || r.Section == onlySection).ToList();
        var rows = body["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var ranked = expected.Where(r => r.Rank is not null).Select(r => r.Section).ToList();
        var actualRanked = rows.Where(r => r["rank"] is not null).Select(r => (string)r["section"]!).ToList();
        // Equal composites may come in any order among themselves; the set of ranked sections and their order by rank must hold.
        Compare(url, "ranked sections", string.Join(",", ranked.Order()), string.Join(",", actualRanked.Order()), diffs);
        Compare(url, "all sections listed", string.Join(",", expected.Select(r => r.Section).Order()),
            string.Join(",", rows.Select(r => (string)r["section"]!).Order()), diffs);
        var ranks = rows.Select(r => Number(r["rank"])).ToList();
        var firstUnranked = ranks.FindIndex(r => r is null);
        if (firstUnranked >= 0 && ranks.Skip(firstUnranked).Any(r => r is not null)) diffs.Add($"{url}: an unranked row before a ranked one");
        if (!ranks.Where(r => r is not null).SequenceEqual(ranks.Where(r => r is not null).Order())) diffs.Add($"{url}: ranks not ascending");
        foreach (var row in rows)
        {
            var section = (string)row["section"]!;
            var e = expected.SingleOrDefault(r => r.Section == section);
            if (e is null) continue;
            var context = $"{url} [{section}]";
            Compare(context, "rank", (decimal?)e.Rank, Number(row["rank"]), diffs);
            Compare(context, "label", _labels[$"section:{section}"], (string?)row["label"], diffs);
            Compare(context, "evaluations", (decimal)e.Evaluations, Number(row["evaluations"]), diffs);
            Compare(context, "composite", e.Composite, Number(row["composite"]), diffs);
            CompareRate(context, "responseRate", e.ResponseRate, row["responseRate"], diffs);
            CompareRate(context, "resolutionRate", e.ResolutionRate, row["resolutionRate"], diffs);
            CompareRate(context, "satisfactionRate", e.SatisfactionRate, row["satisfactionRate"], diffs);
            var reason = (string?)row["unrankedReason"];
            if (e.Rank is not null) Compare(context, "unrankedReason", null, reason, diffs);
            else if (e.TooFewEvaluations)
                Compare(context, "unrankedReason", $"评价 {e.Evaluations} 件，少于 {config.MinimumEvaluations} 件", reason, diffs);
            else if (string.IsNullOrEmpty(reason)) diffs.Add($"{context} unrankedReason: expected a reason (composite null), actual none");
        }
    }

    [TestCase("2026-01-01", "2026-03-31")]
    [TestCase("2026-01-01", "2026-12-31")]
    [TestCase("2026-02-10", "2026-02-28")]
    [TestCase("2026-11-01", "2026-11-30")]
    [TestCase("2025-01-01", "2025-01-31")]
    public async Task Ranking_matches_the_oracle(string from, string to)
    {
        var diffs = new List<string>();
        await CompareRankingAsync(_leader, _oracle, OracleConfig.Default, DateOnly.Parse(from), DateOnly.Parse(to), null, diffs);
        AssertNoDifferences(diffs);
    }

    [Test]
    public void The_ranking_data_has_both_ranked_and_unranked_sections()
    {
        var rows = _oracle.Ranking(new(2026, 1, 1), new(2026, 3, 31), _data.Sections);
        Assert.Multiple(() =>
        {
            Assert.That(rows.Count(r => r.Rank is not null), Is.GreaterThanOrEqualTo(2));
            Assert.That(rows.Count(r => r.TooFewEvaluations), Is.GreaterThanOrEqualTo(1));
        });
    }

    // ---------- overdue ----------

    private async Task CompareOverdueAsync(HttpClient client, OracleFilter filter, int? limit, List<string> diffs)
    {
        var url = "/api/v1/metrics/overdue" + Query(null, null, filter, limit is null ? [] : [$"limit={limit}"]);
        var body = await GetAsync(client, url);
        var expected = _oracle.OverdueList(filter);
        Compare(url, "asOf", "2026-11-20", (string?)body["asOf"], diffs);
        Compare(url, "total", (decimal)expected.Count, Number(body["total"]), diffs);
        var rows = body["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var shown = expected.Take(limit ?? 100).ToList();
        Compare(url, "row count", shown.Count, rows.Count, diffs);
        foreach (var (e, a) in shown.Zip(rows))
        {
            var context = $"{url} [#{e.Id}]";
            // metrics.md's example row has "id"; the API identifies the case by its tracking code only (see the report).
            Compare(context, "trackingCode", OracleData.TrackingCode(e.Id), (string?)a["trackingCode"], diffs);
            Compare(context, "section", e.Section, (string?)a["section"], diffs);
            Compare(context, "sectionLabel", _labels[$"section:{e.Section}"], (string?)a["sectionLabel"], diffs);
            Compare(context, "category", e.Category, (string?)a["category"], diffs);
            Compare(context, "categoryLabel", _labels[$"category:{e.Category}"], (string?)a["categoryLabel"], diffs);
            Compare(context, "township", e.Township, (string?)a["township"], diffs);
            Compare(context, "status", e.Status, (string?)a["status"], diffs);
            Compare(context, "stage", e.Stage, (string?)a["stage"], diffs);
            Compare(context, "dueOn", e.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string?)a["dueOn"], diffs);
            Compare(context, "daysOverdue", (decimal)e.DaysOverdue, Number(a["daysOverdue"]), diffs);
            Compare(context, "remindersSent", (decimal)e.RemindersSent, Number(a["remindersSent"]), diffs);
        }
    }

    [Test]
    public async Task The_overdue_list_matches_the_oracle()
    {
        var diffs = new List<string>();
        await CompareOverdueAsync(_leader, new OracleFilter(), 1000, diffs);
        await CompareOverdueAsync(_leader, new OracleFilter(), null, diffs);
        await CompareOverdueAsync(_leader, new OracleFilter(Section: "approval"), 1000, diffs);
        await CompareOverdueAsync(_leader, new OracleFilter(Category: "conduct"), 1000, diffs);
        await CompareOverdueAsync(_leader, new OracleFilter(Category: "air.dust", Channel: "web"), 7, diffs);
        await CompareOverdueAsync(_leader, new OracleFilter(Township: "黄泽镇"), 1000, diffs);
        Assert.That(_oracle.OverdueList(new OracleFilter()).Count(r => r.RemindersSent > 0), Is.GreaterThan(10), "the data has reminders");
        AssertNoDifferences(diffs);
    }

    // ---------- a section head ----------

    private static readonly OracleFilter HeadView = new(Section: "enforcement", HideConfidential: true);

    [Test]
    public async Task A_section_head_sees_their_section_without_conduct_cases()
    {
        var diffs = new List<string>();
        await CompareSummaryAsync(_head, _oracle, OracleConfig.Default, new(2026, 1, 1), new(2026, 3, 31), HeadView, diffs);
        await CompareSummaryAsync(_head, _oracle, OracleConfig.Default, new(2026, 1, 1), new(2026, 12, 31), HeadView, diffs);
        await CompareSummaryAsync(_head, _oracle, OracleConfig.Default, new(2026, 1, 1), new(2026, 12, 31), HeadView with { Channel = "phone" }, diffs);
        await CompareBreakdownAsync(_head, _oracle, new(2026, 1, 1), new(2026, 12, 31), HeadView, "category", diffs);
        await CompareBreakdownAsync(_head, _oracle, new(2026, 1, 1), new(2026, 12, 31), HeadView, "group", diffs);
        await CompareBreakdownAsync(_head, _oracle, new(2026, 1, 1), new(2026, 6, 30), HeadView, "month", diffs);
        await CompareOverdueAsync(_head, HeadView, 1000, diffs);
        AssertNoDifferences(diffs);
        Assert.That(_oracle.Figures(new(2026, 1, 1), new(2026, 12, 31), HeadView).Volume,
            Is.LessThan(_oracle.Figures(new(2026, 1, 1), new(2026, 12, 31), new OracleFilter(Section: "enforcement")).Volume),
            "the section holds conduct cases the head must not see");
    }

    [Test]
    public async Task A_section_head_asking_for_another_section_is_refused_and_sees_only_their_ranking_row()
    {
        using (var refused = await _head.GetAsync("/api/v1/metrics/summary?section=office"))
            Assert.That((int)refused.StatusCode, Is.EqualTo(403));
        using (var refused = await _head.GetAsync("/api/v1/metrics/breakdown?by=section&section=office"))
            Assert.That((int)refused.StatusCode, Is.EqualTo(403));
        using (var refused = await _head.GetAsync("/api/v1/metrics/overdue?section=office"))
            Assert.That((int)refused.StatusCode, Is.EqualTo(403));

        // The head's row: their section's figures without conduct cases (never revealed to them), and
        // the rank leaders see for that section ("its rank computed among all"): one period, one rank.
        var body = await GetAsync(_head, "/api/v1/metrics/ranking?from=2026-01-01&to=2026-12-31");
        var rows = body["rows"]!.AsArray();
        var leaders = _oracle.Ranking(new(2026, 1, 1), new(2026, 12, 31), _data.Sections);
        var own = _oracle.Figures(new(2026, 1, 1), new(2026, 12, 31), HeadView);
        var diffs = new List<string>();
        Compare("head's ranking", "sections", "enforcement", string.Join(",", rows.Select(r => (string?)r!["section"])), diffs);
        Compare("head's ranking", "rank", (decimal?)leaders.Single(r => r.Section == "enforcement").Rank, Number(rows[0]!["rank"]), diffs);
        Compare("head's ranking", "evaluations", (decimal)own.Evaluations, Number(rows[0]!["evaluations"]), diffs);
        Compare("head's ranking", "composite", own.Composite, Number(rows[0]!["composite"]), diffs);
        CompareRate("head's ranking", "responseRate", own.ResponseRate, rows[0]!["responseRate"], diffs);
        CompareRate("head's ranking", "resolutionRate", own.ResolutionRate, rows[0]!["resolutionRate"], diffs);
        CompareRate("head's ranking", "satisfactionRate", own.SatisfactionRate, rows[0]!["satisfactionRate"], diffs);
        AssertNoDifferences(diffs);
    }

    [Test]
    public async Task Other_roles_are_refused()
    {
        using var anonymous = _app.CreateHttpClient();
        using var clerk = await SignInAsync(_app, "enforcement.staff");
        using var discipline = await SignInAsync(_app, "discipline");
        using var admin = await SignInAsync(_app, "admin");
        Assert.Multiple(async () =>
        {
            foreach (var route in new[] { "summary", "breakdown?by=section", "ranking", "overdue" })
            {
                using var a = await anonymous.GetAsync($"/api/v1/metrics/{route}");
                Assert.That((int)a.StatusCode, Is.EqualTo(401), route);
                using var c = await clerk.GetAsync($"/api/v1/metrics/{route}");
                Assert.That((int)c.StatusCode, Is.EqualTo(403), route);
                using var d = await discipline.GetAsync($"/api/v1/metrics/{route}");
                Assert.That((int)d.StatusCode, Is.EqualTo(403), route);
            }
        });
        var diffs = new List<string>();
        await CompareSummaryAsync(admin, _oracle, OracleConfig.Default, new(2026, 4, 1), new(2026, 6, 30), new OracleFilter(), diffs);
        AssertNoDifferences(diffs);
    }

    [Test]
    public async Task The_default_period_is_the_last_30_days_up_to_today()
    {
        var diffs = new List<string>();
        var body = await GetAsync(_leader, "/api/v1/metrics/summary");
        ComparePeriod("summary (default)", "period", new(2026, 10, 22), new(2026, 11, 20), body["period"], diffs);
        CompareFigures("summary (default)", _oracle.Figures(new(2026, 10, 22), new(2026, 11, 20), new OracleFilter()), body["current"], diffs);
        AssertNoDifferences(diffs);
    }

    // ---------- configuration ----------

    [Test]
    public async Task Other_weights_factor_and_minimum_sample_come_from_the_settings()
    {
        var config = new OracleConfig(0.5m, 0.2m, 0.3m, 0.5m, 40);
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(Now), new Dictionary<string, string>
        {
            ["FEEDBACK_METRICS_WEIGHTS"] = "0.5,0.2,0.3",
            ["FEEDBACK_METRICS_BASICALLY_SATISFIED"] = "0.5",
            ["FEEDBACK_METRICS_MIN_EVALUATIONS"] = "40",
        });
        app.StartServer();
        using var leader = await SignInAsync(app, "leader");
        var oracle = new OracleCalculator(_data.Cases, _data.Calendar, Now, config);
        var diffs = new List<string>();
        await CompareSummaryAsync(leader, oracle, config, new(2026, 1, 1), new(2026, 3, 31), new OracleFilter(), diffs);
        await CompareSummaryAsync(leader, oracle, config, new(2026, 1, 1), new(2026, 12, 31), new OracleFilter(Section: "office"), diffs);
        await CompareRankingAsync(leader, oracle, config, new(2026, 1, 1), new(2026, 3, 31), null, diffs);
        await CompareRankingAsync(leader, oracle, config, new(2026, 4, 1), new(2026, 4, 30), null, diffs);
        AssertNoDifferences(diffs);
    }

    private static async Task<long> CountAsync(string tableAndCondition)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {tableAndCondition}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// The leaders' dashboard: the figures it shows are the metrics API's, its charts have their
/// numbers as tables and CSV files, and a section head sees their own section only.
/// </summary>
public sealed class DashboardTests : StaffConsoleTest
{
    protected override bool Laptop => true;

    private static readonly string[] Rates = ["responseRate", "onTimeRate", "resolutionRate", "satisfactionRate"];

    [Test]
    public async Task A_leader_sees_the_apis_figures_the_ranking_the_trend_as_a_table_and_a_csv_and_opens_an_overdue_case()
    {
        var seed = await SeedAsync();
        using var leader = await StaffAsync("leader");
        var summary = await MetricsAsync(leader, "summary");
        var ranking = await MetricsAsync(leader, "ranking");
        var weeks = await MetricsAsync(leader, "breakdown?by=week");

        var scripts = new List<string>();
        Page.Request += (_, request) => { if (request.ResourceType == "script") scripts.Add(request.Url); };
        await Page.GotoAsync("/");
        await Expect(Page.GetByLabel("投诉类别")).ToBeEnabledAsync();
        await Page.GotoAsync("/#/staff/login");
        await Expect(Page.GetByLabel("用户名")).ToBeVisibleAsync();
        Assert.That(scripts.Where(IsECharts), Is.Empty, "neither the citizen pages nor the sign-in page load ECharts");

        // A leader lands on the dashboard, and the logo leads back to it.
        await SignInAsync(Page, "leader");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "统计看板", Level = 1 })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "案件队列" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "案件队列" })).ToBeVisibleAsync();
        await Page.Locator("a.brand").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "统计看板", Level = 1 })).ToBeVisibleAsync();

        // The tiles: the API's values as percentages, with their numerators and denominators.
        var current = summary["current"]!;
        foreach (var key in Rates)
        {
            var tile = Page.GetByTestId($"kpi-{key}");
            await Expect(tile.GetByTestId("value")).ToHaveTextAsync(Percent(current[key]!["value"]));
            await Expect(tile.GetByTestId("detail")).ToHaveTextAsync($"{Number(current[key]!["numerator"])} / {current[key]!["denominator"]} 件");
            // The previous period has no case: nothing to compare, said in words.
            await Expect(tile.GetByTestId("change")).ToContainTextAsync("与上期无可比数据");
        }
        Assert.That(current["resolutionRate"]!["value"], Is.Not.Null, "the seed has evaluations");
        await Expect(Page.GetByTestId("kpi-composite").GetByTestId("value")).ToHaveTextAsync(Percent(current["composite"]));
        var volume = (long)current["volume"]!;
        await Expect(Page.GetByTestId("kpi-volume").GetByTestId("value")).ToHaveTextAsync(volume.ToString(CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("kpi-volume").GetByTestId("change")).ToContainTextAsync($"比上期增加 {volume}");
        await Expect(Page.GetByTestId("kpi-backlog").GetByTestId("value")).ToHaveTextAsync(current["backlog"]!.ToString());
        await Expect(Page.GetByTestId("kpi-overdue").GetByTestId("value")).ToHaveTextAsync(current["overdue"]!.ToString());
        await Expect(Page.GetByLabel("科室", new() { Exact = true })).ToBeVisibleAsync(); // leaders may narrow to one section

        // The ranking: ranked sections in the API's order, then the unranked ones with the reason.
        var rows = ranking["rows"]!.AsArray();
        var ranked = rows.Where(r => r!["rank"] is not null).ToList();
        var unranked = rows.Where(r => r!["rank"] is null).ToList();
        Assert.That(ranked.Select(r => (string)r!["section"]!), Is.EquivalentTo(new[] { "enforcement", "pollution" }), "two sections have ten evaluations");
        var rankedRows = Page.Locator("[data-testid=ranking-table] tbody tr.ranked");
        await Expect(rankedRows).ToHaveCountAsync(ranked.Count);
        for (var i = 0; i < ranked.Count; i++)
        {
            await Expect(rankedRows.Nth(i)).ToHaveAttributeAsync("data-section", (string)ranked[i]!["section"]!);
            await Expect(rankedRows.Nth(i).Locator("td.rank")).ToHaveTextAsync(ranked[i]!["rank"]!.ToString());
            await Expect(rankedRows.Nth(i)).ToContainTextAsync(Percent(ranked[i]!["composite"]));
        }
        var office = Page.Locator("[data-testid=ranking-table] tbody.unranked tr[data-section=office]");
        await Expect(office).ToContainTextAsync((string)unranked.Single(r => (string)r!["section"]! == "office")!["unrankedReason"]!);
        await Expect(Page.Locator("[data-testid=ranking-table] tbody.unranked tr[data-section]")).ToHaveCountAsync(unranked.Count);

        // The trend is small multiples (ECharts, loaded now): one measure per chart, on one axis,
        // whose numbers are also a table.
        var trend = Page.GetByTestId("trend");
        await Expect(trend.Locator("[data-testid=chart] svg")).ToHaveCountAsync(6);
        await Expect(trend.Locator("figcaption")).ToHaveTextAsync(["投诉量", "响应率", "按期办结率", "解决率", "满意率", "综合得分"]);
        Assert.That(scripts.Any(IsECharts), Is.True, "the dashboard loads ECharts");
        await trend.Locator("summary").ClickAsync();
        var weekRows = weeks["rows"]!.AsArray();
        var tableRows = trend.Locator("[data-testid=trend-table] tbody tr");
        await Expect(tableRows).ToHaveCountAsync(weekRows.Count);
        var thisWeek = weekRows.Last()!;
        // Weeks as people write them, not as ISO keys.
        await Expect(tableRows.Last.Locator("th")).ToHaveTextAsync(WeekLabel(thisWeek));
        await Expect(trend).Not.ToContainTextAsync((string)thisWeek["key"]!);
        await Expect(tableRows.Last.Locator("td").First).ToHaveTextAsync(thisWeek["figures"]!["volume"]!.ToString());

        // Its CSV: the same breakdown from the server, with the Chinese header and a BOM.
        var download = await Page.RunAndWaitForDownloadAsync(() => trend.GetByRole(AriaRole.Button, new() { Name = "导出 CSV：趋势" }).ClickAsync());
        await using (var stream = await download.CreateReadStreamAsync())
        {
            using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
            var lines = (await reader.ReadToEndAsync()).Split("\r\n").Where(l => l.Length > 0).ToList();
            Assert.That(download.SuggestedFilename, Does.EndWith(".csv"));
            Assert.That(lines[0], Does.StartWith("\uFEFF代码,名称,"));
            Assert.That(lines, Has.Count.EqualTo(weekRows.Count + 1), "a line per week and the header");
            Assert.That(lines[^1], Does.StartWith((string)thisWeek["key"]! + ","));
        }

        // Every chart's table open, at a laptop's and a tablet's width: nothing serious for axe.
        await Page.GetByTestId("mix").Locator("summary").ClickAsync();
        await Expect(Page.Locator("[data-testid=mix-table] tbody tr").First).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty);
        await ScreenshotAsync("dashboard-leader-1280");
        await Page.SetViewportSizeAsync(768, 1000);
        await Expect(trend.Locator("[data-testid=chart] svg").First).ToBeVisibleAsync();
        await ScreenshotAsync("dashboard-leader-768");
        Assert.That(await SeriousViolationsAsync(), Is.Empty);

        // On a phone the tables are cards: nothing scrolls sideways, each cell names its column,
        // and no heading breaks inside a word.
        await Page.SetViewportSizeAsync(390, 844);
        var ranking1 = Page.Locator("[data-testid=ranking-table] tbody tr.ranked").First;
        await Expect(ranking1.Locator("td").Nth(1)).ToHaveAttributeAsync("data-label", "综合得分");
        foreach (var table in new[] { "trend-table", "ranking-table", "mix-table" })
        {
            var overflow = await Page.Locator($"[data-testid={table}]").EvaluateAsync<int>(
                "t => t.closest('.dash-table-wrap, .dash-panel').scrollWidth - t.closest('.dash-table-wrap, .dash-panel').clientWidth");
            Assert.That(overflow, Is.LessThanOrEqualTo(0), $"{table} scrolls sideways on a phone");
        }
        Assert.That(await Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth"), Is.LessThanOrEqualTo(0));
        await ScreenshotAsync("dashboard-leader-390");
        Assert.That(await SeriousViolationsAsync(), Is.Empty);
        await Page.SetViewportSizeAsync(1280, 800);

        // The overdue list: the most overdue first, each linking to its case.
        var overdue = Page.Locator($"[data-testid=overdue-table] tr[data-code='{seed.OverdueEnforcement}']");
        await Expect(overdue).ToContainTextAsync("生态环境执法大队");
        await Expect(overdue).ToContainTextAsync("受理");
        await Expect(Page.Locator($"[data-testid=overdue-table] tr[data-code='{seed.OverduePollution}']")).ToBeVisibleAsync();
        await overdue.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"#/staff/cases/{seed.OverdueEnforcement}$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(seed.OverdueEnforcement[..4]);
    }

    [Test]
    public async Task A_section_head_has_no_section_filter_and_sees_only_their_sections_figures_ranking_row_and_overdue_cases()
    {
        var seed = await SeedAsync();
        using var head = await StaffAsync("enforcement");
        var summary = await MetricsAsync(head, "summary");
        using var leader = await StaffAsync("leader");
        var all = await MetricsAsync(leader, "summary");
        Assert.That((long)summary["current"]!["volume"]!, Is.LessThan((long)all["current"]!["volume"]!), "the seed has other sections' cases");

        await SignInAsync(Page, "enforcement");
        await Page.GetByRole(AriaRole.Link, new() { Name = "统计看板" }).ClickAsync();
        await Expect(Page.GetByTestId("own-section")).ToContainTextAsync("生态环境执法大队");
        await Expect(Page.GetByTestId("kpi-volume").GetByTestId("value")).ToHaveTextAsync(summary["current"]!["volume"]!.ToString());
        await Expect(Page.GetByLabel("类别", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("科室", new() { Exact = true })).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("kpi-satisfactionRate").GetByTestId("value")).ToHaveTextAsync(Percent(summary["current"]!["satisfactionRate"]!["value"]));
        await Expect(Page.Locator("[data-testid=ranking-table] tbody tr[data-section]")).ToHaveCountAsync(1);
        await Expect(Page.Locator("[data-testid=ranking-table] tbody tr[data-section=enforcement]")).ToBeVisibleAsync();
        await Expect(Page.Locator($"[data-testid=overdue-table] tr[data-code='{seed.OverdueEnforcement}']")).ToBeVisibleAsync();
        await Expect(Page.Locator($"[data-testid=overdue-table] tr[data-code='{seed.OverduePollution}']")).ToHaveCountAsync(0);

        // A quick pick sets the period and counts again.
        await Page.GetByRole(AriaRole.Button, new() { Name = "本年" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "本年" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex(@"from=\d{4}-01-01&to=\d{4}-\d{2}-\d{2}"));
        var period = Regex.Match(Page.Url, @"from=[\d-]+&to=[\d-]+").Value;
        var thisYear = await MetricsAsync(head, $"summary?{period}");
        await Expect(Page.GetByTestId("kpi-volume").GetByTestId("value")).ToHaveTextAsync(thisYear["current"]!["volume"]!.ToString());
        await Expect(Page.GetByTestId("kpi-volume").GetByTestId("change")).ToContainTextAsync($"上期 {thisYear["previous"]!["volume"]}");
        // The summary answers first; the tables and the overdue list follow. Checked once all are in.
        await Expect(Page.Locator(".dash-body")).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(Page.GetByTestId("loading")).ToHaveCountAsync(0);
        Assert.That(await SeriousViolationsAsync(), Is.Empty);
        await ScreenshotAsync("dashboard-section-head-1280");
    }

    [Test]
    public async Task A_clerk_has_no_dashboard()
    {
        await SignInAsync(Page, "enforcement.staff");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "案件队列" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "统计看板" })).ToHaveCountAsync(0);
        await Page.GotoAsync("/#/staff/dashboard");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "案件队列" })).ToBeVisibleAsync();
    }

    private sealed record Seed(string OverdueEnforcement, string OverduePollution);

    /// <summary>
    /// This month's cases: twelve of the enforcement brigade's and eleven of the pollution section's
    /// resolved and evaluated (enough to be ranked), one of the office's evaluated (too few), a few
    /// accepted, rejected or waiting, and one case of each of the two sections past its acceptance deadline.
    /// </summary>
    private async Task<Seed> SeedAsync()
    {
        string[] townships = ["剡湖街道", "三江街道", "甘霖镇"];
        var evaluated = new List<string>();
        for (var i = 0; i < 12; i++) evaluated.Add(await FileInAsync(i % 2 == 0 ? "air.odor" : "noise.construction", townships[i % 3]));
        for (var i = 0; i < 11; i++) evaluated.Add(await FileInAsync("air.vehicle", townships[(i + 1) % 3]));
        evaluated.Add(await FileInAsync("suggestion", "鹿山街道"));
        var accepted = await FileInAsync("water.industrial", "三江街道");
        var rejected = await FileInAsync("other", "剡湖街道");
        await FileInAsync("air.dust", null);
        var overdueEnforcement = await FileInAsync("air.odor", "甘霖镇");
        var overduePollution = await FileInAsync("air.vehicle", "剡湖街道");

        const string today = "(now() at time zone 'Asia/Shanghai')::date";
        await ExecuteAsync($"""
            update complaints set submitted_at = submitted_at - interval '1 day', decided_at = now() - interval '20 hours', status = 'closed',
                resolve_by = accept_by + 15, due_on = accept_by + 15, resolved_at = now() - interval '2 hours',
                evaluation_solved = case when id % 3 = 0 then 'partly' else 'yes' end,
                evaluation_satisfaction = case when id % 4 = 0 then 'basically_satisfied' when id % 5 = 0 then 'dissatisfied' else 'satisfied' end,
                evaluated_at = now() - interval '1 hour', closed_at = now() - interval '1 hour'
            where tracking_code in ({Codes(evaluated)});
            update complaints set status = 'accepted', decided_at = now(), resolve_by = accept_by + 15, due_on = accept_by + 15
            where tracking_code = '{accepted}';
            update complaints set status = 'rejected', decided_at = now() where tracking_code = '{rejected}';
            update complaints set submitted_at = now() - interval '10 days', accept_by = {today} - 5, due_on = {today} - 5
            where tracking_code in ({Codes([overdueEnforcement, overduePollution])});
            """);
        return new(overdueEnforcement, overduePollution);
    }

    private async Task<string> FileInAsync(string categoryCode, string? township)
    {
        var answers = categoryCode.StartsWith("noise.") ? new Dictionary<string, string> { ["when"] = "night" } : null;
        var filed = await SubmitAsync(new { categoryCode, description = "看板测试：现场有明显污染，请尽快处理。", township, answers });
        return (string)filed["trackingCode"]!;
    }

    private static string Codes(IEnumerable<string> codes) => string.Join(", ", codes.Select(c => $"'{c}'"));

    private static async Task<JsonObject> MetricsAsync(HttpClient staff, string route)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/metrics/{route}");
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        using var response = await staff.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>What the page shows for a 0–1 value: "87.7%", one decimal (the console's one rule); a dash for null.</summary>
    private static string Percent(JsonNode? value) =>
        value is null ? "—" : Math.Round(value.GetValue<decimal>() * 100, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>"第45周 11月2日–8日" from the row's ISO week key and its days.</summary>
    private static string WeekLabel(JsonNode row)
    {
        var key = (string)row["key"]!;
        var from = DateOnly.Parse((string)row["period"]!["from"]!);
        var to = DateOnly.Parse((string)row["period"]!["to"]!);
        var toText = from.Month == to.Month ? $"{to.Day}日" : $"{to.Month}月{to.Day}日";
        return $"第{int.Parse(key[(key.IndexOf('W') + 1)..])}周 {from.Month}月{from.Day}日–{toText}";
    }

    private static string Number(JsonNode? value) => value!.GetValue<decimal>().ToString("0.##", CultureInfo.InvariantCulture);

    private static bool IsECharts(string url) => Regex.IsMatch(url, @"/echarts-[\w-]+\.js");

    private async Task ScreenshotAsync(string name)
    {
        var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{name}.png");
        await Page.ScreenshotAsync(new() { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file);
    }
}

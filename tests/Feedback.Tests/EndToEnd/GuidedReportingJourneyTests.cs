using Dapper;
using Feedback.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Feedback.Tests.EndToEnd;

/// <summary>A citizen is guided by the category's questions, keeps the answers across a reload, and staff read them.</summary>
public sealed class GuidedReportingJourneyTests : StaffConsoleTest
{
    private const string Description = "小区对面的工地每天夜里十一点以后还在打桩，震得窗户直响。";
    private const string Night = "夜间（22 点至次日 6 点）";

    [Test]
    public async Task A_noise_complaint_answers_when_it_happens_keeps_the_answer_across_a_reload_and_staff_see_it()
    {
        var requested = new List<string>();
        Page.Request += (_, request) => requested.Add(request.Url);
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("noise.construction");
        await Expect(Page.GetByTestId("guidance")).ToContainTextAsync("22 点");
        await Page.GetByLabel("问题描述").FillAsync(Description);
        await Page.GetByLabel("乡镇（街道）").SelectOptionAsync("甘霖镇");

        // The time of day is required: asked for before anything is sent.
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(Page.GetByText("请回答这个问题").First).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("error-summary")).ToBeFocusedAsync();
        await Page.GetByTestId("error-summary").GetByRole(AriaRole.Link, new() { Name = "噪声出现在什么时间？：请回答这个问题。" }).ClickAsync();
        await Expect(Page.GetByLabel("白天（6 点至 22 点）")).ToBeFocusedAsync(); // the question's first option
        Assert.That(await CountAsync("complaints"), Is.Zero);

        await Page.GetByLabel(Night).CheckAsync();
        await Page.GetByLabel("详细地址").FillAsync("甘霖镇工业园区东门");
        await Page.ReloadAsync();

        await Expect(Page.GetByLabel(Night)).ToBeCheckedAsync();
        await Expect(Page.GetByLabel("乡镇（街道）")).ToHaveValueAsync("甘霖镇");
        await Expect(Page.GetByLabel("问题描述")).ToHaveValueAsync(Description);
        await Expect(Page.GetByText("请回答这个问题")).ToHaveCountAsync(0);
        Assert.That(await CountAsync("complaints"), Is.Zero);

        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var code = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();

        await using (var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString))
        {
            var stored = await connection.QuerySingleAsync<(string Answers, string Township)>(
                "select answers::text, township from complaints where tracking_code = @code", new { code });
            Assert.That(stored, Is.EqualTo(("""{"when": "night"}""", "甘霖镇")));
        }
        Assert.That(requested.Where(url => url.Contains("leaflet", StringComparison.OrdinalIgnoreCase)), Is.Empty,
            "no map is configured, so no map code is loaded");

        await SignInAsync(Page, "enforcement.staff");
        await Page.GotoAsync($"/#/staff/cases/{code}");
        var answer = Page.GetByTestId("case-answer");
        await Expect(answer).ToContainTextAsync("噪声出现在什么时间？");
        await Expect(answer).ToContainTextAsync("夜间");
        await Expect(Page.Locator("main dd").GetByText("甘霖镇", new() { Exact = true })).ToBeVisibleAsync();
    }

    [Test]
    public async Task A_drinking_water_complaint_says_it_is_handled_first_and_is_marked_urgent_in_the_queue()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("water.drinking");
        await Expect(Page.GetByTestId("urgent-notice")).ToContainTextAsync("优先处理");
        await Page.GetByLabel("问题描述").FillAsync("水库上游有人倾倒废油桶。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var code = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();

        await SignInAsync(Page, "enforcement.staff");
        await Expect(Row(Page, code).GetByTestId("urgent")).ToHaveTextAsync("紧急");
        var overflow = await Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0));
    }

    /// <summary>A 1×1 PNG served as every map tile: the test needs no tile server.</summary>
    private static readonly byte[] Tile = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk2P+/HgAFBAJ/RZPn7QAAAABJRU5ErkJggg==");

    [Test]
    public async Task With_a_tile_server_configured_the_map_loads_on_demand_and_the_pin_is_kept_and_stored()
    {
        await Page.RouteAsync("**/config.json", route => route.FulfillAsync(new()
        {
            ContentType = "application/json",
            Body = """{"apiBaseUrl": "", "mapTileUrl": "tiles/{z}/{x}/{y}.png", "mapAttribution": "测试底图"}""",
        }));
        await Page.RouteAsync("**/tiles/**", route => route.FulfillAsync(new() { ContentType = "image/png", BodyBytes = Tile }));
        var requested = new List<string>();
        Page.Request += (_, request) => requested.Add(request.Url);

        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("air.dust");
        await Page.GetByLabel("问题描述").FillAsync("渣土车进出工地不冲洗，路面全是泥灰。");
        Assert.That(requested.Where(url => url.Contains("leaflet-src", StringComparison.Ordinal)), Is.Empty, "not before the map is opened");

        await Page.GetByRole(AriaRole.Button, new() { Name = "在地图上标出位置" }).ClickAsync();
        var map = Page.GetByRole(AriaRole.Application, new() { Name = "地图：点击以标出位置" });
        await Expect(map.Locator(".leaflet-tile-loaded").First).ToBeVisibleAsync();
        await map.ClickAsync(); // the middle of the service area
        await Expect(Page.GetByTestId("pin")).ToContainTextAsync("北纬 29.");

        await Page.ReloadAsync();
        await Expect(Page.GetByTestId("pin")).ToContainTextAsync("北纬 29.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var code = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();

        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var (latitude, longitude) = await connection.QuerySingleAsync<(double, double)>(
            "select latitude, longitude from complaints where tracking_code = @code", new { code });
        Assert.Multiple(() =>
        {
            Assert.That(latitude, Is.InRange(29.30, 29.90));
            Assert.That(longitude, Is.InRange(120.50, 121.20));
        });
    }
}

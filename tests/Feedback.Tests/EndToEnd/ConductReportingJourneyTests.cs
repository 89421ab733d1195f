using Dapper;
using Feedback.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// A complaint about staff conduct on a 360-pixel phone: its own wording (people and offices, not
/// pollution), the kinds explained in plain words to choose from, photos kept as evidence, no map pin.
/// </summary>
public sealed class ConductReportingJourneyTests : BrowserTest
{
    private static readonly byte[] Tile = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk2P+/HgAFBAJ/RZPn7QAAAABJRU5ErkJggg==");

    [Test]
    public async Task A_conduct_complaint_asks_about_people_and_offices_and_lets_the_citizen_pick_the_kind_it_is()
    {
        // A map is configured: a pollution report offers the pin, a conduct complaint does not.
        await Page.RouteAsync("**/config.json", route => route.FulfillAsync(new()
        {
            ContentType = "application/json",
            Body = """{"apiBaseUrl": "", "mapTileUrl": "tiles/{z}/{x}/{y}.png", "mapAttribution": "测试底图"}""",
        }));
        await Page.RouteAsync("**/tiles/**", route => route.FulfillAsync(new() { ContentType = "image/png", BodyBytes = Tile }));
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("air.dust");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "在地图上标出位置" })).ToBeVisibleAsync();
        await Expect(Page.GetByText("具体位置", new() { Exact = false })).ToBeVisibleAsync(); // the pollution hint

        await Page.GetByLabel("投诉类别").SelectOptionAsync("conduct.formalism");
        var kinds = Page.GetByRole(AriaRole.Group, new() { Name = "哪一种情况最接近您要反映的问题？" });
        await Expect(kinds.GetByRole(AriaRole.Radio)).ToHaveCountAsync(7);
        await Expect(kinds).ToContainTextAsync("只做表面文章、应付检查、不解决实际问题。");
        await Expect(kinds).ToContainTextAsync("门难进、脸难看、事难办，推诿扯皮。");
        await Expect(kinds).ToContainTextAsync("公款吃喝、公车私用、铺张浪费。");
        await Expect(kinds.GetByLabel("形式主义")).ToBeCheckedAsync();

        // Pollution words are gone; the fields ask who, which office, when, what happened and what was asked for.
        await Expect(Page.GetByText("多久发生一次")).ToHaveCountAsync(0);
        await Expect(Page.GetByText("具体位置")).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "在地图上标出位置" })).ToHaveCountAsync(0);
        var description = Page.GetByLabel("反映的情况");
        await Expect(description).ToBeVisibleAsync();
        await Expect(Page.Locator("#f-description-hint")).ToContainTextAsync("哪位工作人员");
        await Expect(Page.Locator("#f-description-hint")).ToContainTextAsync("哪个科室或单位");
        await Expect(Page.Locator("#f-description-hint")).ToContainTextAsync("提出了什么要求");
        await Expect(Page.GetByLabel("发生地点")).ToBeVisibleAsync();
        await Expect(Page.GetByText("证据材料（可选）")).ToBeVisibleAsync();
        await Expect(Page.Locator("#f-photos-hint")).ToContainTextAsync("聊天记录");
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "the conduct form");

        // Choosing another kind changes the category.
        await kinds.GetByLabel("官僚主义").CheckAsync();
        await Expect(Page.GetByLabel("投诉类别")).ToHaveValueAsync("conduct.bureaucratism");
        await description.FillAsync("11 月 20 日上午在局办事大厅办理排污许可，窗口工作人员（男，戴眼镜）让我来回跑了三次。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var code = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();

        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var (category, latitude) = await connection.QuerySingleAsync<(string, double?)>(
            "select category_code, latitude from complaints where tracking_code = @code", new { code });
        Assert.Multiple(() =>
        {
            Assert.That(category, Is.EqualTo("conduct.bureaucratism"));
            Assert.That(latitude, Is.Null);
        });
    }

    [Test]
    public async Task In_english_the_conduct_form_has_its_own_wording_too()
    {
        await Page.GotoAsync("/");
        await Page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Page.GetByLabel("Category").SelectOptionAsync("conduct.hedonism");
        var kinds = Page.GetByRole(AriaRole.Group, new() { Name = "Which of these comes closest to what happened?" });
        await Expect(kinds.GetByLabel("Extravagance")).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("What happened")).ToBeVisibleAsync();
        await Expect(Page.GetByText("Evidence (optional)")).ToBeVisibleAsync();
    }
}

using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// Both deadlines told to the citizen on a 360-pixel phone: the decision and the resolution deadline
/// after submitting, and the resolution deadline still shown on the tracking page once resolved,
/// where the citizen's own words fold away under a visible disclosure arrow.
/// </summary>
public sealed class DeadlinesJourneyTests : StaffConsoleTest
{
    [Test]
    public async Task The_success_page_shows_the_resolution_deadline_too()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("air.odor");
        await Page.GetByLabel("问题描述").FillAsync("化工厂夜里排放刺鼻废气。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();

        await Expect(Page.Locator("dt", new() { HasText = "受理期限" })).ToBeVisibleAsync();
        await Expect(Page.Locator("dt", new() { HasText = "办结期限" })).ToBeVisibleAsync();
        var acceptBy = DateOnly.Parse((await Page.Locator("dd time").Nth(1).GetAttributeAsync("datetime"))!);
        var resolveBy = DateOnly.Parse((await Page.GetByTestId("resolve-by").GetAttributeAsync("datetime"))!);
        Assert.That(resolveBy, Is.GreaterThan(acceptBy.AddDays(14)), "15 working days after the decision deadline");
        await Expect(Page.GetByTestId("resolve-by")).ToContainTextAsync("年");
    }

    [Test]
    public async Task After_resolution_the_tracking_page_still_shows_the_resolution_deadline_and_the_reported_text_folds()
    {
        var (code, password) = await FileAsync("air.odor", "化工厂夜里排放刺鼻废气，已持续一周。");
        using (var clerk = await StaffAsync("enforcement.staff"))
        {
            var accepted = await ActOkAsync(clerk, code, "accept");
            await ActOkAsync(clerk, code, "resolve", new { result = "经查，该厂废气处理设施未运行，已责令整改。" });
        }
        await Page.GotoAsync($"/#/track?code={code}");
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();

        await Expect(Page.GetByTestId("status")).ToContainTextAsync("已办结");
        await Expect(Page.Locator("dt", new() { HasText = "受理期限" })).ToBeVisibleAsync();
        await Expect(Page.Locator("dt", new() { HasText = "办结期限" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("resolve-by")).ToBeVisibleAsync();

        // The summary keeps its disclosure triangle (a list item, not a flex box) and opens the text.
        var reported = Page.GetByTestId("reported");
        var summary = reported.Locator("summary");
        Assert.That(await summary.EvaluateAsync<string>("s => getComputedStyle(s).display"), Is.EqualTo("list-item"),
            "a flex summary draws no arrow");
        Assert.That((await summary.BoundingBoxAsync())!.Height, Is.GreaterThanOrEqualTo(44), "a 44 px target");
        await Expect(reported.GetByText("已持续一周")).ToBeHiddenAsync();
        await summary.ClickAsync();
        await Expect(reported.GetByText("已持续一周")).ToBeVisibleAsync();
    }
}

using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// The citizen pages' top navigation on small phones, in both languages, and the monthly bulletin's
/// place in it: reached from the top, and, before the first one, saying when it comes.
/// </summary>
public sealed class SiteNavigationTests : BrowserTest
{
    private static readonly string[] Chinese = ["我要投诉", "查询进度", "公开案例", "月度公报"];
    private static readonly string[] English = ["Report", "Track", "Cases", "Bulletin"];

    /// <summary>The navigation's links: each on one line, and all of them on one row.</summary>
    private async Task AssertOneLineAsync(IPage page, string what)
    {
        var links = page.GetByRole(AriaRole.Navigation, new() { Name = what == "zh" ? "主导航" : "Main" }).GetByRole(AriaRole.Link);
        var boxes = new List<LocatorBoundingBoxResult>();
        for (var i = 0; i < await links.CountAsync(); i++) boxes.Add((await links.Nth(i).BoundingBoxAsync())!);
        var lineHeight = await links.First.EvaluateAsync<double>("a => parseFloat(getComputedStyle(a).lineHeight) || 24");
        Assert.Multiple(() =>
        {
            foreach (var box in boxes) Assert.That(box.Height, Is.LessThan(lineHeight * 2), $"{what}: a label broke onto two lines");
            Assert.That(boxes.Select(b => b.Y).Distinct().Count(), Is.EqualTo(1), $"{what}: the links are on one row");
        });
        Assert.That(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"),
            Is.LessThanOrEqualTo(0), $"{what}: no sideways scrolling");
    }

    [TestCase(360)]
    [TestCase(390)]
    public async Task The_navigation_holds_the_bulletin_and_fits_one_line_in_both_languages(int width)
    {
        await Page.SetViewportSizeAsync(width, 800);
        await Page.GotoAsync("/#/track");
        var nav = Page.GetByRole(AriaRole.Navigation, new() { Name = "主导航" });
        await Expect(nav.GetByRole(AriaRole.Link)).ToHaveTextAsync(Chinese);
        await AssertOneLineAsync(Page, "zh");

        await Page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link)).ToHaveTextAsync(English);
        await AssertOneLineAsync(Page, "en");
    }

    [Test]
    public async Task Before_the_first_bulletin_the_page_says_when_it_comes()
    {
        await Page.GotoAsync("/");
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "主导航" }).GetByRole(AriaRole.Link, new() { Name = "月度公报" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "月度公报" })).ToBeVisibleAsync();
        // The fixture starts with no case: no month has a bulletin yet.
        var none = Page.GetByTestId("bulletin-none");
        await Expect(none).ToContainTextAsync("每月 1 日发布上一个月");
        var shanghai = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        var next = new DateOnly(shanghai.Year, shanghai.Month, 1).AddMonths(1);
        await Expect(none).ToContainTextAsync($"最早于 {next.Year}年{next.Month}月1日");
        Assert.That(await SeriousViolationsAsync(), Is.Empty);
    }
}

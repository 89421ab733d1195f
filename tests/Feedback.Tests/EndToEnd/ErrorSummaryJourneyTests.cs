using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// The form's errors on a 360-pixel phone: a visible box above the form lists each one (GOV.UK's
/// error summary), takes focus, and each entry moves focus to its field.
/// </summary>
public sealed class ErrorSummaryJourneyTests : BrowserTest
{
    [Test]
    public async Task The_error_summary_is_visible_lists_each_error_and_links_to_its_field()
    {
        await Page.GotoAsync("/");
        await Expect(Page.GetByLabel("投诉类别")).ToBeEnabledAsync();
        await Page.GetByLabel("手机号码").FillAsync("12345");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();

        var summary = Page.GetByTestId("error-summary");
        await Expect(summary).ToBeFocusedAsync();
        await Expect(summary.GetByRole(AriaRole.Heading)).ToHaveTextAsync("有 3 处需要修改");
        var links = summary.GetByRole(AriaRole.Link);
        await Expect(links).ToHaveTextAsync([
            "投诉类别：请选择投诉类别。",
            "问题描述：请填写问题描述。",
            "手机号码：请填写 11 位中国大陆手机号码，例如 13800138000。",
        ]);
        // Seen, not only heard: a box as wide as the form, not a one-pixel screen-reader text.
        var box = (await summary.BoundingBoxAsync())!;
        Assert.That(box.Width, Is.GreaterThan(250));
        Assert.That(box.Height, Is.GreaterThan(60));
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "the form with its error summary");

        await links.Nth(2).ClickAsync();
        await Expect(Page.GetByLabel("手机号码")).ToBeFocusedAsync();
        Assert.That(Page.Url, Does.Not.Contain("#f-"), "the link moves focus, not the router");
        await links.Nth(1).ClickAsync();
        await Expect(Page.GetByLabel("问题描述")).ToBeFocusedAsync();

        // Mended fields leave the list; the box goes when nothing is left.
        await Page.GetByLabel("问题描述").FillAsync("河里有死鱼。");
        await Expect(links).ToHaveCountAsync(2);
        await Page.GetByLabel("投诉类别").SelectOptionAsync("water.industrial");
        await Page.GetByLabel("手机号码").FillAsync("");
        await Expect(summary).ToHaveCountAsync(0);
    }

    [Test]
    public async Task In_english_the_summary_names_the_fields_in_english()
    {
        await Page.GotoAsync("/");
        await Page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(Page.GetByLabel("Category")).ToBeEnabledAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        var summary = Page.GetByTestId("error-summary");
        await Expect(summary.GetByRole(AriaRole.Heading)).ToHaveTextAsync("There are 2 things to fix");
        await Expect(summary.GetByRole(AriaRole.Link).First).ToHaveTextAsync("Category: Choose a category.");
    }
}

using Feedback.Tests.Support;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// Publishing a case, on a phone (360 px): a clerk proposes a summary and a result on the case page,
/// the section head approves it in the console, and the citizen's public page shows it — and
/// nothing of the citizen's own report.
/// </summary>
public sealed class PublicationJourneyTests : StaffConsoleTest
{
    [Test]
    public async Task A_clerk_proposes_the_head_approves_and_the_public_page_shows_the_summary()
    {
        const string description = "河边小作坊每天往河里倒废液，水面发黑，气味很冲。";
        const string summary = "群众反映一小作坊向河道倾倒废液。";
        const string result = "执法人员现场查实后，已取缔该作坊并清理河道，复查水质已恢复。";
        var (code, _) = await FileAsync("water.industrial", description);
        using (var clerk = await StaffAsync("enforcement.staff"))
        {
            await ActOkAsync(clerk, code, "accept");
            await ActOkAsync(clerk, code, "resolve", new { result = "经查属实，已取缔。" });
        }

        // The clerk proposes it, with the result the citizen was told as a starting point.
        await SignInAsync(Page, "enforcement.staff");
        await Page.GotoAsync($"/#/staff/cases/{code}");
        await Expect(Page.GetByTestId("publish-status")).ToHaveTextAsync("未公开");
        await Page.GetByRole(AriaRole.Button, new() { Name = "公开此案例", Exact = true }).ClickAsync();
        await Expect(Page.GetByLabel("处理结果", new() { Exact = true })).ToHaveValueAsync("经查属实，已取缔。");
        await Page.GetByLabel("问题摘要", new() { Exact = true }).FillAsync(summary);
        await Page.GetByLabel("处理结果", new() { Exact = true }).FillAsync(result);
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交审核", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("publish-status")).ToHaveTextAsync("待审核");
        await Expect(Page.Locator("[data-type='publication_proposed']")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "批准公开 / 不予公开" })).ToHaveCountAsync(0);

        // Not public yet. (Asked outside the browser: the list may be cached for five minutes, so
        // a browser that saw it empty may go on showing it empty for that long.)
        Assert.That(await Client.GetStringAsync("/api/v1/public/cases"), Does.Not.Contain(summary));

        // The head approves it (back in the console, where the clerk signs out first).
        await Page.GotoAsync("/#/staff");
        await SignInAsync(Page, "enforcement");
        await Page.GotoAsync($"/#/staff/cases/{code}");
        await Expect(Page.GetByTestId("publish-summary")).ToHaveTextAsync(summary);
        await Page.GetByRole(AriaRole.Button, new() { Name = "批准公开 / 不予公开" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "批准公开", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("publish-status")).ToHaveTextAsync("已公开");
        await Expect(Page.Locator("[data-type='publication_approved']")).ToBeVisibleAsync();

        // The citizen's public page, reached from the menu.
        await Page.GotoAsync("/");
        await Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "公开案例" }).ClickAsync();
        await Expect(Page.GetByTestId("public-case-summary")).ToHaveTextAsync(summary);
        var main = await Page.Locator("main").InnerTextAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(main, Does.Contain(result).And.Contain("剡湖街道").And.Contain("水污染 · 企业排污"));
            Assert.That(main, Does.Not.Contain(description).And.Not.Contain(code));
            Assert.That(await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(360),
                "no sideways scrolling at 360 px");
        });

        Assert.That(await SeriousViolationsAsync(), Is.Empty);
    }
}

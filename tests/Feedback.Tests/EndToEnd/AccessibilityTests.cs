using System.Text.Json;
using Feedback.Tests.Support;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// axe-core (the web client's pinned dev dependency) checks each citizen page against WCAG 2.1 A
/// and AA; any serious or critical violation fails the test and is listed.
/// </summary>
public sealed class AccessibilityTests : BrowserTest
{
    private static readonly string AxeScript = File.ReadAllText(
        Path.Combine(RepositoryPaths.Root, "web-client", "node_modules", "axe-core", "axe.min.js"));

    private async Task<IReadOnlyList<string>> SeriousViolationsAsync()
    {
        await Page.EvaluateAsync(AxeScript); // evaluated by the test driver, so the page's CSP does not apply
        var violations = await Page.EvaluateAsync<JsonElement>(
            """
            async () => (await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }))
                .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`)
            """);
        return violations.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    [Test]
    public async Task The_submit_page_has_no_serious_accessibility_problems()
    {
        await Page.GotoAsync("/");
        await Expect(Page.GetByLabel("投诉类别")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync(); // with field errors showing
        await Expect(Page.Locator("[aria-invalid=true]").First).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty);
    }

    [Test]
    public async Task The_confirmation_and_tracking_pages_have_no_serious_accessibility_problems()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("noise.construction");
        await Page.GetByLabel("问题描述").FillAsync("工地凌晨两点还在打桩，吵得睡不着。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("tracking-code")).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "confirmation page");

        var password = (await Page.GetByTestId("query-password").InnerTextAsync()).Replace(" ", "");
        await Page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "查询进度" }).ClickAsync();
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("status")).ToContainTextAsync("待受理");
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "tracking page");
    }
}

using Feedback.Tests.Support;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// axe-core (the web client's pinned dev dependency) checks each citizen and console page against WCAG 2.1 A
/// and AA; any serious or critical violation fails the test and is listed.
/// </summary>
public sealed class AccessibilityTests : StaffConsoleTest
{
    [Test]
    public async Task The_submit_page_has_no_serious_accessibility_problems()
    {
        await Page.GotoAsync("/");
        await Expect(Page.GetByLabel("投诉类别")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync(); // with field errors showing
        await Expect(Page.Locator("[aria-invalid=true]").First).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("error-summary")).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty);
    }

    [Test]
    public async Task The_confirmation_and_tracking_pages_have_no_serious_accessibility_problems()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("noise.construction");
        await Page.GetByLabel("夜间（22 点至次日 6 点）").CheckAsync();
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

    [Test]
    public async Task The_console_sign_in_page_has_no_serious_accessibility_problems()
    {
        await Page.GotoAsync("/#/staff/login");
        await Page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync(); // with field errors showing
        await Expect(Page.Locator("[aria-invalid=true]").First).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "sign-in, empty");
        await Page.GetByLabel("用户名").FillAsync("enforcement.staff");
        await Page.GetByLabel("密码", new() { Exact = true }).FillAsync("not-the-password");
        await Page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("用户名或密码不正确");
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "sign-in, wrong password");
    }

    [Test]
    public async Task The_console_queue_and_case_pages_have_no_serious_accessibility_problems()
    {
        var (code, _) = await FileAsync("air.odor", "化工厂夜里排放刺鼻废气，已持续一周。");
        await FileAsync("conduct.inaction", "有人对偷排视而不见。");
        await SignInAsync(Page, "discipline"); // sees every section: the section filter too
        await Page.Locator(".filters summary").ClickAsync();
        await Expect(Page.GetByLabel("承办科室")).ToBeVisibleAsync();
        await Expect(Page.Locator(".queue-row")).ToHaveCountAsync(2);
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "queue");

        await SignInAsync(Page, "enforcement.staff");
        await Page.GotoAsync($"/#/staff/cases/{code}");
        await Page.GetByRole(AriaRole.Button, new() { Name = "受理此案件" }).ClickAsync();
        await Expect(Page.GetByTestId("case-status")).ToHaveTextAsync("已受理");
        await ActAsync(Page, "内部备注", "内部备注（群众不可见）", "明早现场检查。", "保存内部备注");
        await Expect(Page.GetByTestId("case-notice")).ToContainTextAsync("内部备注已保存");
        await ActAsync(Page, "公开答复", "答复内容（群众可见）", "已安排现场核查。", "发送答复");
        await Expect(Page.GetByTestId("timeline").Locator("li[data-type=reply]")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "申请延期" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交延期申请" }).ClickAsync(); // with field errors showing
        await Expect(Page.Locator("[aria-invalid=true]").First).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "case");
    }

    [Test]
    public async Task The_console_administration_pages_have_no_serious_accessibility_problems()
    {
        await SignInAsync(Page, "admin");
        await Expect(Page.GetByTestId("users")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "编辑 enforcement.staff" }).ClickAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "accounts");
        await Page.GetByRole(AriaRole.Link, new() { Name = "分派规则" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "新建规则" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存规则" }).ClickAsync();
        await Expect(Page.Locator(".field-error").First).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "routing rules");
        await Page.GetByRole(AriaRole.Link, new() { Name = "工作日历" }).ClickAsync();
        await Expect(Page.GetByTestId("calendar")).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "calendar");
        await Page.GetByRole(AriaRole.Link, new() { Name = "科室" }).ClickAsync();
        await Expect(Page.GetByTestId("sections")).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "sections");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Open311 密钥" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "签发密钥" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "签发", Exact = true }).ClickAsync(); // with the name missing
        await Expect(Page.GetByLabel("名称（对接的系统）")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "Open311 keys");
    }

    [Test]
    public async Task The_guided_questions_and_their_administration_have_no_serious_accessibility_problems()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("noise.industrial");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync(); // the unanswered question flagged
        await Expect(Page.GetByText("请回答这个问题").First).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "questions with errors");

        await SignInAsync(Page, "admin");
        await Page.GetByRole(AriaRole.Link, new() { Name = "类别指引" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "编辑：工业噪声" }).ClickAsync();
        await Expect(Page.GetByLabel("类别名称（中文）")).ToBeFocusedAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "category guidance");
        await Page.GetByRole(AriaRole.Link, new() { Name = "乡镇（街道）" }).ClickAsync();
        await Expect(Page.GetByTestId("townships")).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "townships");
    }
}

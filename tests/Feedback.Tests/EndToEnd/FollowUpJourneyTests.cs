using Feedback.Api.Infrastructure.Time;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// After the result, on a 360-pixel phone: the citizen opens the tracking page, evaluates the
/// result, then asks for a review, and sees the case reopened with its new deadline; the section
/// sees the evaluation and the review on the case.
/// </summary>
public sealed class FollowUpJourneyTests : StaffConsoleTest
{
    private async Task<(string Code, string Password)> ResolvedCaseAsync()
    {
        var (code, password) = await FileAsync("air.odor", "化工厂夜里排放刺鼻废气，已持续一周。");
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, code, "accept");
        await ActOkAsync(clerk, code, "resolve", new { result = "经查，该厂废气处理设施未运行，已责令整改。" });
        return (code, password);
    }

    private async Task OpenTrackingAsync(string code, string password)
    {
        await Page.GotoAsync($"/#/track?code={code}");
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
    }

    [Test]
    public async Task A_citizen_evaluates_the_result_then_asks_for_a_review_and_sees_the_case_reopened()
    {
        var (code, password) = await ResolvedCaseAsync();
        await OpenTrackingAsync(code, password);

        await Expect(Page.GetByTestId("status")).ToContainTextAsync("已办结");
        await Expect(Page.GetByTestId("next-step").First).ToContainTextAsync("请在");
        await Expect(Page.GetByText("已办结。处理结果：经查，该厂废气处理设施未运行")).ToBeVisibleAsync();

        // Sent without choosing: each radio group says what is missing.
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交评价", Exact = true }).ClickAsync();
        await Expect(Page.GetByText("请选择问题是否解决。")).ToBeVisibleAsync();
        await Expect(Page.GetByText("请选择满意程度。")).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "tracking page with both forms and their errors");

        var solvedGroup = Page.GetByRole(AriaRole.Group, new() { Name = "您反映的问题解决了吗？" });
        await solvedGroup.GetByLabel("部分解决", new() { Exact = true }).CheckAsync();
        var satisfactionGroup = Page.GetByRole(AriaRole.Group, new() { Name = "您对办理结果满意吗？" });
        await satisfactionGroup.GetByLabel("基本满意", new() { Exact = true }).CheckAsync();
        await Page.GetByLabel("留言（选填）").FillAsync("白天好多了，夜里还有味道。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交评价", Exact = true }).ClickAsync();

        await Expect(Page.Locator("#track-notice")).ToHaveTextAsync("感谢您的评价，案件已关闭。");
        await Expect(Page.GetByTestId("status")).ToContainTextAsync("已关闭");
        await Expect(Page.GetByText("您已评价：部分解决，基本满意。留言：白天好多了，夜里还有味道。")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "提交评价" })).ToHaveCountAsync(0);
        await Expect(Page.GetByLabel("查询密码", new() { Exact = true })).ToHaveValueAsync(password);

        await Page.GetByLabel("复查理由").FillAsync("夜里十点以后气味依旧，请再查一次。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "申请复查", Exact = true }).ClickAsync();

        var calendar = App.Services.GetRequiredService<WorkingDayCalendar>();
        var resolveBy = calendar.AddWorkingDays(App.Services.GetRequiredService<BureauClock>().Today, 15);
        await Expect(Page.Locator("#track-notice")).ToContainTextAsync("已收到您的复查申请");
        await Expect(Page.GetByTestId("status")).ToContainTextAsync("办理中");
        await Expect(Page.GetByTestId("review-flag")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("resolve-by")).ToHaveAttributeAsync("datetime", resolveBy.ToString("yyyy-MM-dd"));
        await Expect(Page.GetByTestId("next-step").First).ToContainTextAsync("正在复查");
        await Expect(Page.GetByText("您申请了复查，案件重新办理")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "申请复查" })).ToHaveCountAsync(0);
        Assert.That(await Page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(360), "no sideways scrolling");

        await SignInAsync(Page, "enforcement.staff");
        await Page.GotoAsync($"/#/staff/cases/{code}");
        await Expect(Page.GetByTestId("review-banner")).ToContainTextAsync("夜里十点以后气味依旧");
        await Expect(Page.GetByTestId("review-tag")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("evaluation")).ToContainTextAsync("基本满意");
    }

    [Test]
    public async Task A_locked_tracking_code_is_told_plainly_with_the_minutes_to_wait()
    {
        var (code, password) = await ResolvedCaseAsync();
        await Page.GotoAsync($"/#/track?code={code}");
        for (var i = 0; i < 5; i++)
        {
            await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync("ABCD EFGH JK2" + (i + 2));
            await Page.RunAndWaitForResponseAsync(
                () => Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync(),
                response => response.Url.Contains("/api/v1/complaints/"));
            // The same words for every miss: no count of tries left, which would tell that the code exists.
            if (i == 1) await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("从同一网络连续输错 5 次，将暂停从该网络查询此编号 15 分钟");
        }
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("查询密码错误次数过多，请 15 分钟后再试");
    }
}

using Dapper;
using Feedback.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Feedback.Tests.EndToEnd;

/// <summary>The staff console on a phone: who may see a conduct case, and two people acting on one case.</summary>
public sealed class StaffConsolePhoneTests : StaffConsoleTest
{
    [Test]
    public async Task A_conduct_complaint_never_reaches_the_enforcement_console_but_discipline_inspection_sees_it()
    {
        var (conduct, _) = await FileAsync("conduct.inaction", "执法大队有人收了企业的好处，对偷排视而不见。");
        var (odor, _) = await FileAsync("air.odor", "工厂说给居民一点好处就可以继续排放臭气。");

        await SignInAsync(Page, "enforcement.staff");
        await Expect(Row(Page, odor)).ToBeVisibleAsync();
        await Expect(Row(Page, conduct)).ToHaveCountAsync(0);
        await Expect(Page.Locator(".status-tab[data-status=open] .tab-count")).ToHaveTextAsync("1");

        // Not by search either: the same word finds the environmental case only.
        await SearchAsync(Page, "好处");
        await Expect(Row(Page, odor)).ToBeVisibleAsync();
        await Expect(Row(Page, conduct)).ToHaveCountAsync(0);
        await SearchAsync(Page, conduct);
        await Expect(Page.GetByText("没有符合条件的案件")).ToBeVisibleAsync();

        // Nor by its address: the page says there is no such case.
        await Page.GotoAsync($"/#/staff/cases/{conduct}");
        await Expect(Page.GetByTestId("case-not-found")).ToContainTextAsync("没有这个案件");
        await Expect(Page.GetByText("执法大队有人收了")).ToHaveCountAsync(0);
        await Page.GetByRole(AriaRole.Button, new() { Name = "退出登录" }).ClickAsync();

        await SignInAsync(Page, "discipline");
        await Expect(Row(Page, conduct)).ToBeVisibleAsync();
        await Expect(Row(Page, conduct)).ToContainTextAsync("保密");
        await Row(Page, conduct).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page.GetByTestId("description")).ToHaveTextAsync("执法大队有人收了企业的好处，对偷排视而不见。");
        await Expect(Page.GetByText("作风类投诉 · 保密")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "受理此案件" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task When_a_colleague_changed_the_case_first_the_clerk_is_told_to_check_and_keeps_what_they_typed()
    {
        const string reply = "我们已安排执法人员本周内到现场核查，结果会在这里告知您。";
        var (code, _) = await FileAsync("air.odor", "化工厂夜里排放刺鼻废气，已持续一周。");
        using (var clerk = await StaffAsync("enforcement.staff")) await ActOkAsync(clerk, code, "accept");

        // Two tabs of the same clerk on the same case.
        await SignInAsync(Page, "enforcement.staff");
        await Page.GotoAsync($"/#/staff/cases/{code}");
        await Expect(Page.GetByTestId("case-status")).ToHaveTextAsync("已受理");
        var other = await NewPageAsync();
        await SignInAsync(other, "enforcement.staff");
        await other.GotoAsync($"/#/staff/cases/{code}");
        await Expect(other.GetByTestId("case-status")).ToHaveTextAsync("已受理");

        // The first starts a reply; meanwhile the second resolves the case.
        await Page.GetByRole(AriaRole.Button, new() { Name = "公开答复", Exact = true }).ClickAsync();
        await Page.GetByLabel("答复内容（群众可见）").FillAsync(reply);
        await ActAsync(other, "办结", "处理结果（群众可见）", "经核查，企业已停产整改。", "确认办结");
        await Expect(other.GetByTestId("case-status")).ToHaveTextAsync("已办结");

        // The first sends: 412, told in words, the case reloaded, the reply still there.
        var stale = Page.WaitForResponseAsync(r => r.Url.EndsWith("/replies"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "发送答复" }).ClickAsync();
        Assert.That((await stale).Status, Is.EqualTo(412));
        await Expect(Page.GetByTestId("case-notice")).ToContainTextAsync("刚被他人修改过");
        await Expect(Page.GetByTestId("case-notice")).ToBeFocusedAsync();
        await Expect(Page.GetByTestId("case-status")).ToHaveTextAsync("已办结");
        await Expect(Page.GetByLabel("答复内容（群众可见）")).ToHaveValueAsync(reply);
        // A resolved case takes no more replies: the form says so instead of failing again.
        await Expect(Page.GetByText("案件当前状态下已不能执行此操作")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "发送答复" })).ToBeDisabledAsync();
        await Expect(Page.GetByTestId("timeline").Locator("li[data-type=resolved]")).ToContainTextAsync("企业已停产整改");

        // What it still allows goes through on the reloaded version.
        await Page.GetByRole(AriaRole.Button, new() { Name = "取消" }).ClickAsync();
        await ActAsync(Page, "内部备注", "内部备注（群众不可见）", reply, "保存内部备注");
        await Expect(Page.GetByTestId("case-notice")).ToContainTextAsync("内部备注已保存");
    }

    [Test]
    public async Task The_queue_fits_a_360_pixel_phone_and_says_deadlines_in_words()
    {
        var (code, _) = await FileAsync("noise.construction", "工地凌晨两点还在打桩，吵得睡不着。");
        await SignInAsync(Page, "enforcement.staff");
        await Expect(Row(Page, code)).ToContainTextAsync("受理期限");
        await Expect(Row(Page, code)).ToContainTextAsync(new System.Text.RegularExpressions.Regex("还剩 \\d 个工作日|今天到期"));
        var overflow = await Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0));
        await Row(Page, code).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page.GetByTestId("description")).ToBeVisibleAsync();
        overflow = await Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0));
    }

    [Test]
    public async Task An_overdue_case_is_marked_in_words_and_not_by_colour_alone()
    {
        var (late, _) = await FileAsync("air.odor", "化工厂夜里排放刺鼻废气。");
        var (fresh, _) = await FileAsync("air.odor", "养殖场臭味。");
        var due = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(-14);
        await using (var db = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString))
            await db.ExecuteAsync("update complaints set accept_by = @due, due_on = @due where tracking_code = @late", new { due, late });

        await SignInAsync(Page, "enforcement.staff");
        await Expect(Row(Page, late)).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"已超期 \d+ 个工作日"));
        await Expect(Row(Page, late)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\boverdue\b"));
        await Expect(Row(Page, late).Locator("svg.icon")).ToHaveCountAsync(1);
        await Expect(Row(Page, fresh)).Not.ToContainTextAsync("超期");
        // Earliest deadline first: the late one leads the queue.
        await Expect(Page.Locator(".queue-row").First).ToHaveAttributeAsync("data-code", late);

        await Page.GetByText("筛选条件").ClickAsync(); // folded on a phone
        await Page.GetByLabel("期限").SelectOptionAsync("overdue");
        await Page.GetByRole(AriaRole.Button, new() { Name = "应用筛选" }).ClickAsync();
        await Expect(Page.Locator(".queue-row")).ToHaveCountAsync(1);
        await Expect(Row(Page, late)).ToBeVisibleAsync();
    }

    [Test]
    public async Task A_clerk_registers_a_phone_call_and_the_caller_can_follow_it_with_the_code_and_password_read_out()
    {
        await SignInAsync(Page, "enforcement.staff");
        await Page.GetByRole(AriaRole.Link, new() { Name = "登记来电/来信/来访" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "登记", Exact = true }).ClickAsync();
        await Expect(Page.GetByText("请选择来源")).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("来电")).ToBeFocusedAsync();

        await Page.GetByLabel("来电").CheckAsync();
        await Page.GetByLabel("投诉类别").SelectOptionAsync("noise.construction");
        await Page.GetByLabel("问题描述").FillAsync("来电反映：工地每天晚上十点后还在浇筑混凝土，噪声很大。");
        await Page.GetByLabel("乡镇（街道）").SelectOptionAsync("鹿山街道");
        await Page.GetByLabel("手机号码").FillAsync("139 0013 9000");
        await Page.GetByRole(AriaRole.Button, new() { Name = "登记", Exact = true }).ClickAsync();

        var code = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();
        var password = (await Page.GetByTestId("query-password").InnerTextAsync()).Replace(" ", "").Trim();
        await Expect(Page.Locator("main dd").First).ToHaveTextAsync("生态环境执法大队");
        await Page.GetByRole(AriaRole.Link, new() { Name = "打开此案件" }).ClickAsync();
        await Expect(Page.GetByTestId("case-status")).ToHaveTextAsync("待受理");
        await Expect(Page.GetByTestId("timeline").Locator("li[data-type=submitted]")).ToContainTextAsync("工作人员登记（来电）");
        await Expect(Page.GetByText("13900139000")).ToBeVisibleAsync();

        await Page.GotoAsync($"/#/track?code={code}");
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("status")).ToHaveTextAsync("待受理");
    }
}

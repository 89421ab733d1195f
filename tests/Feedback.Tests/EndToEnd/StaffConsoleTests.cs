using System.Text.RegularExpressions;
using Feedback.Tests.Support;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>The staff console on a laptop: a case from the citizen's form to the citizen's tracking page.</summary>
public sealed class StaffConsoleTests : StaffConsoleTest
{
    protected override bool Laptop => true;

    [Test]
    public async Task A_clerk_finds_a_citizens_complaint_accepts_replies_and_resolves_and_the_citizen_sees_each_public_step_but_not_the_note()
    {
        const string description = "锅炉房的烟囱每天傍晚冒黑烟，气味刺鼻，晾在外面的衣服都有味道。";
        const string note = "已联系企业负责人，约定明早九点现场检查。";
        const string reply = "执法人员将于明天上午到现场核查，请保持电话畅通。";
        const string result = "经现场核查，锅炉除尘设施损坏，已责令停用并限期整改。";
        // Another case of the same section, so the search has something to leave out.
        var (other, _) = await FileAsync("air.odor", "养殖场的粪便臭味很重，夏天尤其严重。");

        // The citizen files it in the citizen pages (air.odor is routed to the enforcement brigade).
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("air.odor");
        await Page.GetByLabel("问题描述").FillAsync(description);
        await Page.GetByLabel("乡镇（街道）").SelectOptionAsync("剡湖街道");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var code = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();
        var password = (await Page.GetByTestId("query-password").InnerTextAsync()).Replace(" ", "").Trim();

        // The enforcement clerk signs in and finds it by a two-character word of its description.
        await SignInAsync(Page, "enforcement.staff");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "案件队列" })).ToBeVisibleAsync();
        await Expect(Row(Page, other)).ToBeVisibleAsync();
        await SearchAsync(Page, "锅炉");
        await Expect(Row(Page, code)).ToBeVisibleAsync();
        await Expect(Row(Page, code)).ToContainTextAsync("异味");
        await Expect(Row(Page, code)).ToContainTextAsync("还剩 2 个工作日");
        await Expect(Row(Page, other)).ToHaveCountAsync(0);

        await Row(Page, code).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(code[..4]);
        await Expect(Page.GetByTestId("description")).ToHaveTextAsync(description);
        await Expect(Page.GetByTestId("case-status")).ToHaveTextAsync("待受理");

        await Page.GetByRole(AriaRole.Button, new() { Name = "受理此案件" }).ClickAsync();
        await Expect(Page.GetByTestId("case-notice")).ToContainTextAsync("已受理");
        await Expect(Page.GetByTestId("case-status")).ToHaveTextAsync("已受理");
        await Expect(Page.GetByTestId("case-notice")).ToBeFocusedAsync();

        await ActAsync(Page, "内部备注", "内部备注（群众不可见）", note, "保存内部备注");
        await Expect(Page.GetByTestId("case-notice")).ToContainTextAsync("内部备注已保存");
        await ActAsync(Page, "公开答复", "答复内容（群众可见）", reply, "发送答复");
        await Expect(Page.GetByTestId("case-notice")).ToContainTextAsync("答复已发送");
        await ActAsync(Page, "办结", "处理结果（群众可见）", result, "确认办结");
        await Expect(Page.GetByTestId("case-status")).ToHaveTextAsync("已办结");

        // The timeline tells internal notes from public replies in words.
        var timeline = Page.GetByTestId("timeline");
        await Expect(timeline.Locator("li[data-type=note]")).ToContainTextAsync(note);
        await Expect(timeline.Locator("li[data-type=note]")).ToContainTextAsync("内部备注，群众不可见");
        await Expect(timeline.Locator("li[data-type=reply]")).ToContainTextAsync(reply);
        await Expect(timeline.Locator("li[data-type=reply]")).ToContainTextAsync("公开答复");
        await Expect(timeline.Locator("li[data-type=resolved]")).ToContainTextAsync(result);

        // The citizen's tracking page: every public step, never the note.
        await Page.GotoAsync($"/#/track?code={code}");
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("status")).ToHaveTextAsync("已办结");
        var track = Page.Locator("#track-result .timeline");
        await Expect(track).ToContainTextAsync("已受理，将于");
        await Expect(track).ToContainTextAsync(reply);
        await Expect(track).ToContainTextAsync(result);
        await Expect(track).Not.ToContainTextAsync(note);
        await Expect(track).Not.ToContainTextAsync("约定明早");
    }

    [Test]
    public async Task The_citizen_pages_load_none_of_the_console()
    {
        var scripts = new List<string>();
        Page.Request += (_, request) => { if (request.ResourceType == "script") scripts.Add(request.Url); };
        await Page.GotoAsync("/");
        await Expect(Page.GetByLabel("投诉类别")).ToBeEnabledAsync();
        await Page.GotoAsync("/#/track");
        await Expect(Page.GetByLabel("查询密码", new() { Exact = true })).ToBeVisibleAsync();
        Assert.That(scripts.Where(url => Regex.IsMatch(url, @"/(StaffLayout|routes|auth|QueueView|CaseView|LoginView)-[\w-]+\.js")), Is.Empty,
            string.Join("\n", scripts));

        await Page.GotoAsync("/#/staff");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "工作人员登录" })).ToBeVisibleAsync();
        Assert.That(scripts.Any(url => url.Contains("/LoginView-")), Is.True, "the console arrives when it is opened");
    }

    [Test]
    public async Task A_wrong_password_is_told_in_Chinese_and_a_locked_account_says_how_many_minutes_to_wait()
    {
        var username = await NewAccountAsync();
        await Page.GotoAsync("/#/staff/login");
        await Page.GetByLabel("用户名").FillAsync(username);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await Page.GetByLabel("密码", new() { Exact = true }).FillAsync($"wrong-{attempt}");
            await Page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
            if (attempt < 5) await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("用户名或密码不正确");
        }
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("请 15 分钟后再试");
        await Expect(Page.GetByLabel("密码", new() { Exact = true })).ToBeFocusedAsync();

        // Locked means locked, even with the right password.
        await Page.GetByLabel("密码", new() { Exact = true }).FillAsync("first-pass-1");
        await Page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(new Regex(@"请 1[45] 分钟后再试"));
        Assert.That(await ReadStorageAsync(Page), Is.EqualTo((false, false)), "no tokens anywhere");
    }

    [Test]
    public async Task Tokens_live_in_sessionStorage_only_and_signing_out_ends_the_session_on_the_server()
    {
        await SignInAsync(Page, "enforcement.staff");
        Assert.That(await ReadStorageAsync(Page), Is.EqualTo((true, false)), "sessionStorage yes, localStorage no");
        var refreshToken = (string)(await ReadSessionAsync(Page))["refreshToken"]!;

        var logout = Page.WaitForRequestAsync(r => r.Url.EndsWith("/api/v1/auth/logout"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "退出登录" }).ClickAsync();
        await logout;
        await Expect(Page.GetByText("您已退出登录")).ToBeVisibleAsync();
        Assert.That(await ReadStorageAsync(Page), Is.EqualTo((false, false)));

        // The server forgot the session: its refresh token no longer works.
        using var response = await Client.PostAsync("/api/v1/auth/refresh",
            System.Net.Http.Json.JsonContent.Create(new { refreshToken }));
        Assert.That((int)response.StatusCode, Is.EqualTo(401));

        // And the console's pages send a signed-out visitor to sign in.
        await Page.GotoAsync("/#/staff/cases/ABCDEFGHJKMN");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "工作人员登录" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task An_expired_access_token_is_refreshed_once_for_all_the_requests_that_need_it()
    {
        await FileAsync("air.odor", "化工厂夜里排放刺鼻废气。");
        await SignInAsync(Page, "enforcement.staff");
        var refreshes = 0;
        Page.Request += (_, request) => { if (request.Url.EndsWith("/api/v1/auth/refresh")) Interlocked.Increment(ref refreshes); };

        // The access token is about to expire: the queue's three first requests all need a new one.
        await Page.EvaluateAsync("""
            () => {
              const s = JSON.parse(sessionStorage.getItem('feedback.staff.session.v1'));
              s.expiresAt = Date.now() - 1000;
              sessionStorage.setItem('feedback.staff.session.v1', JSON.stringify(s));
            }
            """);
        await Page.ReloadAsync();
        await Expect(Page.Locator(".queue-row")).ToHaveCountAsync(1);
        Assert.That(refreshes, Is.EqualTo(1), "one refresh, however many requests waited for it");

        // A token the server refuses (401): one refresh, then every request is sent again and succeeds.
        var unauthorised = 0;
        Page.Response += (_, response) => { if (response.Status == 401) Interlocked.Increment(ref unauthorised); };
        await Page.EvaluateAsync("""
            () => {
              const s = JSON.parse(sessionStorage.getItem('feedback.staff.session.v1'));
              s.accessToken = 'not-a-token';
              sessionStorage.setItem('feedback.staff.session.v1', JSON.stringify(s));
            }
            """);
        await Page.ReloadAsync();
        await Expect(Page.Locator(".queue-row")).ToHaveCountAsync(1);
        await Expect(Page.GetByLabel("类别")).ToContainTextAsync("异味");
        Assert.Multiple(() =>
        {
            Assert.That(refreshes, Is.EqualTo(2), "again one refresh for the three refused requests");
            Assert.That(unauthorised, Is.GreaterThanOrEqualTo(1));
        });
        Assert.That((string)(await ReadSessionAsync(Page))["accessToken"]!, Is.Not.EqualTo("not-a-token"));
    }

    [Test]
    public async Task Two_tabs_holding_a_copy_of_one_session_refresh_it_once_and_both_stay_signed_in()
    {
        await FileAsync("air.odor", "化工厂夜里排放刺鼻废气。");
        await SignInAsync(Page, "enforcement.staff");
        // A duplicated tab starts with a copy of the first one's sessionStorage: the same refresh token.
        var other = await NewPageAsync();
        await other.GotoAsync("/");
        var session = await Page.EvaluateAsync<string>("() => sessionStorage.getItem('feedback.staff.session.v1')");
        await other.EvaluateAsync("s => sessionStorage.setItem('feedback.staff.session.v1', s)", session);
        await other.GotoAsync("/#/staff");
        await Expect(other.Locator(".queue-row")).ToHaveCountAsync(1);

        var refreshes = 0;
        foreach (var tab in new[] { Page, other })
            tab.Request += (_, request) => { if (request.Url.EndsWith("/api/v1/auth/refresh")) Interlocked.Increment(ref refreshes); };
        const string expire = """
            () => {
              const s = JSON.parse(sessionStorage.getItem('feedback.staff.session.v1'));
              s.expiresAt = Date.now() - 1000;
              sessionStorage.setItem('feedback.staff.session.v1', JSON.stringify(s));
            }
            """;
        await Page.EvaluateAsync(expire);
        await other.EvaluateAsync(expire);
        await Task.WhenAll(Page.ReloadAsync(), other.ReloadAsync());
        await Expect(Page.Locator(".queue-row")).ToHaveCountAsync(1);
        await Expect(other.Locator(".queue-row")).ToHaveCountAsync(1);
        Assert.That(refreshes, Is.EqualTo(1), "one tab refreshes, the other takes its new pair");

        // Both still hold a working session (a reused refresh token would have ended it for both).
        await Task.WhenAll(Page.ReloadAsync(), other.ReloadAsync());
        await Expect(Page.Locator(".queue-row")).ToHaveCountAsync(1);
        await Expect(other.Locator(".queue-row")).ToHaveCountAsync(1);
        Assert.That((string)(await ReadSessionAsync(other))["refreshToken"]!,
            Is.EqualTo((string)(await ReadSessionAsync(Page))["refreshToken"]!));
    }

    [Test]
    public async Task After_a_password_change_the_clerk_signs_in_again_with_the_new_password()
    {
        var username = await NewAccountAsync();
        await SignInAsync(Page, username, "first-pass-1");
        await Page.GetByRole(AriaRole.Link, new() { Name = "修改密码" }).ClickAsync();
        await Page.GetByLabel("当前密码").FillAsync("wrong-pass-1");
        await Page.GetByLabel("新密码", new() { Exact = true }).FillAsync("second-pass-2");
        await Page.GetByLabel("再次输入新密码").FillAsync("second-pass-2");
        await Page.GetByRole(AriaRole.Button, new() { Name = "修改密码" }).ClickAsync();
        await Expect(Page.GetByText("当前密码不正确")).ToBeVisibleAsync();

        await Page.GetByLabel("当前密码").FillAsync("first-pass-1");
        await Page.GetByRole(AriaRole.Button, new() { Name = "修改密码" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "工作人员登录" })).ToBeVisibleAsync();
        await Expect(Page.GetByText("密码已修改")).ToBeVisibleAsync();

        await SignInAsync(Page, username, "second-pass-2");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "案件队列" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task A_search_with_more_than_a_page_shows_no_counts_until_the_clerk_asks_for_them()
    {
        for (var i = 0; i < 26; i++) await FileAsync("water.industrial", $"第 {i} 家小厂夜里偷排污水。");
        var (odor, _) = await FileAsync("air.odor", "化工厂夜里排放刺鼻废气。");

        await SignInAsync(Page, "enforcement.staff");
        await Expect(Page.Locator(".status-tab[data-status=open] .tab-count")).ToHaveTextAsync("27");
        await SearchAsync(Page, "偷排");
        await Expect(Row(Page, odor)).ToHaveCountAsync(0);
        await Expect(Page.Locator(".queue-row")).ToHaveCountAsync(25);
        var line = Page.GetByTestId("queue-count");
        await Expect(line).ToContainTextAsync("显示 25 件，还有更多");
        await Expect(line).ToContainTextAsync("尚未统计件数");
        await Expect(Page.Locator(".status-tab .tab-count")).ToHaveCountAsync(0, new() { Timeout = 1000 });

        await Page.GetByRole(AriaRole.Button, new() { Name = "统计件数" }).ClickAsync();
        await Expect(Page.Locator(".status-tab[data-status=open] .tab-count")).ToHaveTextAsync("26");
        await Expect(Page.Locator(".status-tab[data-status=closed] .tab-count")).ToHaveTextAsync("0");
        await Expect(line).ToContainTextAsync("显示 25 件，共 26 件");
        await Page.GetByRole(AriaRole.Button, new() { Name = "加载更多" }).ClickAsync();
        await Expect(Page.Locator(".queue-row")).ToHaveCountAsync(26);
        await Expect(line).ToContainTextAsync("显示 26 件，共 26 件");
    }

    [Test]
    public async Task A_leader_filters_by_section_and_an_administrator_sees_accounts_not_cases()
    {
        var (odor, _) = await FileAsync("air.odor", "化工厂夜里排放刺鼻废气。");
        var (vehicle, _) = await FileAsync("air.vehicle", "渣土车冒黑烟。"); // pollution control

        await SignInAsync(Page, "leader");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "统计看板", Level = 1 })).ToBeVisibleAsync(); // leaders start there
        await Page.GetByRole(AriaRole.Link, new() { Name = "案件队列" }).ClickAsync();
        await Expect(Row(Page, odor)).ToBeVisibleAsync();
        await Expect(Row(Page, vehicle)).ToBeVisibleAsync();
        await Page.GetByLabel("承办科室").SelectOptionAsync("pollution");
        await Page.GetByRole(AriaRole.Button, new() { Name = "应用筛选" }).ClickAsync();
        await Expect(Row(Page, odor)).ToHaveCountAsync(0);
        await Expect(Row(Page, vehicle)).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "退出登录" }).ClickAsync();

        await SignInAsync(Page, "admin");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "账户管理" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("users")).ToContainTextAsync("enforcement.staff");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "案件队列" })).ToHaveCountAsync(0);
        await Page.GotoAsync("/#/staff");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "账户管理" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task An_administrator_adds_a_routing_rule_moves_it_first_and_new_complaints_follow_it()
    {
        await SignInAsync(Page, "admin");
        await Page.GetByRole(AriaRole.Link, new() { Name = "分派规则" }).ClickAsync();
        await Expect(Page.GetByText("还没有分派规则")).ToBeVisibleAsync();

        async Task AddRuleAsync(string name, string keyword, string section)
        {
            await Page.GetByRole(AriaRole.Button, new() { Name = "新建规则" }).ClickAsync();
            await Page.GetByLabel("规则名称").FillAsync(name);
            await Page.GetByLabel("分到科室").SelectOptionAsync(section);
            await Page.GetByLabel("关键词").FillAsync(keyword);
            await Page.GetByRole(AriaRole.Button, new() { Name = "保存规则" }).ClickAsync();
            await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync(name);
        }
        await AddRuleAsync("机动车尾气归污染防治科", "尾气", "pollution");
        await AddRuleAsync("监测数据归监测站", "尾气，监测", "monitoring");
        var names = Page.GetByTestId("rules").Locator(".rule-name");
        await Expect(names).ToHaveTextAsync(["机动车尾气归污染防治科", "监测数据归监测站"]);

        await Page.GetByRole(AriaRole.Button, new() { Name = "上移：监测数据归监测站" }).ClickAsync();
        await Expect(names).ToHaveTextAsync(["监测数据归监测站", "机动车尾气归污染防治科"]);
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "编辑：监测数据归监测站" })).ToBeFocusedAsync();

        var filed = await SubmitAsync(new { categoryCode = "air.industrial", description = "工业园区的尾气监测数据异常。" });
        Assert.That((string)filed["sectionCode"]!, Is.EqualTo("monitoring"), "the first rule that holds decides");
    }

    [Test]
    public async Task A_section_head_assigns_and_transfers_a_clerk_asks_for_more_time_and_a_leader_approves_it()
    {
        var (kept, _) = await FileAsync("air.odor", "化工厂夜里排放刺鼻废气。");
        var (moved, _) = await FileAsync("air.odor", "汽修厂喷漆房的废气直接排到街上。");
        long clerkId;
        using (var clerk = await StaffAsync("enforcement.staff"))
            clerkId = (long)(await ReadJsonAsync(await clerk.GetAsync("/api/v1/auth/me")))["id"]!;

        // The head accepts one case and assigns it to the clerk, picked from the section's members.
        await SignInAsync(Page, "enforcement");
        await Page.GotoAsync($"/#/staff/cases/{kept}");
        await Page.GetByRole(AriaRole.Button, new() { Name = "受理此案件" }).ClickAsync();
        await Expect(Page.GetByTestId("case-status")).ToHaveTextAsync("已受理");
        await Page.GetByRole(AriaRole.Button, new() { Name = "指派", Exact = true }).ClickAsync();
        await Page.GetByLabel("承办人", new() { Exact = true }).SelectOptionAsync(clerkId.ToString());
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认指派" }).ClickAsync();
        await Expect(Page.GetByTestId("case-notice")).ToContainTextAsync("已指派");
        await Expect(Page.GetByTestId("timeline").Locator("li[data-type=assigned]")).ToContainTextAsync("内部记录，群众不可见");

        // The other goes to pollution control: the head is told where it went, not "no such case".
        await Page.GotoAsync($"/#/staff/cases/{moved}");
        await Page.GetByRole(AriaRole.Button, new() { Name = "转办", Exact = true }).ClickAsync();
        await Page.GetByLabel("转至科室", new() { Exact = true }).SelectOptionAsync("pollution");
        await Page.GetByLabel("转办理由（群众可见）").FillAsync("汽修喷漆属于污染防治科的监管范围。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认转办" }).ClickAsync();
        await Expect(Page.GetByTestId("case-notice")).ToContainTextAsync("污染防治科");

        // The clerk finds the assigned case under "assigned to me" and asks for ten more working days.
        await SignInAsync(Page, "enforcement.staff");
        await Page.GetByLabel("承办人", new() { Exact = true }).SelectOptionAsync("me");
        await Page.GetByRole(AriaRole.Button, new() { Name = "应用筛选" }).ClickAsync();
        await Expect(Page.Locator(".queue-row")).ToHaveCountAsync(1);
        await Row(Page, kept).GetByRole(AriaRole.Link).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "申请延期", Exact = true }).ClickAsync();
        await Page.GetByLabel("延期工作日数（1–30）").FillAsync("31");
        await Page.GetByLabel("延期理由").FillAsync("需要等待监测站的化验结果。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交延期申请" }).ClickAsync();
        await Expect(Page.GetByText("请填写 1–30 之间的整数")).ToBeVisibleAsync();
        await Page.GetByLabel("延期工作日数（1–30）").FillAsync("10");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交延期申请" }).ClickAsync();
        await Expect(Page.GetByTestId("extension")).ToContainTextAsync("等待局领导审批");

        // A leader approves it; the new deadline is on the case.
        await SignInAsync(Page, "leader");
        await Page.GetByRole(AriaRole.Link, new() { Name = "案件队列" }).ClickAsync();
        await Expect(Row(Page, kept)).ToContainTextAsync("延期待审批");
        await Page.GotoAsync($"/#/staff/cases/{kept}");
        await Page.GetByRole(AriaRole.Button, new() { Name = "审批延期", Exact = true }).ClickAsync();
        await Page.GetByLabel("批准延期").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交审批结果" }).ClickAsync();
        await Expect(Page.GetByTestId("extension")).ToContainTextAsync("已批准延期 10 个工作日");
        await Expect(Page.GetByTestId("timeline").Locator("li[data-type=extension_approved]")).ToContainTextAsync("群众可见");

        // And pollution control has the transferred case, waiting for its own decision.
        await SignInAsync(Page, "pollution");
        await Expect(Row(Page, moved)).ToContainTextAsync("待受理");
    }
}

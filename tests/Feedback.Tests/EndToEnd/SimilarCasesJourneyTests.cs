using System.Text.RegularExpressions;
using Dapper;
using Feedback.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Feedback.Tests.EndToEnd;

/// <summary>A citizen about to report a problem someone already reported says "me too" instead of filing a duplicate.</summary>
public sealed class SimilarCasesJourneyTests : StaffConsoleTest
{
    private async Task<string> ExistingCaseAsync() =>
        (string)(await SubmitAsync(ValidComplaint("air.odor")))["trackingCode"]!;

    private async Task StartReportAsync(string category = "air.industrial")
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync(category);
        // A conduct complaint words its fields for people and offices.
        var conduct = category.StartsWith("conduct.");
        await Page.GetByLabel(conduct ? "反映的情况" : "问题描述").FillAsync("化工厂晚上排放难闻的废气。");
        await Page.GetByLabel(conduct ? "发生在哪个乡镇（街道）" : "乡镇（街道）").SelectOptionAsync("剡湖街道");
    }

    private static async Task<int> SupportCountAsync(string code)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        return await connection.QuerySingleAsync<int>("select support_count from complaints where tracking_code = @code", new { code });
    }

    [Test]
    public async Task A_citizen_sees_a_similar_open_case_nearby_and_supports_it_instead_of_filing_a_duplicate()
    {
        var existing = await ExistingCaseAsync();
        await StartReportAsync();

        var similar = Page.GetByRole(AriaRole.Region, new() { Name = "附近已有类似问题" });
        await Expect(similar).ToBeVisibleAsync();
        await Expect(similar.GetByRole(AriaRole.Heading, new() { Name = "异味臭气 · 剡湖街道" })).ToBeVisibleAsync();
        await Expect(similar).Not.ToContainTextAsync("小区东侧化工厂"); // never the citizen's own words
        await Expect(similar).ToContainTextAsync("城东路附近"); // the street as given, without the house number
        await Expect(similar).Not.ToContainTextAsync("88");
        await Expect(similar).ToContainTextAsync("一小时内提交");
        await Expect(similar.GetByTestId("similar-support-count")).ToHaveTextAsync("还没有人表示也遇到了");
        await Expect(similar).Not.ToContainTextAsync("13800138000");
        await Expect(similar).Not.ToContainTextAsync(existing[..4]); // never the tracking code
        var overflow = await Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0), "fits a 360-pixel phone");
        Assert.That(await SeriousViolationsAsync(), Is.Empty);

        // The button names its case for a screen reader.
        await similar.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^我也遇到了（\\+1）\\s?：异味臭气 · 剡湖街道 · 城东路附近") }).ClickAsync();
        await Expect(similar.GetByRole(AriaRole.Status)).ToContainTextAsync("已记录您的支持");
        await Expect(similar.GetByRole(AriaRole.Status)).ToContainTextAsync("无需重复投诉");
        await Expect(similar.GetByRole(AriaRole.Status)).ToBeFocusedAsync();
        await Expect(similar).ToContainTextAsync("1 人也遇到了");
        Assert.Multiple(async () =>
        {
            Assert.That(await SupportCountAsync(existing), Is.EqualTo(1));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(1), "no duplicate was filed");
        });

        // The device follows the case it joined: its progress, with no password, on the tracking page.
        await Page.GotoAsync("/#/track");
        var followed = Page.GetByRole(AriaRole.Region, new() { Name = "我关注的案件" });
        await Expect(followed.GetByTestId("followed-status")).ToHaveTextAsync("待受理");
        await Expect(followed).ToContainTextAsync("异味臭气 · 城东路附近");
        Assert.That(await SeriousViolationsAsync(), Is.Empty);
        await Page.GotoAsync("/");
        await StartReportAsync();

        // The same browser again, after a reload: counted once.
        await Page.ReloadAsync();
        await similar.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^我也遇到了") }).ClickAsync();
        await Expect(similar.GetByRole(AriaRole.Status)).ToContainTextAsync("您已经支持过");
        Assert.That(await SupportCountAsync(existing), Is.EqualTo(1));

        // The section sees how many people have the problem, in its queue and on the case.
        await SignInAsync(Page, "enforcement.staff");
        await Expect(Row(Page, existing).GetByTestId("support-count")).ToHaveTextAsync("1 人附议");
        await Page.GotoAsync($"/#/staff/cases/{existing}");
        await Expect(Page.GetByTestId("support-count")).ToHaveTextAsync("1 人附议");
        await Expect(Page.GetByTestId("support-pattern")).ToHaveTextAsync("来自 1 个网络地址；10 分钟内最多 1 次");
    }

    [Test]
    public async Task A_different_problem_is_still_submitted_and_a_failing_list_never_blocks_the_form()
    {
        await ExistingCaseAsync();
        await Page.RouteAsync("**/api/v1/complaints/similar**", route => route.AbortAsync());
        await StartReportAsync();
        await Page.WaitForTimeoutAsync(1000); // past the debounce: the list was asked for and failed
        await Expect(Page.GetByTestId("similar-cases")).ToHaveCountAsync(0);
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("tracking-code")).ToBeVisibleAsync();
        Assert.That(await CountAsync("complaints"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_conduct_complaint_is_never_shown_similar_cases()
    {
        await ExistingCaseAsync();
        var asked = 0;
        Page.Request += (_, request) => { if (request.Url.Contains("/complaints/similar")) asked++; };
        await StartReportAsync("conduct.inaction");
        await Page.WaitForTimeoutAsync(1000);
        await Expect(Page.GetByTestId("similar-cases")).ToHaveCountAsync(0);
        Assert.That(asked, Is.Zero);
    }

}

using Dapper;
using Feedback.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Feedback.Tests.EndToEnd;

public sealed class CitizenJourneyTests : BrowserTest
{
    private const string Description = "我家楼下的化工厂每天晚上十点以后排放刺鼻废气，窗户关着也能闻到，已经持续一个星期了。";

    private async Task FillComplaintAsync()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("air.odor");
        await Page.GetByLabel("问题描述").FillAsync(Description);
        await Page.GetByLabel("乡镇（街道）").SelectOptionAsync("剡湖街道");
        await Page.GetByLabel("详细地址").FillAsync("城东路 88 号");
    }

    [Test]
    public async Task A_citizen_writes_a_complaint_in_Chinese_gets_a_tracking_code_and_sees_it_awaiting_acceptance()
    {
        await FillComplaintAsync();
        await Page.GetByLabel("手机号码").FillAsync("13800138000");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();

        var trackingCode = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();
        var password = (await Page.GetByTestId("query-password").InnerTextAsync()).Replace(" ", "").Trim();
        Assert.Multiple(() =>
        {
            Assert.That(trackingCode, Does.Match("^[2-9A-HJKMNP-Z]{12}$"));
            Assert.That(password, Does.Match("^[2-9A-HJKMNP-Z]{12}$"));
        });

        await using (var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString))
        {
            var stored = await connection.QuerySingleAsync<(string Description, string Phone)>(
                "select description, contact_phone from complaints where tracking_code = @trackingCode", new { trackingCode });
            Assert.That(stored, Is.EqualTo((Description, "13800138000")));
        }

        await Page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "查询进度" }).ClickAsync();
        await Expect(Page.GetByLabel("查询编号", new() { Exact = true })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(trackingCode[..4]));
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync(password.ToLowerInvariant());
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();

        await Expect(Page.GetByTestId("status")).ToContainTextAsync("待受理");
        await Expect(Page.GetByText("生态环境执法大队").First).ToBeVisibleAsync();
        await Expect(Page.GetByText("已收到您的投诉，等待受理")).ToBeVisibleAsync();
    }

    [Test]
    public async Task A_wrong_password_is_told_plainly()
    {
        await Page.GotoAsync("/#/track");
        await Page.GetByLabel("查询编号", new() { Exact = true }).FillAsync("2345 6789 ABCD");
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync("ABCD EFGH JK23");
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(Page.GetByText("查询编号或查询密码不正确").First).ToBeVisibleAsync();
    }

    [Test]
    public async Task A_half_written_complaint_survives_a_reload()
    {
        await FillComplaintAsync();
        await Page.ReloadAsync();
        await Expect(Page.GetByLabel("问题描述")).ToHaveValueAsync(Description);
        await Expect(Page.GetByLabel("投诉类别")).ToHaveValueAsync("air.odor");
        Assert.That(await CountAsync("complaints"), Is.Zero);
    }

    [Test]
    public async Task A_wrong_phone_number_is_flagged_at_its_field_and_nothing_is_stored()
    {
        await FillComplaintAsync();
        await Page.GetByLabel("手机号码").FillAsync("12345");
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await Expect(Page.GetByLabel("手机号码")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByText("11 位中国大陆手机号码").First).ToBeVisibleAsync();
        Assert.That(await CountAsync("complaints"), Is.Zero);
    }

    [Test]
    public async Task The_form_fits_a_360_pixel_phone_without_sideways_scrolling()
    {
        await FillComplaintAsync();
        var overflow = await Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0));
    }

    [Test]
    public async Task The_client_is_served_with_a_strict_content_security_policy()
    {
        var response = await Page.GotoAsync("/");
        var csp = await response!.HeaderValueAsync("content-security-policy");
        Assert.That(csp, Does.Contain("object-src 'none'").And.Contain("frame-ancestors 'none'").And.Contain("script-src 'self'"));
    }
}

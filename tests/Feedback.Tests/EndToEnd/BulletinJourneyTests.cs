using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// The public monthly bulletin on a 360-pixel phone, without signing in: reached from the
/// published cases, a month picked, its tables read, and no serious accessibility problem.
/// (The API keeps a month's figures an hour: this test's months are its own.)
/// </summary>
public sealed class BulletinJourneyTests : BrowserTest
{
    [Test]
    public async Task A_citizen_reads_a_months_bulletin_on_a_phone()
    {
        // November 2025: six air cases in 剡湖街道 (one not accepted as a duplicate); October: two.
        await ExecuteAsync(
            """
            insert into complaints (tracking_code, query_password_hash, category_code, description, township, section_code, status,
                                    submitted_at, accept_by, decided_at, rejection_ground, due_on, updated_at)
            select 'BJ' || translate(lpad(i::text, 10, '0'), '0123456789', '23456789AB'), 'v1$x$y', 'air.odor', '公报测试', '剡湖街道', 'enforcement',
                   case when i = 1 then 'rejected' else 'submitted' end,
                   case when i <= 6 then timestamptz '2025-11-10 10:00+08' else timestamptz '2025-10-10 10:00+08' end + i * interval '1 hour',
                   date '2025-11-12', case when i = 1 then timestamptz '2025-11-11 10:00+08' end, case when i = 1 then 'duplicate' end,
                   date '2025-11-12', now()
            from generate_series(1, 8) i
            """);

        await Page.GotoAsync("/#/cases");
        await Page.GetByRole(AriaRole.Link, new() { Name = "查看月度公报：每月投诉件数、受理情况和各项比率" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "月度公报" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("bulletin-month")).ToBeVisibleAsync(); // the latest month, by default
        await Expect(Page.GetByRole(AriaRole.Contentinfo).GetByRole(AriaRole.Link, new() { Name = "月度公报" })).ToBeVisibleAsync();

        await Page.GetByLabel("选择月份").SelectOptionAsync("2025-11");
        await Expect(Page.GetByTestId("bulletin-month")).ToHaveTextAsync("2025年11月生态环境投诉办理情况");
        Assert.That(Page.Url, Does.EndWith("#/bulletins/2025-11"));

        var volume = Page.GetByTestId("bulletin-overview").Locator("tr[data-figure='volume'] td");
        await Expect(volume).ToHaveTextAsync(["6", "2", "+4"]);
        await Expect(Page.GetByTestId("bulletin-overview").Locator("tr[data-figure='notAccepted'] td").First).ToHaveTextAsync("1");
        await Expect(Page.GetByTestId("bulletin-townships").GetByRole(AriaRole.Row, new() { Name = "剡湖街道" })).ToContainTextAsync("6");
        await Expect(Page.GetByTestId("bulletin-grounds").GetByRole(AriaRole.Row, new() { Name = "重复投诉" })).ToContainTextAsync("1");
        await Expect(Page.GetByTestId("bulletin-conduct")).ToContainTextAsync("作风问题 0 件");

        Assert.Multiple(async () =>
        {
            Assert.That(await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(360), "no sideways scrolling");
            Assert.That(await Page.GetByTestId("bulletin-overview").EvaluateAsync<bool>("t => t.scrollWidth <= t.parentElement.clientWidth"), Is.True,
                "the key figures fit a phone without scrolling inside their box");
            Assert.That(await SeriousViolationsAsync(), Is.Empty);
            Assert.That(await Page.Locator("main").InnerTextAsync(), Does.Not.Contain("公报测试"), "no case text");
        });

        // English, on the same page.
        await Page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(Page.GetByTestId("bulletin-month")).ToHaveTextAsync("Environmental complaints in November 2025");
        // A month that has not ended: the API's reason (in the reader's language), not a blank page.
        await Page.GotoAsync("/#/bulletins/2099-01");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("has not ended");
    }
}

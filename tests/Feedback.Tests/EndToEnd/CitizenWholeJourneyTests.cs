using Dapper;
using Feedback.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// The whole of a citizen's case on a 360-pixel phone, with the real API, database and client:
/// a guided report with two photos and the category's answer (kept across a reload), handled and
/// resolved by the section through the API, evaluated by the citizen, then reopened on review.
/// </summary>
public sealed class CitizenWholeJourneyTests : StaffConsoleTest
{
    private const string Description = "工地每天夜里十一点以后还在打桩，整栋楼都能感到震动。";

    [Test]
    public async Task Report_with_photos_and_answers_then_result_evaluation_and_review_reopen_the_case()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("noise.construction");
        await Page.GetByLabel("问题描述").FillAsync(Description);
        await Page.GetByLabel("乡镇（街道）").SelectOptionAsync("剡湖街道");
        await Page.GetByLabel("夜间（22 点至次日 6 点）").CheckAsync();
        await Page.GetByTestId("photo-input").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "工地.png", MimeType = "image/png", Buffer = TestImages.Png(64, 48) },
            new FilePayload { Name = "IMG_2041.jpg", MimeType = "image/jpeg", Buffer = TestImages.JpegWithMetadata(80, 40, orientation: 1) },
        });
        var uploaded = Page.GetByTestId("photo-item").Filter(new() { HasText = "已上传" });
        await Expect(uploaded).ToHaveCountAsync(2);

        // Nothing typed is lost: the draft, answers and photos come back after a reload.
        await Page.ReloadAsync();
        await Expect(Page.GetByLabel("问题描述")).ToHaveValueAsync(Description);
        await Expect(Page.GetByLabel("夜间（22 点至次日 6 点）")).ToBeCheckedAsync();
        await Expect(uploaded).ToHaveCountAsync(2);

        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var code = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();
        var password = (await Page.GetByTestId("query-password").InnerTextAsync()).Replace(" ", "").Trim();

        // The section handles it through the staff API.
        using (var clerk = await StaffAsync("enforcement.staff"))
        {
            await ActOkAsync(clerk, code, "accept");
            await ActOkAsync(clerk, code, "resolve", new { result = "已责令工地夜间停止打桩，并将夜间施工纳入巡查。" });
        }

        await Page.GotoAsync($"/#/track?code={code}");
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("status")).ToContainTextAsync("已办结");
        await Expect(Page.GetByTestId("case-photos").Locator("img")).ToHaveCountAsync(2);
        // The result stands above the forms that ask to judge it, and the citizen's own report is at hand.
        await Expect(Page.GetByTestId("outcome")).ToContainTextAsync("已责令工地夜间停止打桩，并将夜间施工纳入巡查。");
        Assert.That(await Page.EvaluateAsync<bool>(
            "document.querySelector('[data-testid=outcome]').compareDocumentPosition(document.querySelector('#ev-title')) & Node.DOCUMENT_POSITION_FOLLOWING"),
            Is.True, "the result comes before the evaluation form");
        await Page.GetByTestId("reported").Locator("summary").ClickAsync();
        await Expect(Page.GetByTestId("reported")).ToContainTextAsync(Description);

        await Page.GetByRole(AriaRole.Group, new() { Name = "您反映的问题解决了吗？" }).GetByLabel("未解决", new() { Exact = true }).CheckAsync();
        await Page.GetByRole(AriaRole.Group, new() { Name = "您对办理结果满意吗？" }).GetByLabel("不满意", new() { Exact = true }).CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交评价", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("status")).ToContainTextAsync("已关闭");

        await Page.GetByLabel("复查理由").FillAsync("昨夜十二点还在打桩，请再查一次。");
        await Page.GetByRole(AriaRole.Button, new() { Name = "申请复查", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("status")).ToContainTextAsync("办理中");
        await Expect(Page.GetByTestId("review-flag")).ToBeVisibleAsync();
        Assert.That(await Page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(360), "no sideways scrolling");

        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var stored = await connection.QuerySingleAsync<(string Status, string Answers, string Township, string Solved, string Satisfaction, bool Review, long Photos)>(
            """
            select c.status, c.answers::text, c.township, c.evaluation_solved, c.evaluation_satisfaction,
                   c.review_requested_at is not null, (select count(*) from photos p where p.complaint_id = c.id)
            from complaints c where c.tracking_code = @code
            """, new { code });
        Assert.That(stored, Is.EqualTo(("in_progress", """{"when": "night"}""", "剡湖街道", "no", "dissatisfied", true, 2L)));
    }
}

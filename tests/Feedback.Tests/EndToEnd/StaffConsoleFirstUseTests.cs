using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Feedback.Api.Features.Categories;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// What a first-time clerk meets on a phone: a header with room around it, the case's actions
/// before the case, the township filter as the township list, and the English console saying
/// which township names are official.
/// </summary>
public sealed class StaffConsoleFirstUseTests : StaffConsoleTest
{
    [Test]
    public async Task On_a_phone_the_header_has_its_padding_and_the_cases_actions_come_before_the_case()
    {
        var (code, _) = await FileAsync("air.odor", "化工厂夜里排放刺鼻废气，附近居民睡不着。");
        await SignInAsync(Page, "enforcement.staff");
        var header = (await Page.Locator("header.staff-header").BoundingBoxAsync())!;
        var brand = (await Page.Locator("header .brand").BoundingBoxAsync())!;
        Assert.That(brand.Y - header.Y, Is.GreaterThanOrEqualTo(6), "the logo does not touch the top edge");

        await Page.GotoAsync($"/#/staff/cases/{code}");
        var accept = Page.GetByRole(AriaRole.Button, new() { Name = "受理此案件" });
        await Expect(accept).ToBeVisibleAsync();
        var actions = (await Page.Locator(".case-actions").BoundingBoxAsync())!;
        var details = (await Page.Locator(".case-details").BoundingBoxAsync())!;
        Assert.That(actions.Y, Is.LessThan(details.Y), "on a phone the actions come before the case's details");
        Assert.That((await accept.BoundingBoxAsync())!.Y, Is.LessThan(740), "the first action is on the first screen");
        await ScreenshotAsync("console-case-390");

        await Page.SetViewportSizeAsync(1280, 800);
        actions = (await Page.Locator(".case-actions").BoundingBoxAsync())!;
        details = (await Page.Locator(".case-details").BoundingBoxAsync())!;
        Assert.That(actions.X, Is.GreaterThan(details.X + details.Width - 1), "on a laptop the actions stay beside the case");
        await ScreenshotAsync("console-case-1280");
    }

    [Test]
    public async Task The_township_filter_is_the_township_list_and_English_readers_see_which_names_are_official()
    {
        var (code, _) = await FileAsync("air.odor", "剡湖街道的化工厂排放刺鼻废气。");
        await SignInAsync(Page, "enforcement.staff");
        await Page.Locator(".queue-filters summary, details.filters summary").First.ClickAsync();
        var township = Page.GetByLabel("乡镇（街道）", new() { Exact = true });
        Assert.That(await township.EvaluateAsync<string>("e => e.tagName"), Is.EqualTo("SELECT"));
        await township.SelectOptionAsync("甘霖镇");
        await Page.GetByRole(AriaRole.Button, new() { Name = "应用筛选" }).ClickAsync();
        await Expect(Row(Page, code)).ToHaveCountAsync(0);
        await Page.GetByLabel("乡镇（街道）", new() { Exact = true }).SelectOptionAsync("剡湖街道");
        await Page.GetByRole(AriaRole.Button, new() { Name = "应用筛选" }).ClickAsync();
        await Expect(Row(Page, code)).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        var official = Row(Page, code).Locator(".township-name");
        await Expect(official).ToContainTextAsync(new Regex(@"Shanhu.*\(official name 剡湖街道\)"));
        await Expect(official.Locator("[lang=zh-CN]")).ToHaveAttributeAsync("title", new Regex("official Chinese name"));
        await Expect(Page.GetByText("Townships are official Chinese names")).ToBeVisibleAsync();
        await ScreenshotAsync("console-queue-en-390");
        Assert.That(await SeriousViolationsAsync(), Is.Empty);
    }

    private async Task ScreenshotAsync(string name)
    {
        var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{name}.png");
        await Page.ScreenshotAsync(new() { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file);
    }
}

/// <summary>
/// An administrator's first visit: question labels rather than keys, codes made for them, a
/// category's name and deadlines editable end to end, the township list and default sections on
/// the routing rules, and light remove links on the calendar.
/// </summary>
public sealed class AdminConsoleFirstUseTests : StaffConsoleTest
{
    protected override bool Laptop => true;

    [TearDown]
    public async Task RestoreSuggestionAsync()
    {
        await ExecuteAsync(
            "update categories set name_zh = '意见建议', name_en = 'Suggestion', accept_within_days = 2, resolve_within_days = 15, questions = '[]' where code = 'suggestion'");
        await App.Services.GetRequiredService<CategoryCatalog>().ReloadAfterEditAsync();
    }

    [Test]
    public async Task An_administrator_renames_a_category_changes_its_deadlines_and_adds_a_question_without_inventing_codes()
    {
        await SignInAsync(Page, "admin");
        await Page.GetByRole(AriaRole.Link, new() { Name = "类别指引" }).ClickAsync();
        var list = Page.GetByTestId("category-guidance");
        await Expect(list).ToContainTextAsync("噪声出现在什么时间？");
        await Expect(list.Locator("td")).Not.ToContainTextAsync(["when"]);
        await Expect(list.Locator("tr", new() { HasText = "意见建议" })).ToContainTextAsync("受理 2 / 办结 15 个工作日");

        await Page.GetByRole(AriaRole.Button, new() { Name = "编辑：意见建议" }).ClickAsync();
        await Expect(Page.GetByLabel("问题代码")).ToHaveCountAsync(0);
        await Page.GetByLabel("类别名称（中文）").FillAsync("意见和建议");
        await Page.GetByLabel("类别名称（英文）").FillAsync("Ideas and suggestions");
        await Page.GetByLabel("受理期限（工作日）").FillAsync("61");
        await Page.GetByLabel("办结期限（工作日）").FillAsync("61");
        await Page.GetByRole(AriaRole.Button, new() { Name = "添加问题" }).ClickAsync();
        await Page.GetByLabel("题型").SelectOptionAsync("choice");
        await Page.GetByLabel("问题（中文）").FillAsync("建议涉及哪方面？");
        await Page.GetByLabel("问题（英文）").FillAsync("What is it about?");
        await Page.GetByLabel("中文", new() { Exact = true }).Nth(0).FillAsync("执法");
        await Page.GetByLabel("英文", new() { Exact = true }).Nth(0).FillAsync("Enforcement");
        await Page.GetByLabel("中文", new() { Exact = true }).Nth(1).FillAsync("宣传");
        await Page.GetByLabel("英文", new() { Exact = true }).Nth(1).FillAsync("");
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存", Exact = true }).ClickAsync();
        // Beyond the legal limits: told field by field, nothing saved.
        await Expect(Page.GetByText("受理期限须为 1–15 个工作日").First).ToBeVisibleAsync();
        await Expect(Page.GetByText("办结期限须为 1–60 个工作日（法定上限）").First).ToBeVisibleAsync();
        await ScreenshotAsync("admin-category-errors-1280");

        await Page.GetByLabel("受理期限（工作日）").FillAsync("3");
        await Page.GetByLabel("办结期限（工作日）").FillAsync("20");
        await Page.GetByLabel("英文", new() { Exact = true }).Nth(1).FillAsync("Publicity");
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("已保存类别“意见和建议”");
        await Expect(list.Locator("tr", new() { HasText = "意见和建议" })).ToContainTextAsync("受理 3 / 办结 20 个工作日");
        await Expect(list.Locator("tr", new() { HasText = "意见和建议" })).ToContainTextAsync("建议涉及哪方面？");
        await Expect(list.Locator("tr", new() { HasText = "意见和建议" })).ToContainTextAsync("办公室");
        await ScreenshotAsync("admin-categories-1280");

        // The citizens' list has the new name, deadlines and question, with codes valid for the API.
        var offered = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/categories"))!.Single(c => (string?)c!["code"] == "suggestion")!;
        var question = offered["questions"]![0]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)offered["name"], Is.EqualTo("意见和建议"));
            Assert.That((int?)offered["acceptWithinDays"], Is.EqualTo(3));
            Assert.That((int?)offered["resolveWithinDays"], Is.EqualTo(20));
            Assert.That((string?)question["key"], Is.EqualTo("what_is_it_about"));
            Assert.That(question["options"]!.AsArray().Select(o => (string?)o!["value"]), Is.EqualTo(new[] { "enforcement", "publicity" }));
        });
        var filed = await SubmitAsync(new { categoryCode = "suggestion", description = "建议公开执法结果。", answers = new { what_is_it_about = "publicity" } });
        Assert.That((string?)filed["trackingCode"], Is.Not.Null);
    }

    [Test]
    public async Task Routing_rules_take_the_township_from_the_list_and_show_default_sections_and_the_calendar_removes_quietly()
    {
        await SignInAsync(Page, "admin");
        await Page.GetByRole(AriaRole.Link, new() { Name = "分派规则" }).ClickAsync();
        var defaults = Page.GetByTestId("default-sections");
        await Expect(defaults.Locator("tr", new() { HasText = "机动车尾气" })).ToContainTextAsync("污染防治科");
        await Page.GetByRole(AriaRole.Button, new() { Name = "新建规则" }).ClickAsync();
        var township = Page.GetByLabel("乡镇（街道）", new() { Exact = true });
        Assert.That(await township.EvaluateAsync<string>("e => e.tagName"), Is.EqualTo("SELECT"));
        await Page.GetByLabel("规则名称").FillAsync("甘霖镇归监测站");
        await Page.GetByLabel("分到科室").SelectOptionAsync("monitoring");
        await township.SelectOptionAsync("甘霖镇");
        await Page.GetByRole(AriaRole.Button, new() { Name = "保存规则" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("甘霖镇归监测站");
        await ScreenshotAsync("admin-rules-1280");
        var filed = await SubmitAsync(new { categoryCode = "air.odor", description = "甘霖镇的工厂排放异味。", township = "甘霖镇" });
        Assert.That((string)filed["sectionCode"]!, Is.EqualTo("monitoring"));
        await ExecuteAsync("delete from routing_rules where name = '甘霖镇归监测站'");
        await App.Services.GetRequiredService<CategoryCatalog>().ReloadAfterEditAsync();

        await Page.GetByRole(AriaRole.Link, new() { Name = "工作日历" }).ClickAsync();
        var remove = Page.GetByTestId("calendar").Locator(".calendar-day button").First;
        await Expect(remove).ToHaveClassAsync(new Regex(@"\blink-button\b"));
        await Expect(remove).Not.ToHaveClassAsync(new Regex(@"\bdanger\b"));
        await Expect(remove).ToHaveAttributeAsync("aria-label", new Regex("^删除：.+"));
        await ScreenshotAsync("admin-calendar-1280");
        Assert.That(await SeriousViolationsAsync(), Is.Empty);
    }

    private async Task ScreenshotAsync(string name)
    {
        var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{name}.png");
        await Page.ScreenshotAsync(new() { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file);
    }
}

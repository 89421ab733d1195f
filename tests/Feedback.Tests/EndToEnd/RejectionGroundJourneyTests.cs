using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>Rejecting in the console on a phone: the ground is chosen from the list, and the form says so when it is missing.</summary>
public sealed class RejectionGroundJourneyTests : StaffConsoleTest
{
    [Test]
    public async Task A_clerk_must_choose_a_ground_to_reject_and_the_case_keeps_it()
    {
        var (code, _) = await FileAsync("air.odor", "小区门口的垃圾桶太少，希望增加几个。");
        await SignInAsync(Page, "enforcement.staff");
        await Page.GotoAsync($"/#/staff/cases/{code}");

        await Page.GetByRole(AriaRole.Button, new() { Name = "不予受理", Exact = true }).ClickAsync();
        var ground = Page.GetByLabel("不予受理的理由类别", new() { Exact = true });
        await Expect(ground).ToBeFocusedAsync();
        await Page.GetByLabel("不予受理的理由（群众可见）", new() { Exact = true }).FillAsync("垃圾桶设置属于环卫部门职责");
        await Page.GetByLabel("建议的办理途径（群众可见）", new() { Exact = true }).FillAsync("请向市环境卫生管理处反映");
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认不予受理", Exact = true }).ClickAsync();
        await Expect(ground).ToBeFocusedAsync();
        await Expect(ground).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.That(await CountAsync("complaints where status = 'rejected'"), Is.Zero, "nothing sent without a ground");

        await ground.SelectOptionAsync(new SelectOptionValue { Label = "不属于本局职责范围" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "确认不予受理", Exact = true }).ClickAsync();
        await Expect(Page.Locator("[data-type='rejected']")).ToContainTextAsync("不属于本局职责范围");
        Assert.That(await CountAsync($"complaints where tracking_code = '{code}' and rejection_ground = 'outside_remit'"), Is.EqualTo(1));
        Assert.That(await SeriousViolationsAsync(), Is.Empty);
    }
}

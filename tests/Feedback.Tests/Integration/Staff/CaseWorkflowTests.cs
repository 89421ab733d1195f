using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Staff;

/// <summary>The case workflow over real HTTP: each step as the citizen and the section see it.</summary>
public sealed class CaseWorkflowTests : IntegrationTest
{
    [Test]
    public async Task A_clerk_accepts_replies_and_resolves_and_the_citizen_sees_each_public_step()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        var password = (string)submitted["queryPassword"]!;
        using var clerk = await StaffAsync("enforcement.staff");

        var (before, _) = await GetCaseAsync(clerk, code);
        Assert.Multiple(() =>
        {
            Assert.That((string)before["status"]!, Is.EqualTo("submitted"));
            Assert.That((string)before["contact"]!["phone"]!, Is.EqualTo("13800138000"), "the handling section sees the contact");
            Assert.That(before["availableActions"]!.AsArray().Select(a => (string)a!), Is.EquivalentTo(new[] { "accept", "reject", "note", "reply" }));
        });

        var accepted = await ActOkAsync(clerk, code, "accept");
        Assert.That((string)accepted["status"]!, Is.EqualTo("accepted"));
        var replied = await ActOkAsync(clerk, code, "replies", new { text = "已安排执法人员今晚到现场检查。" });
        Assert.That((string)replied["status"]!, Is.EqualTo("in_progress"), "the first reply after acceptance starts the work");
        await ActOkAsync(clerk, code, "notes", new { text = "企业负责人电话 0575-1234567，内部备注" });
        var resolved = await ActOkAsync(clerk, code, "resolve", new { result = "经查，该厂废气处理设施未运行，已责令整改并立案处罚。" });
        Assert.That((string)resolved["status"]!, Is.EqualTo("resolved"));

        using var tracked = await TrackAsync(code, password);
        var timeline = (await ReadJsonAsync(tracked))["timeline"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(timeline.Select(e => (string)e!["type"]!), Is.EqualTo(new[] { "submitted", "accepted", "reply", "resolved" }),
                "public events only: no routing decision, no internal note");
            Assert.That((string)timeline[2]!["message"]!, Does.Contain("已安排执法人员今晚到现场检查"));
            Assert.That((string)timeline[3]!["message"]!, Does.Contain("已责令整改"));
            Assert.That(timeline.ToJsonString(), Does.Not.Contain("内部备注"));
        });

        var (after, _) = await GetCaseAsync(clerk, code);
        var staffTimeline = after["timeline"]!.AsArray();
        Assert.That(staffTimeline.Select(e => (string)e!["type"]!),
            Is.EqualTo(new[] { "submitted", "routed", "accepted", "reply", "note", "resolved" }));
        Assert.That((string)staffTimeline[4]!["visibility"]!, Is.EqualTo("internal"));
        Assert.That((string)staffTimeline[4]!["actor"]!["name"]!, Is.EqualTo("生态环境执法大队工作人员"));
    }
}

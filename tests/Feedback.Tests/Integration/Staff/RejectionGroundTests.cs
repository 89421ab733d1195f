using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Staff;

/// <summary>A rejection names its ground from the fixed list (for the public bulletin); without one, or with an unknown one, nothing changes.</summary>
public sealed class RejectionGroundTests : IntegrationTest
{
    private static readonly object[] BadGrounds =
    [
        new object[] { new { reason = "不属于本局职责", referral = "请向交警部门反映" }, "missing" },
        new object[] { new { ground = "not_our_job", reason = "不属于本局职责", referral = "请向交警部门反映" }, "unknown name" },
        new object[] { new { ground = 7, reason = "不属于本局职责", referral = "请向交警部门反映" }, "a number" },
        new object[] { new { ground = (string?)null, reason = "不属于本局职责", referral = "请向交警部门反映" }, "null" },
    ];

    [TestCaseSource(nameof(BadGrounds))]
    public async Task A_rejection_without_a_known_ground_is_a_400_naming_the_field_and_changes_nothing(object body, string what)
    {
        var code = (string)(await SubmitAsync())["trackingCode"]!;
        using var clerk = await StaffAsync("enforcement.staff");
        var (_, etag) = await GetCaseAsync(clerk, code);
        var eventsBefore = await CountAsync("complaint_events");

        using var response = await ActAsync(clerk, code, "reject", etag, body);
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Does.Contain("ground"), what);

        var (after, etagAfter) = await GetCaseAsync(clerk, code);
        var eventsAfter = await CountAsync("complaint_events");
        var grounds = await CountAsync("complaints where rejection_ground is not null");
        Assert.Multiple(() =>
        {
            Assert.That((string)after["status"]!, Is.EqualTo("submitted"));
            Assert.That(etagAfter, Is.EqualTo(etag));
            Assert.That(eventsAfter, Is.EqualTo(eventsBefore));
            Assert.That(grounds, Is.Zero);
        });
    }

    [Test]
    public async Task The_ground_is_stored_with_the_case_and_in_its_timeline()
    {
        var code = (string)(await SubmitAsync())["trackingCode"]!;
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, code, "reject", new { ground = "other_channel", reason = "双方已进入民事诉讼", referral = "请等待法院判决" });

        Assert.That(await CountAsync($"complaints where tracking_code = '{code}' and rejection_ground = 'other_channel'"), Is.EqualTo(1));
        var (rejected, _) = await GetCaseAsync(clerk, code);
        var entry = rejected["timeline"]!.AsArray().Single(e => (string)e!["type"]! == "rejected")!;
        Assert.That((string)entry["data"]!["ground"]!, Is.EqualTo("other_channel"));
    }
}

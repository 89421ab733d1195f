using System.Net;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

public sealed class TrackComplaintTests : IntegrationTest
{
    [Test]
    public async Task The_right_password_shows_status_deadline_and_public_timeline()
    {
        var submitted = await SubmitAsync();
        using var response = await TrackAsync((string)submitted["trackingCode"]!, (string)submitted["queryPassword"]!);
        var body = await ReadJsonAsync(response);
        var timeline = body["timeline"]!.AsArray();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((string?)body["trackingCode"], Is.EqualTo((string?)submitted["trackingCode"]));
            Assert.That((string?)body["status"], Is.EqualTo("submitted"));
            Assert.That((string?)body["categoryCode"], Is.EqualTo("air.odor"));
            Assert.That((string?)body["categoryName"], Is.EqualTo("异味臭气"));
            Assert.That((string?)body["sectionName"], Is.EqualTo("生态环境执法大队"));
            Assert.That((string?)body["acceptBy"], Is.EqualTo((string?)submitted["acceptBy"]));
            Assert.That(DateTimeOffset.Parse((string)body["submittedAt"]!), Is.EqualTo(DateTimeOffset.Parse((string)submitted["submittedAt"]!)));
            Assert.That(timeline, Has.Count.EqualTo(1));
            Assert.That((string?)timeline[0]!["type"], Is.EqualTo("submitted"));
            Assert.That((string?)timeline[0]!["message"], Is.EqualTo("已收到您的投诉，等待受理"));
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        });
    }

    [Test]
    public async Task Never_shows_contact_details_or_the_password_hash()
    {
        var submitted = await SubmitAsync();
        using var response = await TrackAsync((string)submitted["trackingCode"]!, (string)submitted["queryPassword"]!);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Not.Contain("13800138000").And.Not.Contain("wang@example.cn").And.Not.Contain("王女士").And.Not.Contain("v1$"));
    }

    [Test]
    public async Task Codes_and_passwords_may_be_typed_in_lower_case_with_spaces_or_hyphens()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        var password = (string)submitted["queryPassword"]!;
        using var response = await TrackAsync($"{code[..4]}-{code[4..8]}-{code[8..]}".ToLowerInvariant(), $"{password[..6]} {password[6..]}".ToLowerInvariant());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Speaks_English_when_asked()
    {
        var submitted = await SubmitAsync();
        using var english = App.CreateHttpClient("en");
        using var response = await TrackAsync((string)submitted["trackingCode"]!, (string)submitted["queryPassword"]!, english);
        var body = await ReadJsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That((string?)body["sectionName"], Is.EqualTo("Environmental Enforcement Brigade"));
            Assert.That((string?)body["timeline"]![0]!["message"], Is.EqualTo("Complaint received; awaiting a decision to accept it"));
        });
    }

    [Test]
    public async Task Wrong_password_missing_password_and_unknown_code_are_the_same_404()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        var otherPassword = (string)(await SubmitAsync())["queryPassword"]!;

        var problems = new List<string>();
        foreach (var (trackingCode, password) in new (string, string?)[]
                 {
                     (code, otherPassword), (code, null), (code, ""), ("23456789ABCD", (string)submitted["queryPassword"]!),
                     ("not-a-code", otherPassword), (code + "X", otherPassword), ("%27%20or%201%3D1", "' or 1=1 --"),
                 })
        {
            using var response = await TrackAsync(trackingCode, password);
            var problem = await AssertProblemAsync(response, 404);
            problem.Remove("traceId");
            problem.Remove("instance");
            problems.Add(problem.ToJsonString());
        }
        // Byte for byte, apart from the trace id and the path: no member (a count of tries left, say)
        // appears for a code that exists and not for one that does not.
        Assert.That(problems.Distinct().ToList(), Has.Count.EqualTo(1), "nothing tells a guesser which part was wrong");
    }

    [Test]
    public async Task Shows_what_the_citizen_reported_and_the_result_while_it_stands_with_dates_in_words()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, code, "accept");
        using var before = await TrackAsync(code, (string)submitted["queryPassword"]!);
        var open = await ReadJsonAsync(before);
        await ActOkAsync(clerk, code, "resolve", new { result = "已责令该厂停产整改。" });
        using var after = await TrackAsync(code, (string)submitted["queryPassword"]!);
        var resolved = await ReadJsonAsync(after);

        var resolveBy = DateOnly.Parse((string)open["resolveBy"]!);
        Assert.Multiple(() =>
        {
            Assert.That((string?)open["description"], Is.EqualTo("小区东侧化工厂每天夜里排放刺鼻废气，已持续一周。"));
            Assert.That((string?)open["township"], Is.EqualTo("剡湖街道"));
            Assert.That((string?)open["address"], Is.EqualTo("城东路 88 号附近"));
            Assert.That(open["outcome"], Is.Null, "no result yet");
            Assert.That((string?)resolved["outcome"]!["text"], Is.EqualTo("已责令该厂停产整改。"));
            Assert.That(open["timeline"]!.AsArray().Select(e => (string?)e!["message"]),
                Does.Contain($"已受理，将于 {resolveBy.Year}年{resolveBy.Month}月{resolveBy.Day}日 前办结"));
        });
    }
}

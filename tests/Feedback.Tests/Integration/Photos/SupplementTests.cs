using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Photos;

public sealed class SupplementTests : PhotoTest
{
    [Test]
    public async Task Text_and_photos_added_to_an_open_case_reach_staff_and_the_citizens_timeline()
    {
        var first = await UploadOkAsync();
        var (code, password) = await SubmitWithPhotosOkAsync([first]);
        var added = await UploadOkAsync(TestImages.Png(16, 16));

        using var response = await SupplementAsync(code, password, new { text = "  今晚十点又闻到了，比昨天更浓。 ", photoIds = new[] { added } });
        var body = await ReadJsonAsync(response);
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body.ToJsonString());

        using var staff = await StaffAsync("enforcement.staff");
        var (detail, _) = await GetCaseAsync(staff, code);
        var supplement = detail["timeline"]!.AsArray().Single(e => (string?)e!["type"] == "supplement")!;
        using var track = await TrackAsync(code, password);
        var tracked = await ReadJsonAsync(track);
        using var english = App.CreateHttpClient("en");
        using var trackEnglish = await TrackAsync(code, password, english);
        var trackedEnglish = await ReadJsonAsync(trackEnglish);

        Assert.Multiple(() =>
        {
            Assert.That((string?)body["text"], Is.EqualTo("今晚十点又闻到了，比昨天更浓。"));
            Assert.That(body["photos"]!.AsArray(), Has.Count.EqualTo(2));
            Assert.That((string?)supplement["visibility"], Is.EqualTo("public"));
            Assert.That((string?)supplement["actorKind"], Is.EqualTo("citizen"));
            Assert.That((string?)supplement["message"], Is.EqualTo("今晚十点又闻到了，比昨天更浓。"));
            Assert.That(supplement["data"]!["photoIds"]!.AsArray().Select(p => (string?)p), Is.EqualTo(new[] { added.ToString() }));
            Assert.That(detail["photos"]!.AsArray(), Has.Count.EqualTo(2));
            Assert.That(tracked["photos"]!.AsArray(), Has.Count.EqualTo(2));
            Assert.That((string?)tracked["timeline"]!.AsArray().Last()!["message"], Is.EqualTo("您补充了材料：今晚十点又闻到了，比昨天更浓。（照片 1 张）"));
            Assert.That((string?)trackedEnglish["timeline"]!.AsArray().Last()!["message"], Does.StartWith("You added information:").And.EndWith("(1 photo)"));
        });
    }

    [Test]
    public async Task Photos_alone_are_enough_and_can_be_added_while_in_progress()
    {
        var (code, password) = await SubmitWithPhotosOkAsync([]);
        using var staff = await StaffAsync("enforcement.staff");
        await ActOkAsync(staff, code, "accept");
        await ActOkAsync(staff, code, "notes", new { text = "现场核查中" }); // accepted → in progress

        var photo = await UploadOkAsync();
        using var response = await SupplementAsync(code, password, new { photoIds = new[] { photo } });
        Assert.That((int)response.StatusCode, Is.EqualTo(201), await response.Content.ReadAsStringAsync());
        Assert.That(await TrackedPhotosAsync(Client, code, password), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_resolved_case_takes_no_more_information()
    {
        var (code, password) = await SubmitWithPhotosOkAsync([]);
        using var staff = await StaffAsync("enforcement.staff");
        await ActOkAsync(staff, code, "accept");
        await ActOkAsync(staff, code, "resolve", new { result = "已责令企业整改，废气处理设施已修复。" });
        var photo = await UploadOkAsync();
        var events = await CountAsync("complaint_events");

        using var response = await SupplementAsync(code, password, new { text = "还是有味道", photoIds = new[] { photo } });
        var problem = await AssertProblemAsync(response, 409);
        Assert.Multiple(async () =>
        {
            Assert.That((string?)problem["title"], Does.Contain("已办结"));
            Assert.That(await CountAsync("complaint_events"), Is.EqualTo(events));
            Assert.That(await PhotoRowsAsync(), Is.EqualTo((0L, 1L)));
        });
    }

    [Test]
    public async Task A_rejected_case_takes_no_more_information()
    {
        var (code, password) = await SubmitWithPhotosOkAsync([]);
        using var staff = await StaffAsync("enforcement.staff");
        await ActOkAsync(staff, code, "reject", new { ground = "outside_remit", reason = "不属于本局职责", referral = "请联系住建部门" });
        using var response = await SupplementAsync(code, password, new { text = "补充" });
        await AssertProblemAsync(response, 409);
    }

    private static IEnumerable<TestCaseData> BadBodies()
    {
        yield return new TestCaseData(new { }, "text").SetName("nothing");
        yield return new TestCaseData(new { text = "   \n " }, "text").SetName("white space");
        yield return new TestCaseData(new { text = "", photoIds = Array.Empty<Guid>() }, "text").SetName("empty text and no photos");
        yield return new TestCaseData(new { text = new string('味', 2001) }, "text").SetName("2001 characters");
        yield return new TestCaseData(new { text = "看这里\u202Egnp.exe" }, "text").SetName("bidirectional override");
        yield return new TestCaseData(new { text = "a\u0000b" }, "text").SetName("control character");
        yield return new TestCaseData(new { photoIds = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray() }, "photoIds").SetName("ten photos");
        yield return new TestCaseData(new { photoIds = new[] { Guid.NewGuid() } }, "photoIds").SetName("unknown photo");
    }

    [TestCaseSource(nameof(BadBodies))]
    public async Task Bad_supplements_are_400_on_their_field_and_store_nothing(object body, string field)
    {
        var (code, password) = await SubmitWithPhotosOkAsync([]);
        using var response = await SupplementAsync(code, password, body);
        var problem = await AssertProblemAsync(response, 400);
        Assert.Multiple(async () =>
        {
            Assert.That(problem["errors"]?[field], Is.Not.Null, problem.ToJsonString());
            Assert.That(await CountAsync("complaint_events where type = 'supplement'"), Is.Zero);
        });
    }

    [Test]
    public async Task Another_devices_photo_is_refused_and_nothing_is_stored()
    {
        var (code, password) = await SubmitWithPhotosOkAsync([]);
        var theirs = await UploadOkAsync(device: OtherDevice);
        using var response = await SupplementAsync(code, password, new { text = "补充", photoIds = new[] { theirs } });
        var problem = await AssertProblemAsync(response, 400);
        Assert.Multiple(async () =>
        {
            Assert.That(problem["errors"]?["photoIds"], Is.Not.Null);
            Assert.That(await CountAsync("complaint_events where type = 'supplement'"), Is.Zero);
            Assert.That(await PhotoRowsAsync(), Is.EqualTo((0L, 1L)));
        });
    }

    [Test]
    public async Task A_wrong_password_is_the_usual_404()
    {
        var (code, _) = await SubmitWithPhotosOkAsync([]);
        using var wrong = await SupplementAsync(code, "WRONGPASSWD2", new { text = "补充" });
        using var missing = await SupplementAsync(code, null, new { text = "补充" });
        await AssertProblemAsync(wrong, 404);
        await AssertProblemAsync(missing, 404);
        Assert.That(await CountAsync("complaint_events where type = 'supplement'"), Is.Zero);
    }
}

using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Photos;

public sealed class PhotoAttachmentTests : PhotoTest
{
    [Test]
    public async Task A_complaint_takes_the_devices_uploads_and_the_citizen_sees_them_listed()
    {
        var first = await UploadOkAsync(TestImages.Jpeg(40, 20));
        var second = await UploadOkAsync(TestImages.Png(30, 60));
        var (code, password) = await SubmitWithPhotosOkAsync([first, second]);

        var photos = await TrackedPhotosAsync(Client, code, password);
        Assert.Multiple(async () =>
        {
            Assert.That(photos.Select(p => Guid.Parse((string)p!["id"]!)), Is.EquivalentTo(new[] { first, second }));
            Assert.That(photos.Select(p => ((int)p!["width"]!, (int)p["height"]!)), Is.EquivalentTo(new[] { (40, 20), (30, 60) }));
            Assert.That(photos.All(p => DateTimeOffset.TryParse((string?)p!["addedAt"], out _)), Is.True);
            Assert.That(await PhotoRowsAsync(), Is.EqualTo((2L, 0L)));
        });
    }

    private async Task AssertRefusedAsync(IEnumerable<Guid> photoIds, string? device = Device)
    {
        var before = await PhotoRowsAsync();
        var complaints = await CountAsync("complaints");
        using var response = await SubmitWithPhotosAsync(photoIds, device);
        var problem = await AssertProblemAsync(response, 400);
        Assert.Multiple(async () =>
        {
            Assert.That(problem["errors"]?["photoIds"], Is.Not.Null, problem.ToJsonString());
            Assert.That(await CountAsync("complaints"), Is.EqualTo(complaints), "no complaint stored");
            Assert.That(await CountAsync("complaint_events"), Is.EqualTo(complaints * 2), "no event stored");
            Assert.That(await PhotoRowsAsync(), Is.EqualTo(before), "no photo changed hands");
        });
    }

    [Test]
    public async Task More_than_nine_photos_are_refused()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 10; i++) ids.Add(await UploadOkAsync());
        await AssertRefusedAsync(ids);
    }

    [Test]
    public async Task The_same_photo_twice_is_refused()
    {
        var id = await UploadOkAsync();
        await AssertRefusedAsync([id, id]);
    }

    [Test]
    public async Task Another_devices_upload_is_refused_with_the_same_message_as_an_unknown_or_used_one()
    {
        var theirs = await UploadOkAsync(device: OtherDevice);
        var used = await UploadOkAsync();
        await SubmitWithPhotosOkAsync([used]);
        var mine = await UploadOkAsync();

        var messages = new List<string>();
        foreach (var ids in new[] { new[] { mine, theirs }, [mine, used], [mine, Guid.NewGuid()] })
        {
            using var response = await SubmitWithPhotosAsync(ids);
            var problem = await AssertProblemAsync(response, 400);
            messages.Add((string)problem["errors"]!["photoIds"]![0]!);
        }
        Assert.Multiple(async () =>
        {
            Assert.That(messages.Distinct().Count(), Is.EqualTo(1), string.Join(" | ", messages));
            Assert.That(messages[0], Does.Contain("照片"));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(1), "only the first submission");
            Assert.That(await PhotoRowsAsync(), Is.EqualTo((1L, 2L)), "mine and theirs still wait");
        });
    }

    [Test]
    public async Task Photos_without_the_device_token_are_refused()
    {
        var id = await UploadOkAsync();
        await AssertRefusedAsync([id], device: null);
    }

    [Test]
    public async Task An_unknown_photo_is_refused()
    {
        var id = await UploadOkAsync();
        await AssertRefusedAsync([id, Guid.NewGuid()]);
    }

    [Test]
    public async Task A_photo_already_used_is_refused()
    {
        var id = await UploadOkAsync();
        await SubmitWithPhotosOkAsync([id]);
        await AssertRefusedAsync([id]);
    }

    [Test]
    public async Task A_complaint_without_photos_needs_no_device_token()
    {
        var (code, password) = await SubmitWithPhotosOkAsync([], device: Device);
        using var response = await SubmitWithPhotosAsync([], device: null);
        Assert.Multiple(async () =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(201));
            Assert.That(await TrackedPhotosAsync(Client, code, password), Is.Empty);
        });
    }

    [Test, Repeat(5)]
    public async Task Two_submissions_racing_for_one_photo_exactly_one_wins()
    {
        await TestEnvironment.ResetDataAsync();
        var shared = await UploadOkAsync();
        var other = await UploadOkAsync();
        using var a = App.CreateHttpClient();
        using var b = App.CreateHttpClient();
        async Task<int> SendAsync(HttpClient client, Guid[] ids)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = System.Net.Http.Json.JsonContent.Create(ComplaintWith(ids)) };
            request.Headers.Add("X-Device-Token", Device);
            using var response = await client.SendAsync(request);
            return (int)response.StatusCode;
        }
        var statuses = await Task.WhenAll(SendAsync(a, [shared]), SendAsync(b, [other, shared]));
        Assert.Multiple(async () =>
        {
            Assert.That(statuses.Order(), Is.EqualTo(new[] { 201, 400 }));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(1));
            Assert.That(await CountAsync("complaint_events"), Is.EqualTo(2));
            // The loser stored nothing: its other photo is still free.
            Assert.That(await CountAsync("photos where complaint_id is not null"), Is.EqualTo(statuses[0] == 201 ? 1 : 2));
        });
    }
}

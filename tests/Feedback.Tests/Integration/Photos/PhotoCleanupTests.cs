using Feedback.Api.Features.Photos;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration.Photos;

public sealed class PhotoCleanupTests : PhotoTest
{
    private static Task<int> SweepAsync() =>
        App.Services.GetRequiredService<PhotoCleanup>().SweepAsync(CancellationToken.None);

    /// <summary>Makes the upload look <paramref name="hours"/> old.</summary>
    private static Task AgeAsync(Guid id, int hours) =>
        ExecuteAsync($"update photos set uploaded_at = uploaded_at - interval '{hours} hours' where id = '{id}'");

    [Test]
    public async Task Uploads_left_unattached_for_24_hours_are_deleted_with_their_bytes()
    {
        var stale = await UploadOkAsync();
        var fresh = await UploadOkAsync();
        var attached = await UploadOkAsync();
        await SubmitWithPhotosOkAsync([attached]);
        await AgeAsync(stale, 25);
        await AgeAsync(attached, 25);
        await AgeAsync(fresh, 23);

        var swept = await SweepAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(swept, Is.EqualTo(1));
            Assert.That(await CountAsync($"photos where id = '{stale}'"), Is.Zero);
            Assert.That(await CountAsync($"photo_contents where photo_id = '{stale}'"), Is.Zero, "the stale upload's bytes are gone");
            Assert.That(await CountAsync("photos"), Is.EqualTo(2), "the fresh and the attached stay");
            Assert.That(await StoredContentCountAsync(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_deleted_upload_can_no_longer_be_attached()
    {
        var stale = await UploadOkAsync();
        await AgeAsync(stale, 25);
        await SweepAsync();
        using var response = await SubmitWithPhotosAsync([stale]);
        await AssertProblemAsync(response, 400);
    }
}

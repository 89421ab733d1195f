using Feedback.Api.Features.Photos;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration.Photos;

public sealed class PhotoCleanupTests : PhotoTest
{
    private static Task<PhotoCleanup.Swept> SweepAsync() =>
        App.Services.GetRequiredService<PhotoCleanup>().SweepAsync(CancellationToken.None);

    private static string FileOf(Guid id) => Directory.GetFiles(App.UploadsDirectory, $"{id:N}.*", SearchOption.AllDirectories).Single();

    /// <summary>Makes the upload (row and file) look <paramref name="hours"/> old.</summary>
    private static async Task AgeAsync(Guid id, int hours)
    {
        await ExecuteAsync($"update photos set uploaded_at = uploaded_at - interval '{hours} hours' where id = '{id}'");
        File.SetLastWriteTimeUtc(FileOf(id), DateTime.UtcNow.AddHours(-hours));
    }

    [Test]
    public async Task Uploads_left_unattached_for_24_hours_are_deleted_row_and_file()
    {
        var stale = await UploadOkAsync();
        var fresh = await UploadOkAsync();
        var attached = await UploadOkAsync();
        await SubmitWithPhotosOkAsync([attached]);
        await AgeAsync(stale, 25);
        await AgeAsync(attached, 25);
        await AgeAsync(fresh, 23);
        var staleFile = FileOf(stale);

        var swept = await SweepAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(swept, Is.EqualTo(new PhotoCleanup.Swept(1, 0)));
            Assert.That(File.Exists(staleFile), Is.False, "the stale upload's file is gone");
            Assert.That(await CountAsync($"photos where id = '{stale}'"), Is.Zero);
            Assert.That(await CountAsync("photos"), Is.EqualTo(2), "the fresh and the attached stay");
            Assert.That(FileCount(), Is.EqualTo(2));
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

    [Test]
    public async Task Files_without_a_row_are_deleted_once_older_than_24_hours()
    {
        var kept = await UploadOkAsync();
        await AgeAsync(kept, 25);
        await SubmitWithPhotosOkAsync([kept]);
        var folder = Path.Combine(App.UploadsDirectory, "2026", "01");
        Directory.CreateDirectory(folder);
        var oldStray = Path.Combine(folder, "0123456789abcdef0123456789abcdef.jpg");
        var partial = Path.Combine(folder, "fedcba9876543210fedcba9876543210.jpg.partial");
        var newStray = Path.Combine(folder, "00000000000000000000000000000000.jpg");
        foreach (var path in new[] { oldStray, partial, newStray }) await File.WriteAllBytesAsync(path, TestImages.Jpeg());
        File.SetLastWriteTimeUtc(oldStray, DateTime.UtcNow.AddHours(-25));
        File.SetLastWriteTimeUtc(partial, DateTime.UtcNow.AddDays(-3));

        var swept = await SweepAsync();

        Assert.Multiple(() =>
        {
            Assert.That(swept, Is.EqualTo(new PhotoCleanup.Swept(0, 2)));
            Assert.That(File.Exists(oldStray), Is.False);
            Assert.That(File.Exists(partial), Is.False);
            Assert.That(File.Exists(newStray), Is.True, "a file written moments ago may be an upload whose row is being committed");
            Assert.That(File.Exists(FileOf(kept)), Is.True, "an old file with its row stays");
        });
    }
}

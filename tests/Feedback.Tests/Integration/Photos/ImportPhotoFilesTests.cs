using Feedback.Api.Features.Photos;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feedback.Tests.Integration.Photos;

/// <summary>The verb that reads photos an older version kept as files into the database.</summary>
public sealed class ImportPhotoFilesTests : PhotoTest
{
    private static Task AddFilePhotoAsync(Guid id, string blobName) => ExecuteAsync(
        $"""
        insert into photos (id, device_hash, blob_name, content_type, byte_size, width, height, uploaded_at)
        values ('{id}', sha256('device'::bytea), '{blobName}', 'image/jpeg', 100, 40, 20, now())
        """);

    [Test]
    public async Task Files_are_read_in_once_and_a_missing_file_is_named()
    {
        var folder = Directory.CreateTempSubdirectory("feedback-import-").FullName;
        try
        {
            var kept = Guid.NewGuid();
            var lost = Guid.NewGuid();
            var bytes = TestImages.Jpeg();
            Directory.CreateDirectory(Path.Combine(folder, "2026", "11"));
            await File.WriteAllBytesAsync(Path.Combine(folder, "2026", "11", $"{kept:N}.jpg"), bytes);
            await AddFilePhotoAsync(kept, $"2026/11/{kept:N}.jpg");
            await AddFilePhotoAsync(lost, $"2026/11/{lost:N}.jpg");
            var dataSource = App.Services.GetRequiredService<NpgsqlDataSource>();

            using var output = new StringWriter();
            var exitCode = await ImportPhotoFiles.RunAsync(dataSource, folder, output);
            using var again = new StringWriter();
            await ImportPhotoFiles.RunAsync(dataSource, folder, again);

            Assert.Multiple(async () =>
            {
                Assert.That(exitCode, Is.EqualTo(1), "a missing file is a failure to look at");
                Assert.That(output.ToString(), Does.Contain($"missing: 2026/11/{lost:N}.jpg").And.Contain("1 photos imported, 1 files missing."));
                Assert.That(await StoredBytesAsync(kept), Is.EqualTo(bytes));
                Assert.That(await CountAsync($"photos where id = '{kept}' and blob_name is null"), Is.EqualTo(1));
                Assert.That(again.ToString(), Does.Contain("0 photos imported, 1 files missing."), "what was imported is not read again");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

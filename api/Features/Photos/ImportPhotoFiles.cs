using Dapper;
using Npgsql;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// The verb "import-photos &lt;folder&gt;": photos stored as files before the database kept their
/// bytes are read from the folder they were kept in (formerly FEEDBACK_UPLOADS_DIR) into
/// photo_contents, one transaction per photo, so an interrupted import resumes where it stopped.
/// A photo whose file is missing is named and left as it is.
/// </summary>
public static class ImportPhotoFiles
{
    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, string folder, TextWriter output)
    {
        var root = Path.GetFullPath(folder);
        await using var connection = await dataSource.OpenConnectionAsync();
        var waiting = (await connection.QueryAsync<(Guid Id, string BlobName)>(
            "select id, blob_name from photos p where blob_name is not null and not exists (select from photo_contents c where c.photo_id = p.id)")).ToList();
        int imported = 0, missing = 0;
        foreach (var (id, blobName) in waiting)
        {
            var path = Path.GetFullPath(Path.Combine(root, blobName));
            if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
            {
                await output.WriteLineAsync($"missing: {blobName}");
                missing++;
                continue;
            }
            await using var transaction = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync(
                "insert into photo_contents (photo_id, content) values (@id, @content)",
                new { id, content = await File.ReadAllBytesAsync(path) }, transaction);
            await connection.ExecuteAsync("update photos set blob_name = null where id = @id", new { id }, transaction);
            await transaction.CommitAsync();
            imported++;
        }
        await output.WriteLineAsync($"{imported} photos imported, {missing} files missing.");
        return missing == 0 ? 0 : 1;
    }
}

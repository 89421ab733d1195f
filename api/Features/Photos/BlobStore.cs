using Feedback.Api.Infrastructure;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// Where photo files live, by a name the service generated ("2026/11/3f2a….jpg"). The file system
/// now; an S3-compatible object store when several API instances run (BRIEF §4).
/// </summary>
public interface IBlobStore
{
    Task WriteAsync(string name, byte[] content, CancellationToken cancellationToken);

    /// <summary>The file, or null when it is gone.</summary>
    Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Removes the file; a missing one is not an error.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>Files last written before <paramref name="before"/>, for the sweep of files whose row was never committed.</summary>
    IAsyncEnumerable<string> ListOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>
/// Blobs as files under FEEDBACK_UPLOADS_DIR, a folder no web server serves. Names are checked to
/// stay inside it; a file is written under a temporary name and moved into place, so a reader
/// never sees half a photo.
/// </summary>
public sealed class FileSystemBlobStore(FeedbackOptions options) : IBlobStore
{
    private readonly string _root = Path.GetFullPath(options.UploadsDirectory);

    public async Task WriteAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: false);
    }

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(name), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(name));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListOlderThanAsync(DateTimeOffset before, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root)) yield break;
        foreach (var path in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (File.GetLastWriteTimeUtc(path) >= before.UtcDateTime) continue;
            yield return Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');
        }
        await Task.CompletedTask;
    }

    private string PathOf(string name)
    {
        var path = Path.GetFullPath(Path.Combine(_root, name));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("A blob name must stay inside the uploads folder.", nameof(name));
        return path;
    }
}

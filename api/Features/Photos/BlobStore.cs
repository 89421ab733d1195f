using System.Runtime.InteropServices;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// Where photo files live, by a name the service generated ("2026/11/3f2a….jpg"). The file system
/// now; an S3-compatible object store when several API instances run (BRIEF §4).
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores the file durably before it returns; a store that cannot take it throws <see cref="BlobStoreUnavailable"/> and keeps nothing of it.</summary>
    Task WriteAsync(string name, byte[] content, CancellationToken cancellationToken);

    /// <summary>Whether a file can be written now (for the readiness probe).</summary>
    Task<bool> IsWritableAsync(CancellationToken cancellationToken);

    /// <summary>The file, or null when it is gone.</summary>
    Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Removes the file; a missing one is not an error.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>Files last written before <paramref name="before"/>, for the sweep of files whose row was never committed.</summary>
    IAsyncEnumerable<string> ListOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>The blob store cannot take a file now (disk full, read-only, gone): 503, try again later.</summary>
public static class BlobStoreUnavailable
{
    public static ProblemException Problem() => new(StatusCodes.Status503ServiceUnavailable,
        Lang.Pick("照片暂时无法保存，请稍后再试", "Photos cannot be stored just now; please try again later"),
        Lang.Pick("您填写的内容不会丢失，可以先提交不带照片的投诉，之后再补充照片。",
            "Nothing you typed is lost: you can submit without photos now and add them later."),
        retryAfter: TimeSpan.FromMinutes(1));
}

/// <summary>
/// Blobs as files under FEEDBACK_UPLOADS_DIR, a folder no web server serves. Names are checked to
/// stay inside it. A file is written under a temporary name, flushed to the disk, moved into place
/// and its folder flushed too, so a reader never sees half a photo and an acknowledged photo
/// survives a power cut; a write that fails removes what it wrote.
/// </summary>
public sealed class FileSystemBlobStore(FeedbackOptions options, ILogger<FileSystemBlobStore> logger) : IBlobStore
{
    private readonly string _root = Path.GetFullPath(options.UploadsDirectory);

    public async Task WriteAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        var temporary = path + ".partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                await file.WriteAsync(content, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: false);
            FlushFolder(Path.GetDirectoryName(path)!);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.LogError("Could not store a photo: {Reason}", exception.Message);
            TryDelete(temporary);
            throw BlobStoreUnavailable.Problem();
        }
        catch (OperationCanceledException)
        {
            TryDelete(temporary);
            throw;
        }
    }

    public Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        var probe = Path.Combine(_root, $".ready-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(_root);
            using (var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                file.WriteByte(1);
                file.Flush(flushToDisk: true);
            }
            return Task.FromResult(true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(false);
        }
        finally
        {
            TryDelete(probe);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A read-only or vanished folder keeps nothing to remove.
        }
    }

    /// <summary>fsync of the folder, so the rename that made the photo visible is on the disk too (Linux; elsewhere a no-op).</summary>
    private static void FlushFolder(string folder)
    {
        if (!OperatingSystem.IsLinux()) return;
        var descriptor = Native.open(folder, 0 /* O_RDONLY */);
        if (descriptor < 0) throw new IOException($"Cannot open {folder} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Native.fsync(descriptor) != 0) throw new IOException($"Cannot flush {folder} (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            Native.close(descriptor);
        }
    }

    // .NET opens no folder as a file, so the folder's fsync goes to libc.
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for three plain calls
    private static class Native
    {
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
        internal static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        internal static extern int fsync(int descriptor);

        [DllImport("libc")]
        internal static extern int close(int descriptor);
    }
#pragma warning restore SYSLIB1054

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

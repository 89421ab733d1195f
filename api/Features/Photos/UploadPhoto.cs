using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Time;
using Mediator;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// A citizen uploads one photo before submitting (or supplementing) a case. The photo is checked,
/// stripped of its metadata and re-encoded (<see cref="PhotoProcessing"/>), written to the blob
/// store under a generated name, and recorded as belonging to the device that sent it until a
/// complaint or a supplement takes it; unattached uploads are deleted after 24 hours
/// (<see cref="PhotoCleanup"/>).
/// </summary>
public static class UploadPhoto
{
    /// <param name="DeviceHash">SHA-256 of the X-Device-Token header.</param>
    /// <param name="File">The uploaded bytes, at most <see cref="PhotoProcessing.MaxBytes"/>.</param>
    public sealed record Command(byte[] DeviceHash, byte[] File) : ICommand<Result>;

    /// <param name="UploadId">Send it in photoIds when submitting the complaint or a supplement.</param>
    /// <param name="Width">Pixels, after turning the photo upright and shrinking it to at most 4096 on its longest side.</param>
    /// <param name="ByteSize">Bytes stored, after re-encoding.</param>
    /// <param name="ContentType">image/jpeg, image/png or image/webp: the format the photo came in.</param>
    public sealed record Result(Guid UploadId, int Width, int Height, int ByteSize, string ContentType);

    /// <summary>
    /// Stores a checked photo: the file first, under a generated name, then its row in the command's
    /// transaction (given to <paramref name="complaintId"/> at once, or waiting for a case). A file
    /// whose row fails is removed; one whose row never commits (a crash in between) has no row
    /// pointing at it, and <see cref="PhotoCleanup"/> sweeps it after 24 hours.
    /// </summary>
    public static async Task<(Guid Id, string BlobName)> StoreAsync(WriteTransaction database, IBlobStore blobs, PhotoProcessing.Processed photo,
        byte[] deviceHash, long? complaintId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        // Never the citizen's file name: a generated one, spread over monthly folders.
        var blobName = $"{now:yyyy}/{now:MM}/{id:N}.{photo.Format.Extension()}";
        await blobs.WriteAsync(blobName, photo.Bytes, cancellationToken);
        try
        {
            await database.ExecuteAsync(
                """
                insert into photos (id, device_hash, blob_name, content_type, byte_size, width, height, uploaded_at, complaint_id, attached_at)
                values (@id, @deviceHash, @blobName, @contentType, @byteSize, @width, @height, @now, @complaintId, case when @complaintId is null then null else @now end)
                """,
                new
                {
                    id, deviceHash, blobName, contentType = photo.Format.ContentType(),
                    byteSize = photo.Bytes.Length, width = photo.Width, height = photo.Height, now, complaintId,
                }, cancellationToken);
        }
        catch
        {
            await blobs.DeleteAsync(blobName, CancellationToken.None);
            throw;
        }
        return (id, blobName);
    }

    public sealed class Handler(WriteTransaction database, IBlobStore blobs, BureauClock clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var photo = await PhotoProcessing.ProcessAsync(command.File, cancellationToken);
            var (id, _) = await StoreAsync(database, blobs, photo, command.DeviceHash, complaintId: null, clock.UtcNow, cancellationToken);
            return new Result(id, photo.Width, photo.Height, photo.Bytes.Length, photo.Format.ContentType());
        }
    }
}

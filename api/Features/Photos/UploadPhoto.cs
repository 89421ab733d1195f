using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Time;
using Mediator;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// A citizen uploads one photo before submitting (or supplementing) a case. The photo is checked,
/// stripped of its metadata and re-encoded (<see cref="PhotoProcessing"/>), stored in the database
/// (where every API instance reads it, and backups include it), and recorded as belonging to the device that sent it until a
/// complaint or a supplement takes it; unattached uploads are deleted after 24 hours
/// (<see cref="PhotoCleanup"/>).
/// </summary>
public static class UploadPhoto
{
    /// <param name="DeviceHash">SHA-256 of the X-Device-Token header.</param>
    /// <param name="File">The uploaded bytes, at most <see cref="PhotoProcessing.MaxBytes"/>.</param>
    public sealed record Command(byte[] DeviceHash, byte[] File) : ICommand<Result>;

    /// <param name="UploadId">Send it in photoIds when submitting the complaint or a supplement.</param>
    /// <param name="Width">Pixels, after turning the photo upright and shrinking it to at most 2560 on its longest side.</param>
    /// <param name="ByteSize">Bytes stored, after re-encoding.</param>
    /// <param name="ContentType">image/jpeg, image/png or image/webp: the format the photo came in.</param>
    public sealed record Result(Guid UploadId, int Width, int Height, int ByteSize, string ContentType);

    /// <summary>
    /// Stores a checked photo, row and bytes in one statement of the command's transaction (given to
    /// <paramref name="complaintId"/> at once, or waiting for a case): a photo exists whole or not at all.
    /// </summary>
    public static async Task<Guid> StoreAsync(WriteTransaction database, PhotoProcessing.Processed photo,
        byte[] deviceHash, long? complaintId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        await database.ExecuteAsync(
            """
            with photo as (
                insert into photos (id, device_hash, content_type, byte_size, width, height, uploaded_at, complaint_id, attached_at)
                values (@id, @deviceHash, @contentType, @byteSize, @width, @height, @now, @complaintId, case when @complaintId is null then null else @now end)
                returning id
            )
            insert into photo_contents (photo_id, content) select id, @content from photo
            """,
            new
            {
                id, deviceHash, contentType = photo.Format.ContentType(),
                byteSize = photo.Bytes.Length, width = photo.Width, height = photo.Height, now, complaintId, content = photo.Bytes,
            }, cancellationToken);
        return id;
    }

    public sealed class Handler(WriteTransaction database, BureauClock clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var photo = await PhotoProcessing.ProcessAsync(command.File, cancellationToken);
            var id = await StoreAsync(database, photo, command.DeviceHash, complaintId: null, clock.UtcNow, cancellationToken);
            return new Result(id, photo.Width, photo.Height, photo.Bytes.Length, photo.Format.ContentType());
        }
    }
}

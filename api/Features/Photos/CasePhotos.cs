using System.Text.Json;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Photos;

/// <summary>A photo of a case as listed to the citizen and to staff (the bytes come from the photo routes).</summary>
/// <param name="AddedAt">When it was attached: with the complaint, or with a later supplement.</param>
public sealed record CasePhoto(Guid Id, int Width, int Height, DateTimeOffset AddedAt);

/// <summary>The photos of a case, read in the same statement as the case itself.</summary>
public static class CasePhotoList
{
    /// <summary>A select-list expression for the photos of complaint <c>c</c>, as JSON text.</summary>
    public const string Sql =
        """
        (select coalesce(json_agg(json_build_object('id', p.id, 'width', p.width, 'height', p.height, 'addedAt', p.attached_at)
                                  order by p.attached_at, p.id), '[]')
         from photos p where p.complaint_id = c.id)::text
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<CasePhoto> Parse(string json) =>
        JsonSerializer.Deserialize<List<CasePhoto>>(json, Json)!.Select(p => p with { AddedAt = p.AddedAt.ToUniversalTime() }).ToList();
}

/// <summary>The bytes of one photo and what to say about them.</summary>
public sealed record PhotoFile(Guid Id, string ContentType, byte[] Content)
{
    /// <summary>
    /// The bytes with their stored type, never sniffed by the browser, shown inline under a name we
    /// made, and kept in no cache (they are evidence behind a password or a sign-in).
    /// </summary>
    public FileContentHttpResult Serve(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "private, no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentDisposition = $"inline; filename=\"photo-{Id:N}.{ImageFormats.FromContentType(ContentType).Extension()}\"";
        return TypedResults.File(Content, ContentType);
    }
}

/// <summary>The citizen fetches a photo of their case with the tracking code and query password.</summary>
public static class GetCitizenPhoto
{
    public sealed record Query(string TrackingCode, string? QueryPassword, Guid PhotoId) : IQuery<PhotoFile>;

    public sealed class Handler(CitizenAccess access, PhotoReader photos) : IQueryHandler<Query, PhotoFile>
    {
        public async ValueTask<PhotoFile> Handle(Query query, CancellationToken cancellationToken)
        {
            var complaintId = await access.VerifyAsync(query.TrackingCode, query.QueryPassword, cancellationToken);
            return await photos.ReadAsync(complaintId, query.PhotoId, cancellationToken);
        }
    }
}

/// <summary>Reads a photo of a given case; a photo of another case (or none) is a 404.</summary>
public sealed class PhotoReader(ReadDatabase database)
{
    private sealed record Row(string ContentType, byte[] Content);

    public async Task<PhotoFile> ReadAsync(long complaintId, Guid photoId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var photo = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            select p.content_type, c.content from photos p join photo_contents c on c.photo_id = p.id
            where p.id = @photoId and p.complaint_id = @complaintId
            """,
            new { photoId, complaintId }, cancellationToken: cancellationToken));
        return photo is null ? throw NotFound() : new PhotoFile(photoId, photo.ContentType, photo.Content);
    }

    public static ProblemException NotFound() =>
        new(StatusCodes.Status404NotFound, Lang.Pick("没有这张照片", "No such photo"));
}

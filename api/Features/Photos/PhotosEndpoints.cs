using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Feedback.Api.Features.Photos;

public static class PhotosEndpoints
{
    /// <summary>The services of the photo routes and their cleanup (run by Housekeeping).</summary>
    public static IServiceCollection AddPhotos(this IServiceCollection services)
    {
        NativeHeap.ReturnLargeBlocksWhenFreed();
        services.AddScoped<PhotoAttachments>();
        services.AddScoped<PhotoReader>();
        services.AddSingleton<PhotoCleanup>();
        return services;
    }

    /// <summary>The upload's body, for the OpenAPI document (the endpoint reads the multipart stream itself).</summary>
    /// <param name="File">The photo: JPEG, PNG or WebP, at most 10 MB. Any part name is accepted.</param>
    public sealed record UploadForm(IFormFile File);

    public static void MapPhotosEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/uploads", UploadAsync)
            .WithTags("Photos")
            .WithName("UploadPhoto")
            .SpendsFrom(RateLimiting.AnonymousWrites)
            .WithSummary("Upload one photo (JPEG, PNG or WebP, at most 10 MB)")
            .WithDescription($"multipart/form-data with exactly one file part; the {DeviceToken.Header} header ties the upload to the device. "
                + "The type is recognised by the file's bytes. The photo is turned upright, shrunk to at most 2560 pixels on its longest side "
                + "and re-encoded without any metadata (EXIF, GPS, XMP, comments). Send its uploadId in photoIds within 24 hours; "
                + "unattached uploads are deleted after that.")
            .Accepts<UploadForm>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var complaints = routes.MapGroup("/api/v1/complaints/{trackingCode}").WithTags("Complaints");
        complaints.MapGet("/photos/{photoId:guid}", GetCitizenPhotoAsync)
            .WithName("GetComplaintPhoto")
            .WithSummary("A photo of the case, for the citizen")
            .WithDescription($"Needs the query password in {CitizenAccess.QueryPasswordHeader}; an unknown code, a wrong password and a photo of another case give the same 404.")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "image/jpeg", "image/png", "image/webp")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<Created<UploadPhoto.Result>> UploadAsync(HttpContext http, IMediator mediator, CancellationToken cancellationToken)
    {
        var deviceHash = DeviceToken.Hash(http.Request.Headers[DeviceToken.Header]) ?? throw new ProblemException(StatusCodes.Status400BadRequest,
            Lang.Pick($"缺少或无效的设备标识（{DeviceToken.Header} 请求头）", $"The {DeviceToken.Header} header is missing or malformed"));
        var file = await ReadSingleFileAsync(http, cancellationToken);
        return TypedResults.Created((string?)null, await mediator.Send(new UploadPhoto.Command(deviceHash, file), cancellationToken));
    }

    private static async Task<FileContentHttpResult> GetCitizenPhotoAsync(
        string trackingCode, Guid photoId,
        [FromHeader(Name = CitizenAccess.QueryPasswordHeader)] string? queryPassword,
        IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        (await mediator.Send(new GetCitizenPhoto.Query(trackingCode, queryPassword, photoId), cancellationToken)).Serve(http);

    /// <summary>Room for the multipart boundaries and part headers around a file of the largest size.</summary>
    private const int MultipartOverhead = 64 * 1024;

    /// <summary>
    /// Reads the one file part of a multipart/form-data body, refusing as soon as the body or the
    /// file passes its limit: nothing unbounded is ever buffered.
    /// </summary>
    private static async Task<byte[]> ReadSingleFileAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType,
                Lang.Pick("请以 multipart/form-data 格式上传一个文件", "Send the photo as multipart/form-data with one file part"));

        const long maxBody = PhotoProcessing.MaxBytes + MultipartOverhead;
        if (request.ContentLength > maxBody) throw PhotoProcessing.TooLarge();
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBody;

        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 8, HeadersLengthLimit = 4096 };
            byte[]? file = null;
            var parts = 0;
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (++parts > 1) throw OneFile();
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                    throw OneFile();
                file = await BoundedRead.ReadAllAsync(section.Body, PhotoProcessing.MaxBytes, PhotoProcessing.TooLarge, cancellationToken);
            }
            return file is { Length: > 0 } ? file : throw OneFile();
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw PhotoProcessing.TooLarge();
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException && !http.RequestAborted.IsCancellationRequested)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest,
                Lang.Pick("上传内容格式不正确", "The upload is not well-formed multipart/form-data"));
        }
    }

    private static ProblemException OneFile() => new(StatusCodes.Status400BadRequest,
        Lang.Pick("请上传一个照片文件（每次一个）", "Send exactly one non-empty file part (one photo per upload)"));
}

using Feedback.Api.Features.Photos;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// The parameters of a POST to requests.{format}, as application/x-www-form-urlencoded or as
/// multipart/form-data with photo files (FixMyStreet's way; any part name is taken). Everything is
/// bounded as it is read: 100 parameters of at most 64 KB (a description of 4000 Chinese characters, percent-encoded, is 36 KB), up to 9 files of at most 10 MB, 30 MB
/// in all. An empty parameter counts as missing; a parameter sent twice is refused.
/// </summary>
public sealed class Open311Form
{
    public const int MaxParameters = 100;
    public const int MaxParameterBytes = 64 * 1024;
    public const long MaxBodyBytes = 30L * 1024 * 1024;
    private const long MaxUrlEncodedBytes = 1024 * 1024;

    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public List<byte[]> Files { get; } = [];

    /// <summary>The parameter's value, or null when it is absent or blank.</summary>
    public string? this[string name] => values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>attribute[code]=value pairs, by code; blank values left out.</summary>
    public IReadOnlyDictionary<string, string?> Attributes => values
        .Where(pair => pair.Key.StartsWith("attribute[", StringComparison.Ordinal) && pair.Key.EndsWith(']') && !string.IsNullOrWhiteSpace(pair.Value))
        .ToDictionary(pair => pair.Key["attribute[".Length..^1], pair => (string?)pair.Value);

    public static async Task<Open311Form> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var form = new Open311Form();
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type);
        var mediaType = type?.MediaType.Value?.ToLowerInvariant();
        if (mediaType is not ("application/x-www-form-urlencoded" or "multipart/form-data"))
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, Lang.Pick(
                "请以 application/x-www-form-urlencoded 或 multipart/form-data 提交",
                "Send the request as application/x-www-form-urlencoded or multipart/form-data"));

        var limit = mediaType == "multipart/form-data" ? MaxBodyBytes : MaxUrlEncodedBytes;
        if (request.ContentLength > limit) throw TooLarge();
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        try
        {
            if (mediaType == "multipart/form-data") await form.ReadMultipartAsync(request, type!, cancellationToken);
            else await form.ReadUrlEncodedAsync(request, cancellationToken);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
        catch (Exception malformed) when (malformed is InvalidDataException or IOException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, Lang.Pick("请求内容格式不正确", "The request body is not well-formed"));
        }
        // Some clients put the key in the query string; the body's wins.
        if (form["api_key"] is null && request.Query["api_key"].Count == 1) form.Add("api_key", request.Query["api_key"].ToString());
        return form;
    }

    private async Task ReadUrlEncodedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var reader = new FormReader(request.Body)
        {
            ValueCountLimit = MaxParameters, KeyLengthLimit = 200, ValueLengthLimit = MaxParameterBytes,
        };
        foreach (var (name, value) in await reader.ReadFormAsync(cancellationToken))
        {
            if (value.Count > 1) throw Twice(name);
            Add(name, value.ToString());
        }
    }

    private async Task ReadMultipartAsync(HttpRequest request, MediaTypeHeaderValue type, CancellationToken cancellationToken)
    {
        if (HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
            throw new ProblemException(StatusCodes.Status400BadRequest, Lang.Pick("multipart 缺少 boundary", "The multipart body has no boundary"));
        var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 8, HeadersLengthLimit = 4096 };
        var parts = 0;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (++parts > MaxParameters + PhotoAttachments.MaxPerRequest) throw TooMany();
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFormDisposition() && !disposition.IsFileDisposition())
                throw new ProblemException(StatusCodes.Status400BadRequest, Lang.Pick("multipart 的一部分缺少 Content-Disposition", "A multipart part has no form-data Content-Disposition"));
            if (disposition.IsFileDisposition())
            {
                var file = await BoundedRead.ReadAllAsync(section.Body, PhotoProcessing.MaxBytes, PhotoProcessing.TooLarge, cancellationToken);
                if (file.Length == 0) continue; // a file input left empty
                if (Files.Count == PhotoAttachments.MaxPerRequest)
                    throw new ProblemException(StatusCodes.Status400BadRequest, PhotoIdRules.TooManyMessage);
                Files.Add(file);
            }
            else
            {
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                var bytes = await BoundedRead.ReadAllAsync(section.Body, MaxParameterBytes, () => new ProblemException(StatusCodes.Status400BadRequest,
                    Lang.Pick($"参数 {name} 过长", $"The parameter {name} is too long")), cancellationToken);
                if (values.ContainsKey(name)) throw Twice(name);
                Add(name, System.Text.Encoding.UTF8.GetString(bytes));
            }
        }
    }

    private void Add(string name, string value)
    {
        if (values.Count == MaxParameters) throw TooMany();
        values[name] = value;
    }

    private static ProblemException Twice(string name) => new(StatusCodes.Status400BadRequest,
        Lang.Pick($"参数 {name} 只能出现一次", $"The parameter {name} is given more than once"));

    private static ProblemException TooMany() => new(StatusCodes.Status400BadRequest,
        Lang.Pick($"参数过多（最多 {MaxParameters} 个）", $"Too many parameters (at most {MaxParameters})"));

    private static ProblemException TooLarge() => new(StatusCodes.Status413PayloadTooLarge,
        Lang.Pick("请求内容过大：照片每张不超过 10 MB，合计不超过 30 MB", "The request is too large: at most 10 MB a photo and 30 MB in all"));
}

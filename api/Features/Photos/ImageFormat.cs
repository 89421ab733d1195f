namespace Feedback.Api.Features.Photos;

/// <summary>The image formats a photo may come in, and how each is recognised.</summary>
public enum ImageFormat { Jpeg, Png, WebP }

public static class ImageFormats
{
    /// <summary>Enough bytes to recognise every accepted format.</summary>
    public const int SniffLength = 12;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The format the file's first bytes announce, or null. Only the bytes count: a file name or a
    /// declared content type costs a liar nothing.
    /// </summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return ImageFormat.Jpeg;
        if (head.StartsWith(PngSignature)) return ImageFormat.Png;
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return ImageFormat.WebP;
        return null;
    }

    public static string ContentType(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        _ => "image/webp",
    };

    public static string Extension(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "jpg",
        ImageFormat.Png => "png",
        _ => "webp",
    };

    public static ImageFormat FromContentType(string contentType) => contentType switch
    {
        "image/jpeg" => ImageFormat.Jpeg,
        "image/png" => ImageFormat.Png,
        _ => ImageFormat.WebP,
    };
}

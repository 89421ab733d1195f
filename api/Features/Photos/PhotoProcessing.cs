using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using SkiaSharp;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// Turns an uploaded file into the photo we keep: checks its header, decodes its pixels, turns it
/// upright (EXIF orientation), shrinks it to at most <see cref="MaxStoredSide"/> pixels on its
/// longest side, and encodes the pixels afresh in the same format. Only pixels survive: EXIF (GPS
/// above all), XMP, comments, text chunks and every other piece of metadata stay behind.
/// </summary>
public static class PhotoProcessing
{
    /// <summary>The largest file accepted (10 MiB).</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    /// <summary>
    /// The most pixels a file may announce (a 48-megapixel phone photo is 8000 × 6000). Checked in
    /// the header, before any pixel is decoded: a small file can announce 30000 × 30000 pixels
    /// (an "image bomb") and would need gigabytes of memory to decode.
    /// </summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>The longest side of a stored photo; larger ones are shrunk (plenty to read a licence plate, a quarter of the bytes).</summary>
    public const int MaxStoredSide = 4096;

    private const int Quality = 85;

    public sealed record Processed(ImageFormat Format, byte[] Bytes, int Width, int Height);

    public static async Task<Processed> ProcessAsync(byte[] file, CancellationToken cancellationToken)
    {
        var format = ImageFormats.Sniff(file) ?? throw UnsupportedType();
        using var data = SKData.CreateCopy(file);
        // Creating a codec reads the header only: what decoding will cost is known before it starts.
        using var codec = SKCodec.Create(data) ?? throw Unreadable();
        if (FormatOf(codec.EncodedFormat) != format) throw Unreadable();
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0) throw Unreadable();
        if ((long)width * height > MaxPixels) throw TooManyPixels();

        using var memory = await PhotoDecodeGate.EnterAsync(DecodeBytes(codec), cancellationToken);
        return Process(codec, format);
    }

    /// <summary>Pixels decoded and drawn at 4 bytes each, and the encoded output.</summary>
    private static long DecodeBytes(SKCodec codec)
    {
        var decoded = DecodeSize(codec);
        var longest = Math.Max(decoded.Width, decoded.Height);
        var scale = Math.Min(1.0, (double)MaxStoredSide / longest);
        var output = (long)(decoded.Width * scale) * (long)(decoded.Height * scale);
        return 4L * decoded.Width * decoded.Height + 4L * output + output;
    }

    /// <summary>JPEG can decode straight to 1/2, 1/4 or 1/8 of its size: cheaper than decoding it whole.</summary>
    private static SKSizeI DecodeSize(SKCodec codec)
    {
        var longest = Math.Max(codec.Info.Width, codec.Info.Height);
        if (longest <= MaxStoredSide) return codec.Info.Size;
        var scaled = codec.GetScaledDimensions((float)MaxStoredSide / longest);
        return Math.Max(scaled.Width, scaled.Height) >= MaxStoredSide && scaled.Width > 0 && scaled.Height > 0 ? scaled : codec.Info.Size;
    }

    private static Processed Process(SKCodec codec, ImageFormat format)
    {

        var decodeSize = DecodeSize(codec);
        var opaque = codec.Info.AlphaType == SKAlphaType.Opaque;
        // Decoded into sRGB: a wide-gamut photo keeps its colours without carrying its own profile.
        var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKImageInfo.PlatformColorType,
            opaque ? SKAlphaType.Opaque : SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var decoded = new SKBitmap(decodeInfo);
        if (codec.GetPixels(decodeInfo, decoded.GetPixels()) != SKCodecResult.Success) throw Unreadable();

        var origin = codec.EncodedOrigin;
        var turned = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (uprightWidth, uprightHeight) = turned ? (decodeSize.Height, decodeSize.Width) : (decodeSize.Width, decodeSize.Height);
        var scale = Math.Min(1f, (float)MaxStoredSide / Math.Max(uprightWidth, uprightHeight));
        var outWidth = Math.Max(1, (int)Math.Round(uprightWidth * scale));
        var outHeight = Math.Max(1, (int)Math.Round(uprightHeight * scale));

        var outInfo = decodeInfo.WithSize(outWidth, outHeight);
        using var surface = SKSurface.Create(outInfo) ?? throw Unreadable();
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Transparent);
        canvas.SetMatrix(SKMatrix.CreateScale((float)outWidth / uprightWidth, (float)outHeight / uprightHeight)
            .PreConcat(Upright(origin, decodeSize.Width, decodeSize.Height)));
        using (var image = SKImage.FromBitmap(decoded))
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        canvas.Flush();

        using var snapshot = surface.Snapshot();
        using var encoded = snapshot.Encode(format switch
        {
            ImageFormat.Jpeg => SKEncodedImageFormat.Jpeg,
            ImageFormat.Png => SKEncodedImageFormat.Png,
            _ => SKEncodedImageFormat.Webp,
        }, Quality) ?? throw Unreadable();
        var bytes = encoded.ToArray();
        if (bytes.Length > MaxBytes) throw TooLarge();
        return new Processed(format, bytes, outWidth, outHeight);
    }

    /// <summary>
    /// Maps the stored pixels (width × height) onto the upright picture, as EXIF orientation
    /// 1–8 says: mirrored and/or turned by a quarter, half or three quarters.
    /// </summary>
    public static SKMatrix Upright(SKEncodedOrigin origin, int width, int height) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, width, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, width, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, height, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, height, -1, 0, width, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, width, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    private static ImageFormat? FormatOf(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => ImageFormat.Jpeg,
        SKEncodedImageFormat.Png => ImageFormat.Png,
        SKEncodedImageFormat.Webp => ImageFormat.WebP,
        _ => null,
    };

    public static ProblemException UnsupportedType() => new(StatusCodes.Status415UnsupportedMediaType,
        Lang.Pick("只能上传 JPEG、PNG 或 WebP 格式的照片", "Only JPEG, PNG and WebP photos can be uploaded"));

    private static ProblemException Unreadable() => new(StatusCodes.Status415UnsupportedMediaType,
        Lang.Pick("无法读取这张照片，文件可能已损坏，请换一张 JPEG、PNG 或 WebP 照片", "This photo cannot be read (the file may be damaged): upload a JPEG, PNG or WebP photo"));

    public static ProblemException TooLarge() => new(StatusCodes.Status413PayloadTooLarge,
        Lang.Pick("照片不能超过 10 MB", "A photo must be at most 10 MB"));

    private static ProblemException TooManyPixels() => new(StatusCodes.Status413PayloadTooLarge,
        Lang.Pick("照片像素过多（最多 5000 万像素），请缩小后再上传", "The photo has too many pixels (at most 50 megapixels): shrink it and upload it again"));
}

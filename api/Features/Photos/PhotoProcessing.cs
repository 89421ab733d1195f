using System.Runtime.InteropServices;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using SkiaSharp;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// Turns an uploaded file into the photo we keep: checks its header, decodes its pixels at the size
/// it will be stored (or the nearest larger size the codec can decode to), turns it upright (EXIF
/// orientation), shrinks it to at most <see cref="MaxStoredSide"/> pixels on its longest side, and
/// encodes the pixels afresh in the same format. Only pixels survive: EXIF (GPS above all), XMP,
/// comments, text chunks and every other piece of metadata stay behind.
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

    /// <summary>
    /// The longest side of a stored photo; larger ones are shrunk. The web client shrinks photos to
    /// the same size before sending them, so a photo is stored alike whichever client sent it.
    /// </summary>
    public const int MaxStoredSide = 2560;

    private const int Quality = 85;

    /// <summary>Rows of a JPEG decoded at a time (about this many bytes of them) and drawn onto the stored photo.</summary>
    private const int StripBytes = 1 << 20;

    public sealed record Processed(ImageFormat Format, byte[] Bytes, int Width, int Height);

    public static async Task<Processed> ProcessAsync(byte[] file, CancellationToken cancellationToken)
    {
        var format = ImageFormats.Sniff(file) ?? throw UnsupportedType();
        using var data = Wrap(file);
        // Creating a codec reads the header only: what decoding will cost is known before it starts.
        using var codec = SKCodec.Create(data) ?? throw Unreadable();
        if (FormatOf(codec.EncodedFormat) != format) throw Unreadable();
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0) throw Unreadable();
        if ((long)width * height > MaxPixels) throw TooManyPixels();

        var plan = Plan.For(codec);
        using var memory = await PhotoDecodeGate.EnterAsync(plan.Bytes + DecoderBuffers.Bytes(file, format), cancellationToken);
        return Process(codec, format, plan);
    }

    /// <summary>The uploaded bytes as Skia data, without copying them: the array stays pinned until Skia lets go of it.</summary>
    private static SKData Wrap(byte[] file)
    {
        var pin = GCHandle.Alloc(file, GCHandleType.Pinned);
        return SKData.Create(pin.AddrOfPinnedObject(), file.Length, (_, _) => pin.Free());
    }

    /// <param name="Decoded">The size the codec decodes to, as the file stores the pixels (before turning them upright).</param>
    /// <param name="Stored">The size of the stored photo, upright.</param>
    /// <param name="InStrips">JPEG: decoded a strip of rows at a time, so only the stored photo is ever whole in memory.</param>
    private sealed record Plan(SKSizeI Decoded, SKSizeI Stored, SKEncodedOrigin Origin, bool InStrips)
    {
        public static Plan For(SKCodec codec)
        {
            var origin = codec.EncodedOrigin;
            var (width, height) = Turned(origin) ? (codec.Info.Height, codec.Info.Width) : (codec.Info.Width, codec.Info.Height);
            var scale = Math.Min(1.0, (double)MaxStoredSide / Math.Max(width, height));
            var stored = new SKSizeI(Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
            return new Plan(DecodeSize(codec, Math.Max(stored.Width, stored.Height)), stored, origin, codec.EncodedFormat == SKEncodedImageFormat.Jpeg);
        }

        /// <summary>
        /// JPEG decodes straight to 1/8, 2/8 … 8/8 of its size: the smallest of them that is still at
        /// least as large as the stored photo. WebP decodes to any smaller size: the stored one. PNG
        /// decodes whole.
        /// </summary>
        private static SKSizeI DecodeSize(SKCodec codec, int storedLongest)
        {
            var full = codec.Info.Size;
            var longest = Math.Max(full.Width, full.Height);
            if (storedLongest >= longest) return full;
            if (codec.EncodedFormat == SKEncodedImageFormat.Jpeg)
            {
                for (var eighths = 1; eighths < 8; eighths++)
                {
                    var scaled = codec.GetScaledDimensions(eighths / 8f);
                    if (Math.Max(scaled.Width, scaled.Height) >= storedLongest) return scaled;
                }
                return full;
            }
            var exact = codec.GetScaledDimensions((float)storedLongest / longest);
            return exact.Width > 0 && exact.Height > 0 ? exact : full;
        }

        /// <summary>No resampling, no turning: the codec decodes straight into the stored photo.</summary>
        public bool Direct => Decoded == Stored && Origin == SKEncodedOrigin.TopLeft;

        /// <summary>How many times larger the decoded pixels are than the stored ones (1 or more).</summary>
        private double Shrink => (double)Math.Max(Decoded.Width, Decoded.Height) / Math.Max(Stored.Width, Stored.Height);

        /// <summary>
        /// Bilinear filtering reads the 2 × 2 pixels around each point: enough down to half the size
        /// (where it averages all four). Smaller, it would skip pixels and alias, so it filters
        /// between mipmaps too — at tens of times the cost, hundreds of milliseconds a photo.
        /// </summary>
        public SKSamplingOptions Sampling => Shrink <= 2 ? new(SKFilterMode.Linear) : new(SKFilterMode.Linear, SKMipmapMode.Linear);

        /// <summary>
        /// The rows decoded at a time (all of them unless <see cref="InStrips"/>), and the rows kept
        /// above and below for the filter to read: 8 for each time the pixels shrink, which covers
        /// the mipmaps' reach and keeps them aligned from one strip to the next.
        /// </summary>
        public (int Rows, int Margin) Strip =>
            Direct || !InStrips ? (Decoded.Height, 0) : (Math.Max(8, StripBytes / (4 * Decoded.Width)) / 8 * 8, 8 * (int)Math.Ceiling(Shrink));

        /// <summary>
        /// The stored photo's pixels (4 bytes each); its encoding, about as much again (the JPEG
        /// encoder keeps every coefficient to optimise its Huffman tables, 3 bytes a pixel, then
        /// the file); and the decoded pixels unless they go straight into the stored ones.
        /// </summary>
        public long Bytes
        {
            get
            {
                var stored = 4L * Stored.Width * Stored.Height;
                var (rows, margin) = Strip;
                var decoded = Direct ? 0 : 4L * Decoded.Width * Math.Min(Decoded.Height, rows + 2 * margin);
                return stored + stored + decoded;
            }
        }
    }

    private static Processed Process(SKCodec codec, ImageFormat format, Plan plan)
    {
        var opaque = codec.Info.AlphaType == SKAlphaType.Opaque;
        // Decoded into sRGB: a wide-gamut photo keeps its colours without carrying its own profile.
        var storedInfo = new SKImageInfo(plan.Stored.Width, plan.Stored.Height, SKImageInfo.PlatformColorType,
            opaque ? SKAlphaType.Opaque : SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        var block = StoredPixels.Rent();
        try
        {
            using var stored = new SKBitmap();
            if (!stored.InstallPixels(storedInfo, block, storedInfo.RowBytes)) throw Unreadable();
            if (plan.Direct)
            {
                if (codec.GetPixels(storedInfo, block) != SKCodecResult.Success) throw Unreadable();
            }
            else
            {
                using var canvas = new SKCanvas(stored);
                canvas.Clear(SKColors.Transparent); // the block holds the previous photo
                var (decodedWidth, decodedHeight) = (plan.Decoded.Width, plan.Decoded.Height);
                var (uprightWidth, uprightHeight) = Turned(plan.Origin) ? (decodedHeight, decodedWidth) : (decodedWidth, decodedHeight);
                canvas.SetMatrix(SKMatrix.CreateScale((float)plan.Stored.Width / uprightWidth, (float)plan.Stored.Height / uprightHeight)
                    .PreConcat(Upright(plan.Origin, decodedWidth, decodedHeight)));
                DrawDecoded(codec, storedInfo.WithSize(decodedWidth, decodedHeight), plan, canvas);
            }

            using var pixels = stored.PeekPixels();
            using var encoded = format switch
            {
                ImageFormat.Jpeg => pixels.Encode(new SKJpegEncoderOptions(Quality)),
                ImageFormat.Png => pixels.Encode(SKPngEncoderOptions.Default),
                _ => pixels.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, Quality)),
            } ?? throw Unreadable();
            var bytes = encoded.ToArray();
            if (bytes.Length > MaxBytes) throw TooLarge();
            return new Processed(format, bytes, plan.Stored.Width, plan.Stored.Height);
        }
        finally
        {
            StoredPixels.Return(block);
        }
    }

    /// <summary>
    /// Decodes the pixels and draws them onto the canvas (which turns and shrinks them): a strip of
    /// rows at a time for JPEG, with a margin of rows above and below that the filter reads but the
    /// clip keeps from being drawn twice; whole otherwise.
    /// </summary>
    private static void DrawDecoded(SKCodec codec, SKImageInfo decodedInfo, Plan plan, SKCanvas canvas)
    {
        var (rows, margin) = plan.Strip;
        var height = decodedInfo.Height;
        using var buffer = new SKBitmap(decodedInfo.WithSize(decodedInfo.Width, Math.Min(height, rows + 2 * margin)));
        var rowBytes = buffer.RowBytes;
        if (!plan.InStrips)
        {
            if (codec.GetPixels(buffer.Info, buffer.GetPixels()) != SKCodecResult.Success) throw Unreadable();
            using var image = SKImage.FromPixels(buffer.PeekPixels());
            canvas.DrawImage(image, 0, 0, plan.Sampling);
            return;
        }

        if (codec.StartScanlineDecode(decodedInfo) != SKCodecResult.Success) throw Unreadable();
        var (top, bottom) = (0, 0); // the decoded rows the buffer holds, from its first row
        for (var from = 0; from < height; from += rows)
        {
            var to = Math.Min(height, from + rows);
            var keep = Math.Max(0, from - margin);
            if (keep > top)
            {
                var pixels = buffer.GetPixelSpan();
                pixels[((keep - top) * rowBytes)..((bottom - top) * rowBytes)].CopyTo(pixels);
                top = keep;
            }
            var until = Math.Min(height, to + margin);
            if (codec.GetScanlines(buffer.GetAddress(0, bottom - top), until - bottom, rowBytes) != until - bottom) throw Unreadable();
            bottom = until;

            using var strip = new SKPixmap(buffer.Info.WithSize(decodedInfo.Width, bottom - top), buffer.GetPixels(), rowBytes);
            using var image = SKImage.FromPixels(strip);
            canvas.Save();
            canvas.ClipRect(new SKRect(0, from, decodedInfo.Width, to));
            canvas.DrawImage(image, 0, top, plan.Sampling);
            canvas.Restore();
        }
    }

    private static bool Turned(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

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

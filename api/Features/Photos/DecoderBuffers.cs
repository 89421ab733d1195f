using System.Buffers.Binary;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// The memory a decoder keeps for the whole image, whatever size the pixels are decoded to, read
/// from the file's header. Most decode a few rows at a time and keep nothing whole; three do not:
/// <list type="bullet">
/// <item>a progressive JPEG: every pass refines every block, so libjpeg keeps all the DCT
/// coefficients, 2 bytes for each sample of each component;</item>
/// <item>an interlaced PNG: its seven passes are gathered in one buffer of the file's own pixels
/// (up to 8 bytes each, 16-bit RGBA);</item>
/// <item>a lossless WebP: libwebp decodes it into a whole image of 4-byte pixels first.</item>
/// </list>
/// </summary>
public static class DecoderBuffers
{
    public static long Bytes(ReadOnlySpan<byte> file, ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => ProgressiveJpegCoefficients(file),
        ImageFormat.Png => InterlacedPng(file),
        _ => 4 * LosslessWebPPixels(file),
    };

    /// <summary>The coefficients of a progressive JPEG (frame header SOF2, SOF6, SOF10 or SOF14), or 0.</summary>
    private static long ProgressiveJpegCoefficients(ReadOnlySpan<byte> jpeg)
    {
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            var length = jpeg[i + 2] << 8 | jpeg[i + 3];
            if (marker == 0xDA) return 0; // the first scan starts: no frame header before it
            var frame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (frame)
            {
                if (marker is not (0xC2 or 0xC6 or 0xCA or 0xCE) || i + 2 + length > jpeg.Length || length < 8) return 0;
                return Coefficients(jpeg.Slice(i + 4, length - 2));
            }
            i += 2 + length;
        }
        return 0;
    }

    /// <summary>From a frame header: precision, height, width, then each component's sampling factors.</summary>
    private static long Coefficients(ReadOnlySpan<byte> frame)
    {
        var (height, width, count) = (frame[1] << 8 | frame[2], frame[3] << 8 | frame[4], frame[5]);
        if (frame.Length < 6 + 3 * count) return 0;
        int maxH = 1, maxV = 1;
        for (var c = 0; c < count; c++) (maxH, maxV) = (Math.Max(maxH, frame[7 + 3 * c] >> 4), Math.Max(maxV, frame[7 + 3 * c] & 15));
        long coefficients = 0;
        for (var c = 0; c < count; c++)
        {
            var (h, v) = (Math.Max(1, frame[7 + 3 * c] >> 4), Math.Max(1, frame[7 + 3 * c] & 15));
            long blocksAcross = (width * h / maxH + 7) / 8, blocksDown = (height * v / maxV + 7) / 8;
            coefficients += blocksAcross * blocksDown * 64;
        }
        return 2 * coefficients;
    }

    /// <summary>The pass buffer of an interlaced PNG (IHDR: width, height, bit depth, colour type, …, interlace), or 0.</summary>
    private static long InterlacedPng(ReadOnlySpan<byte> png)
    {
        if (png.Length < 29 || png[28] == 0) return 0;
        var (width, height, depth) = (BinaryPrimitives.ReadUInt32BigEndian(png[16..]), BinaryPrimitives.ReadUInt32BigEndian(png[20..]), png[24]);
        var channels = png[25] switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 }; // RGB, grey + alpha, RGBA; grey or palette
        return (long)width * height * channels * Math.Max(8, (int)depth) / 8;
    }

    /// <summary>
    /// The pixels of a lossless WebP: its RIFF chunks (first the image itself, or VP8X and the others
    /// before it), the VP8L one's header holding 14 bits of width − 1 and 14 of height − 1. Else 0.
    /// </summary>
    private static long LosslessWebPPixels(ReadOnlySpan<byte> webp)
    {
        for (var i = 12; i + 8 <= webp.Length;)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(webp[(i + 4)..]);
            if (webp.Slice(i, 4).SequenceEqual("VP8L"u8))
            {
                if (i + 13 > webp.Length) return 0;
                var bits = BinaryPrimitives.ReadUInt32LittleEndian(webp[(i + 9)..]);
                return (long)((bits & 0x3FFF) + 1) * (((bits >> 14) & 0x3FFF) + 1);
            }
            if (webp.Slice(i, 4).SequenceEqual("VP8 "u8) || size > webp.Length) return 0;
            i += 8 + (int)size + (int)(size & 1);
        }
        return 0;
    }
}

using Feedback.Api.Features.Photos;
using Feedback.Tests.Support;
using SkiaSharp;

namespace Feedback.Tests.Unit;

/// <summary>What a decoder keeps for the whole image, read from the header, is reserved before decoding.</summary>
public sealed class DecoderBuffersTests
{
    [Test]
    public void Baseline_JPEG_non_interlaced_PNG_and_lossy_WebP_keep_nothing_whole()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DecoderBuffers.Bytes(TestImages.JpegWithMetadata(40, 20, orientation: 6), ImageFormat.Jpeg), Is.Zero);
            Assert.That(DecoderBuffers.Bytes(TestImages.Png(), ImageFormat.Png), Is.Zero);
            Assert.That(DecoderBuffers.Bytes(TestImages.WebP(), ImageFormat.WebP), Is.Zero);
        });
    }

    [Test]
    public void A_progressive_JPEG_keeps_its_coefficients_at_full_size()
    {
        // 4000 × 3000, luma sampled 2 × 2 and two chroma components at half size (4:2:0):
        // 500 × 375 luma blocks and 250 × 188 for each chroma one, 64 coefficients of 2 bytes each.
        byte[] components = [1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
        byte[] header = [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC2, 0, 17, 8, 3000 >> 8, 3000 & 255, 4000 >> 8, 4000 & 255, 3, .. components, 0xFF, 0xDA];
        var expected = (500L * 375 + 2 * 250 * 188) * 64 * 2;
        byte[] baseline = [.. header[..9], 0xC0, .. header[10..]];
        Assert.Multiple(() =>
        {
            Assert.That(DecoderBuffers.Bytes(header, ImageFormat.Jpeg), Is.EqualTo(expected));
            Assert.That(DecoderBuffers.Bytes(baseline, ImageFormat.Jpeg), Is.Zero, "the same frame, sequential");
        });
    }

    [Test]
    public void An_interlaced_PNG_keeps_its_passes_in_the_files_own_pixels()
    {
        var png = TestImages.Png(40, 20);
        Assert.That((png[24], png[25]), Is.EqualTo(((byte)8, (byte)6)), "8-bit RGBA");
        png[28] = 1; // Adam7
        Assert.That(DecoderBuffers.Bytes(png, ImageFormat.Png), Is.EqualTo(40 * 20 * 4));
    }

    [Test]
    public void A_lossless_WebP_is_decoded_whole_first()
    {
        using var bitmap = new SKBitmap(300, 200);
        bitmap.Erase(SKColors.Green);
        using var lossless = bitmap.PeekPixels().Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100));
        Assert.That(DecoderBuffers.Bytes(lossless!.ToArray(), ImageFormat.WebP), Is.EqualTo(300 * 200 * 4));
    }
}

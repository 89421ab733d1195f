using System.Text;
using Feedback.Api.Features.Photos;
using Feedback.Tests.Support;

namespace Feedback.Tests.Unit;

public sealed class ImageFormatsTests
{
    [Test]
    public void Real_JPEG_PNG_and_WebP_files_are_recognised_by_their_first_bytes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ImageFormats.Sniff(TestImages.Jpeg()), Is.EqualTo(ImageFormat.Jpeg));
            Assert.That(ImageFormats.Sniff(TestImages.Png()), Is.EqualTo(ImageFormat.Png));
            Assert.That(ImageFormats.Sniff(TestImages.WebP()), Is.EqualTo(ImageFormat.WebP));
            Assert.That(ImageFormats.Sniff(TestImages.JpegWithMetadata(8, 8, 6)), Is.EqualTo(ImageFormat.Jpeg));
        });
    }

    private static IEnumerable<TestCaseData> NotImages()
    {
        yield return new TestCaseData(TestImages.Gif).SetName("GIF");
        yield return new TestCaseData("%PDF-1.7\n%âãÏÓ\n1 0 obj"u8.ToArray()).SetName("PDF");
        yield return new TestCaseData(Encoding.UTF8.GetBytes("这不是照片，只是一个改了扩展名的文本文件。")).SetName("text");
        yield return new TestCaseData(Array.Empty<byte>()).SetName("empty");
        yield return new TestCaseData(new byte[] { 0xFF, 0xD8 }).SetName("two bytes of a JPEG");
        yield return new TestCaseData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A }).SetName("PNG signature cut short");
        yield return new TestCaseData("RIFF\x24\0\0\0WAVEfmt "u8.ToArray()).SetName("RIFF but WAVE");
        yield return new TestCaseData("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray()).SetName("SVG");
        yield return new TestCaseData("BM\x36\0\0\0\0\0\0\0"u8.ToArray()).SetName("BMP");
    }

    [TestCaseSource(nameof(NotImages))]
    public void Anything_else_is_not_a_photo(byte[] bytes) => Assert.That(ImageFormats.Sniff(bytes), Is.Null);
}

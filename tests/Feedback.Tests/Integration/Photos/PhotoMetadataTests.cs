using Feedback.Tests.Support;
using SkiaSharp;

namespace Feedback.Tests.Integration.Photos;

/// <summary>What a phone leaves in a photo (the position above all) never reaches the case.</summary>
public sealed class PhotoMetadataTests : PhotoTest
{
    [Test]
    public async Task A_JPEG_loses_its_EXIF_GPS_XMP_and_comment_and_is_turned_upright()
    {
        // Stored 40 × 20 (red left, blue right) with EXIF orientation 6: shown turned a quarter clockwise.
        var original = TestImages.JpegWithMetadata(40, 20, orientation: 6);
        Assert.Multiple(() =>
        {
            Assert.That(TestImages.Contains(original, "Exif"), Is.True, "the test file carries EXIF");
            Assert.That(TestImages.Contains(original, TestImages.GpsRational), Is.True);
            Assert.That(TestImages.JpegMarkers(original), Does.Contain((byte)0xE1).And.Contain((byte)0xFE));
            using var codec = SKCodec.Create(SKData.CreateCopy(original));
            Assert.That(codec.EncodedOrigin, Is.EqualTo(SKEncodedOrigin.RightTop));
        });

        var id = await UploadOkAsync(original);
        var (code, password) = await SubmitWithPhotosOkAsync([id]);
        var served = await GetCitizenPhotoBytesAsync(code, password, id);

        using var bitmap = SKBitmap.Decode(served);
        Assert.Multiple(() =>
        {
            Assert.That(TestImages.Contains(served, "Exif"), Is.False, "no EXIF");
            Assert.That(TestImages.Contains(served, TestImages.GpsRational), Is.False, "no GPS position");
            Assert.That(TestImages.Contains(served, TestImages.XmpMarker), Is.False, "no XMP");
            Assert.That(TestImages.Contains(served, "http://ns.adobe.com"), Is.False, "no XMP");
            Assert.That(TestImages.Contains(served, TestImages.SecretComment), Is.False, "no comment");
            Assert.That(TestImages.JpegMarkers(served), Does.Not.Contain((byte)0xE1).And.Not.Contain((byte)0xFE), "no APP1, no COM");
            Assert.That(bitmap, Is.Not.Null, "still a JPEG");
            Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((20, 40)), "turned upright");
            // The red half, on the left as stored, is on top once turned clockwise.
            Assert.That(bitmap.GetPixel(10, 5).Red, Is.GreaterThan(200));
            Assert.That(bitmap.GetPixel(10, 5).Blue, Is.LessThan(60));
            Assert.That(bitmap.GetPixel(10, 35).Blue, Is.GreaterThan(200));
            Assert.That(bitmap.GetPixel(10, 35).Red, Is.LessThan(60));
        });
    }

    // Stored 40 × 20, red on the left: where the red half is once the orientation is applied.
    [TestCase((ushort)1, 40, 20, "left")]
    [TestCase((ushort)2, 40, 20, "right")]
    [TestCase((ushort)3, 40, 20, "right")]
    [TestCase((ushort)4, 40, 20, "left")]
    [TestCase((ushort)5, 20, 40, "top")]
    [TestCase((ushort)7, 20, 40, "bottom")]
    [TestCase((ushort)8, 20, 40, "bottom")]
    public async Task Every_orientation_is_applied(ushort orientation, int width, int height, string redSide)
    {
        var id = await UploadOkAsync(TestImages.JpegWithMetadata(40, 20, orientation));
        var (code, password) = await SubmitWithPhotosOkAsync([id]);
        using var bitmap = SKBitmap.Decode(await GetCitizenPhotoBytesAsync(code, password, id));
        var (x, y) = redSide switch
        {
            "left" => (4, height / 2), "right" => (width - 5, height / 2), "top" => (width / 2, 4), _ => (width / 2, height - 5),
        };
        var (oppositeX, oppositeY) = (width - 1 - x, height - 1 - y);
        Assert.Multiple(() =>
        {
            Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((width, height)));
            Assert.That(bitmap.GetPixel(x, y).Red, Is.GreaterThan(200), $"red on the {redSide}");
            Assert.That(bitmap.GetPixel(oppositeX, oppositeY).Blue, Is.GreaterThan(200), "blue opposite");
        });
    }

    [Test]
    public async Task A_PNG_loses_its_text_chunks()
    {
        var original = TestImages.PngWithText(40, 20);
        Assert.That(TestImages.PngChunks(original), Does.Contain("tEXt"), "the test file carries text");

        var id = await UploadOkAsync(original);
        var (code, password) = await SubmitWithPhotosOkAsync([id]);
        using var response = await GetCitizenPhotoAsync(code, password, id);
        var served = await response.Content.ReadAsByteArrayAsync();

        using var bitmap = SKBitmap.Decode(served);
        Assert.Multiple(() =>
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/png"));
            Assert.That(TestImages.PngChunks(served), Does.Not.Contain("tEXt").And.Not.Contain("iTXt").And.Not.Contain("zTXt").And.Not.Contain("eXIf"));
            Assert.That(TestImages.Contains(served, TestImages.TextChunkMarker), Is.False);
            Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((40, 20)));
            Assert.That(bitmap.GetPixel(5, 10).Red, Is.GreaterThan(200));
        });
    }

    [Test]
    public async Task The_stored_file_itself_carries_no_metadata()
    {
        var id = await UploadOkAsync(TestImages.JpegWithMetadata(40, 20, orientation: 1));
        var stored = await StoredBytesAsync(id);
        Assert.Multiple(() =>
        {
            Assert.That(TestImages.Contains(stored, "Exif"), Is.False);
            Assert.That(TestImages.Contains(stored, TestImages.SecretComment), Is.False);
            Assert.That(TestImages.Contains(stored, TestImages.XmpMarker), Is.False);
        });
    }
}

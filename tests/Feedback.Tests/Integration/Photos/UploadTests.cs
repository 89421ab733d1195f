using Feedback.Api.Features.Photos;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Feedback.Tests.Support;
using Npgsql;
using SkiaSharp;

namespace Feedback.Tests.Integration.Photos;

public sealed class UploadTests : PhotoTest
{
    private async Task AssertNothingStoredAsync()
    {
        Assert.Multiple(async () =>
        {
            Assert.That(await CountAsync("photos"), Is.Zero, "no row");
            Assert.That(await StoredContentCountAsync(), Is.Zero, "no bytes");
        });
    }

    [TestCase("jpeg")]
    [TestCase("png")]
    [TestCase("webp")]
    public async Task A_photo_is_stored_with_its_bytes_for_the_device_that_sent_it(string kind)
    {
        var bytes = kind switch { "jpeg" => TestImages.Jpeg(), "png" => TestImages.Png(), _ => TestImages.WebP() };
        using var response = await UploadAsync(bytes, fileName: "../../etc/我的照片.jpg", contentType: "application/octet-stream");
        var body = await ReadJsonAsync(response);

        Assert.That((int)response.StatusCode, Is.EqualTo(201), body.ToJsonString());
        var id = Guid.Parse((string)body["uploadId"]!);
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var row = await connection.QuerySingleAsync<(string? BlobName, string ContentType, int ByteSize, byte[] DeviceHash, long? ComplaintId, int StoredBytes)>(
            "select blob_name, content_type, byte_size, device_hash, complaint_id, length(c.content) from photos p join photo_contents c on c.photo_id = p.id where id = @id",
            new { id });
        var stored = await StoredContentCountAsync();
        var expectedType = kind == "jpeg" ? "image/jpeg" : $"image/{kind}";
        Assert.Multiple(() =>
        {
            Assert.That((int?)body["width"], Is.EqualTo(40));
            Assert.That((int?)body["height"], Is.EqualTo(20));
            Assert.That((string?)body["contentType"], Is.EqualTo(expectedType));
            Assert.That((int?)body["byteSize"], Is.EqualTo(row.ByteSize));
            Assert.That(row.ContentType, Is.EqualTo(expectedType));
            Assert.That(row.DeviceHash, Is.EqualTo(SHA256.HashData(Encoding.ASCII.GetBytes(Device))));
            Assert.That(row.ComplaintId, Is.Null);
            Assert.That(row.BlobName, Is.Null, "the citizen's file name is kept nowhere");
            Assert.That(row.StoredBytes, Is.EqualTo(row.ByteSize));
            Assert.That(stored, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_text_file_named_jpg_and_declared_image_jpeg_is_refused_with_415()
    {
        using var response = await UploadAsync(Encoding.UTF8.GetBytes("这不是照片。This is not a photo."), "photo.jpg", "image/jpeg");
        var problem = await AssertProblemAsync(response, 415);
        Assert.That((string?)problem["title"], Does.Contain("JPEG"));
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task A_GIF_is_refused_with_415()
    {
        using var response = await UploadAsync(TestImages.Gif, "photo.gif", "image/gif");
        await AssertProblemAsync(response, 415);
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task A_PDF_is_refused_with_415()
    {
        using var response = await UploadAsync("%PDF-1.7\n1 0 obj\n<< >>\nendobj\n"u8.ToArray(), "scan.jpg", "image/jpeg");
        await AssertProblemAsync(response, 415);
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task A_file_that_starts_like_a_JPEG_but_is_not_one_is_refused_with_415()
    {
        byte[] fake = [0xFF, 0xD8, 0xFF, 0xE0, .. Encoding.ASCII.GetBytes(new string('x', 2000))];
        using var response = await UploadAsync(fake);
        await AssertProblemAsync(response, 415);
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task A_file_over_10_MB_is_refused_with_413()
    {
        var jpeg = TestImages.Jpeg();
        var big = new byte[10 * 1024 * 1024 + 1];
        jpeg.CopyTo(big, 0);
        using var response = await UploadAsync(big);
        var problem = await AssertProblemAsync(response, 413);
        Assert.That((string?)problem["title"], Does.Contain("10 MB"));
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task A_body_sent_without_a_length_is_cut_off_at_the_limit_with_413()
    {
        // Chunked: the server cannot refuse it up front and must stop reading at the limit.
        var content = Form(new byte[12 * 1024 * 1024]);
        await content.LoadIntoBufferAsync();
        var stream = new MemoryStream(await content.ReadAsByteArrayAsync());
        var chunked = new StreamContent(stream);
        chunked.Headers.ContentType = content.Headers.ContentType;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/uploads") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("X-Device-Token", Device);
        using var response = await Client.SendAsync(request);
        await AssertProblemAsync(response, 413);
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task An_image_bomb_is_refused_from_its_header_before_decoding()
    {
        var bomb = TestImages.PngBomb(30000, 30000);
        Assert.That(bomb.Length, Is.LessThan(2048), "a small file");
        using var response = await UploadAsync(bomb, "bomb.png", "image/png");
        var problem = await AssertProblemAsync(response, 413);
        Assert.That((string?)problem["title"], Does.Contain("像素"));
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task Large_photos_are_shrunk_to_2560_pixels_on_their_longest_side()
    {
        var wideJpeg = await ReadJsonAsync(await UploadAsync(TestImages.Encode(8192, 64, SKEncodedImageFormat.Jpeg)));
        var tallPng = await ReadJsonAsync(await UploadAsync(TestImages.Encode(50, 5000, SKEncodedImageFormat.Png), "tall.png", "image/png"));
        var wideWebP = await ReadJsonAsync(await UploadAsync(TestImages.Encode(6000, 40, SKEncodedImageFormat.Webp), "wide.webp", "image/webp"));
        Assert.Multiple(() =>
        {
            Assert.That(((int?)wideJpeg["width"], (int?)wideJpeg["height"]), Is.EqualTo((2560, 20)));
            Assert.That(((int?)tallPng["width"], (int?)tallPng["height"]), Is.EqualTo((26, 2560)));
            Assert.That(((int?)wideWebP["width"], (int?)wideWebP["height"]), Is.EqualTo((2560, 17)));
        });
    }

    // A 12-megapixel phone photo (4000 × 3000, red on the left as stored) at each kind of orientation:
    // decoded at 3/4 of its size a strip of rows at a time, turned, shrunk to 2560 on its longest side.
    [TestCase((ushort)1, 2560, 1920, "left")]
    [TestCase((ushort)3, 2560, 1920, "right")]
    [TestCase((ushort)6, 1920, 2560, "top")]
    [TestCase((ushort)8, 1920, 2560, "bottom")]
    public async Task A_full_size_phone_photo_is_stored_upright_at_2560_pixels_with_every_row_drawn(ushort orientation, int width, int height, string redSide)
    {
        var id = await UploadOkAsync(TestImages.JpegWithMetadata(4000, 3000, orientation));
        using var stored = SKBitmap.Decode(await StoredBytesAsync(id));
        var (red, blue) = redSide switch
        {
            "left" => ((width / 4, height / 2), (width * 3 / 4, height / 2)), "right" => ((width * 3 / 4, height / 2), (width / 4, height / 2)),
            "top" => ((width / 2, height / 4), (width / 2, height * 3 / 4)), _ => ((width / 2, height * 3 / 4), (width / 2, height / 4)),
        };
        // A row or column the strips left undrawn would be black (transparent) across the photo.
        var dark = Enumerable.Range(0, stored.Height).Select(y => (x: stored.Width / 3, y))
            .Concat(Enumerable.Range(0, stored.Width).Select(x => (x, y: stored.Height / 3)))
            .Where(p => stored.GetPixel(p.x, p.y) is var c && c.Red + c.Blue < 200).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((stored.Width, stored.Height), Is.EqualTo((width, height)));
            Assert.That(stored.GetPixel(red.Item1, red.Item2).Red, Is.GreaterThan(200), $"red on the {redSide}");
            Assert.That(stored.GetPixel(blue.Item1, blue.Item2).Blue, Is.GreaterThan(200), "blue opposite");
            Assert.That(dark, Is.Empty, "every pixel drawn");
        });
    }

    [Test]
    public async Task Nothing_of_an_earlier_photo_shows_through_the_transparent_parts_of_the_next()
    {
        // The stored pixels' memory is reused from one photo to the next: a red one first, then a
        // PNG whose right half is transparent (shrunk, so drawn rather than decoded in place).
        await UploadOkAsync(TestImages.Encode(4000, 3000, SKEncodedImageFormat.Jpeg));
        using var half = new SKBitmap(3000, 100);
        half.Erase(SKColors.Transparent);
        half.Erase(SKColors.Blue, new SKRectI(0, 0, 1500, 100));
        using var png = half.Encode(SKEncodedImageFormat.Png, 100);
        var id = await UploadOkAsync(png.ToArray());

        using var stored = SKBitmap.Decode(await StoredBytesAsync(id));
        Assert.Multiple(() =>
        {
            Assert.That((stored.Width, stored.Height), Is.EqualTo((2560, 85)));
            Assert.That(stored.GetPixel(100, 40).Blue, Is.GreaterThan(200), "the opaque half");
            Assert.That(stored.GetPixel(2400, 40).Alpha, Is.Zero, "the transparent half");
        });
    }

    [Test]
    public async Task No_file_part_is_a_clear_400()
    {
        using var content = new MultipartFormDataContent { { new StringContent("hello"), "note" } };
        using var response = await SendUploadAsync(content);
        var problem = await AssertProblemAsync(response, 400);
        Assert.That((string?)problem["title"], Does.Contain("一个"));
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task An_empty_multipart_body_is_a_clear_400()
    {
        using var content = new MultipartFormDataContent();
        using var response = await SendUploadAsync(content);
        await AssertProblemAsync(response, 400);
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task Two_files_in_one_upload_are_a_clear_400()
    {
        var content = Form(TestImages.Jpeg());
        content.Add(new ByteArrayContent(TestImages.Png()), "file", "second.png");
        using var response = await SendUploadAsync(content);
        await AssertProblemAsync(response, 400);
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task A_body_that_is_not_multipart_is_refused_with_415()
    {
        using var json = await SendUploadAsync(JsonContent.Create(new { file = Convert.ToBase64String(TestImages.Jpeg()) }));
        using var raw = await SendUploadAsync(new ByteArrayContent(TestImages.Jpeg()) { Headers = { ContentType = new("image/jpeg") } });
        await AssertProblemAsync(json, 415);
        await AssertProblemAsync(raw, 415);
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task A_broken_multipart_body_is_a_clear_400()
    {
        var content = new ByteArrayContent("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nabc"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
        using var response = await SendUploadAsync(content);
        await AssertProblemAsync(response, 400);
        await AssertNothingStoredAsync();
    }

    [TestCase(null)]
    [TestCase("short")]
    [TestCase("has spaces and is long enough to count")]
    public async Task A_missing_or_malformed_device_token_is_400(string? device)
    {
        using var response = await UploadAsync(TestImages.Jpeg(), device: device);
        var problem = await AssertProblemAsync(response, 400);
        Assert.That((string?)problem["title"], Does.Contain("X-Device-Token"));
        await AssertNothingStoredAsync();
    }

    [Test]
    public async Task While_the_decoders_are_busy_a_few_huge_photos_wait_their_turn_and_the_rest_are_told_to_retry()
    {
        // The whole decode budget held, as by photos being decoded: which uploads wait and which are
        // refused does not depend on how fast the machine decodes.
        var busy = await PhotoDecodeGate.EnterAsync((long)PhotoDecodeGate.BudgetMiB << 20, CancellationToken.None);
        // 25 megapixels each, a small PNG, about 150 MB to decode, shrink and encode: one at a time fits the budget.
        var huge = TestImages.Png(5000, 5000);
        var uploads = Enumerable.Range(0, 12).Select(_ => UploadAsync(huge, "huge.png", "image/png")).ToList();
        var refusedCount = uploads.Count - PhotoDecodeGate.MaxWaiting;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (uploads.Count(u => u.IsCompleted) < refusedCount && waited.Elapsed < PhotoDecodeGate.MaxWait / 2) await Task.Delay(50);
        var refused = uploads.Where(u => u.IsCompleted).Select(u => u.Result).ToList();
        busy.Dispose();
        var responses = await Task.WhenAll(uploads);
        try
        {
            Assert.Multiple(() =>
            {
                Assert.That(refused.Select(r => (int)r.StatusCode).ToList(), Has.Count.EqualTo(refusedCount).And.All.EqualTo(503),
                    "beyond the few that may wait, refused at once");
                Assert.That(refused.Select(r => r.Headers.RetryAfter?.Delta), Is.All.EqualTo(TimeSpan.FromSeconds(10)));
                Assert.That(responses.Except(refused).Select(r => (int)r.StatusCode), Is.All.EqualTo(201), "the waiting ones decoded one at a time");
            });
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
        Assert.That(await CountAsync("photos"), Is.EqualTo(PhotoDecodeGate.MaxWaiting));
        await UploadOkAsync(); // and the next upload goes through
    }
}

using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace Feedback.Tests.Support;

/// <summary>Small images made on the spot, with the metadata a phone would leave in them.</summary>
public static class TestImages
{
    /// <summary>Left half red, right half blue: after a quarter turn the halves say which way it went.</summary>
    public static byte[] Encode(int width, int height, SKEncodedImageFormat format, int quality = 90)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Blue);
            using var red = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(0, 0, width / 2f, height, red);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] Jpeg(int width = 40, int height = 20) => Encode(width, height, SKEncodedImageFormat.Jpeg);
    public static byte[] Png(int width = 40, int height = 20) => Encode(width, height, SKEncodedImageFormat.Png);
    public static byte[] WebP(int width = 40, int height = 20) => Encode(width, height, SKEncodedImageFormat.Webp);

    public const string SecretComment = "secret comment 秘密注释";
    public const string XmpMarker = "GPSLatitude";

    /// <summary>GPS latitude seconds (12.34″) as the EXIF rational 1234/100, little-endian: findable in the bytes.</summary>
    public static readonly byte[] GpsRational = [0xD2, 0x04, 0, 0, 0x64, 0, 0, 0];

    /// <summary>
    /// A JPEG carrying what phones write: an EXIF APP1 with the orientation and GPS position
    /// (29°35′12.34″N 120°49′56.78″E), an XMP APP1 repeating the position, and a comment.
    /// </summary>
    public static byte[] JpegWithMetadata(int width, int height, ushort orientation)
    {
        var jpeg = Jpeg(width, height);
        var tiff = new List<byte>();
        void U16(int v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); tiff.AddRange(b); }
        void U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); tiff.AddRange(b); }
        void Entry(int tag, int type, uint count, uint value) { U16(tag); U16(type); U32(count); U32(value); }

        tiff.AddRange("II"u8.ToArray()); U16(42); U32(8);
        // IFD0 at 8: orientation, pointer to the GPS IFD (at 8 + 2 + 2×12 + 4 = 38).
        U16(2);
        Entry(0x0112, 3, 1, orientation);
        Entry(0x8825, 4, 1, 38);
        U32(0);
        // GPS IFD at 38: 4 entries, rationals after it at 38 + 2 + 4×12 + 4 = 92 and 116.
        U16(4);
        Entry(0x0001, 2, 2, 'N');
        Entry(0x0002, 5, 3, 92);
        Entry(0x0003, 2, 2, 'E');
        Entry(0x0004, 5, 3, 116);
        U32(0);
        foreach (var (n, d) in new (uint, uint)[] { (29, 1), (35, 1), (1234, 100), (120, 1), (49, 1), (5678, 100) }) { U32(n); U32(d); }

        var exif = Segment(0xE1, [.. "Exif\0\0"u8.ToArray(), .. tiff]);
        var xmp = Segment(0xE1, Encoding.UTF8.GetBytes(
            "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
            + "<rdf:Description xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" exif:GPSLatitude=\"29,35.2057N\" exif:GPSLongitude=\"120,49.9463E\"/>"
            + "</rdf:RDF></x:xmpmeta>"));
        var comment = Segment(0xFE, Encoding.UTF8.GetBytes(SecretComment));
        return [.. jpeg[..2], .. exif, .. xmp, .. comment, .. jpeg[2..]];
    }

    private static byte[] Segment(byte marker, byte[] payload)
    {
        var length = payload.Length + 2;
        return [0xFF, marker, (byte)(length >> 8), (byte)length, .. payload];
    }

    public const string TextChunkMarker = "Location: 29.5867N 120.8324E";

    /// <summary>A PNG with a tEXt chunk (as cameras and editors write them) right after its header.</summary>
    public static byte[] PngWithText(int width = 40, int height = 20)
    {
        var png = Png(width, height);
        var text = Chunk("tEXt", Encoding.Latin1.GetBytes("Comment\0" + TextChunkMarker));
        const int afterHeader = 8 + 8 + 13 + 4;
        return [.. png[..afterHeader], .. text, .. png[afterHeader..]];
    }

    /// <summary>A few hundred bytes announcing <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static byte[] PngBomb(int width = 30000, int height = 30000)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize))
            zlib.Write(new byte[64 * 1024]);
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", header), .. Chunk("IDAT", compressed.ToArray()), .. Chunk("IEND", [])];
    }

    /// <summary>A 1 × 1 GIF.</summary>
    public static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    private static byte[] Chunk(string type, byte[] data)
    {
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        return [.. length, .. typed, .. crc];
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    public static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    public static bool Contains(byte[] haystack, string needle) => Contains(haystack, Encoding.UTF8.GetBytes(needle));

    /// <summary>The JPEG markers before the image data (APP0 = 0xE0, APP1 = 0xE1, COM = 0xFE…).</summary>
    public static List<byte> JpegMarkers(byte[] jpeg)
    {
        var markers = new List<byte>();
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            markers.Add(marker);
            if (marker == 0xDA) break; // start of scan
            i += 2 + (jpeg[i + 2] << 8 | jpeg[i + 3]);
        }
        return markers;
    }

    /// <summary>The PNG chunk types, in order.</summary>
    public static List<string> PngChunks(byte[] png)
    {
        var chunks = new List<string>();
        for (var i = 8; i + 8 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(i));
            chunks.Add(Encoding.ASCII.GetString(png, i + 4, 4));
            i += 12 + length;
        }
        return chunks;
    }
}

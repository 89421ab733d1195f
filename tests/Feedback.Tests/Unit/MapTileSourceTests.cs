using Feedback.Api.Infrastructure.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Feedback.Tests.Unit;

/// <summary>The client's CSP admits exactly the tile server its config.json names.</summary>
public sealed class MapTileSourceTests
{
    private static string SourceFor(string? configJson)
    {
        var root = Directory.CreateTempSubdirectory("feedback-csp-").FullName;
        try
        {
            if (configJson is not null) File.WriteAllText(Path.Combine(root, "config.json"), configJson);
            return SecurityHeadersMiddleware.MapTileSource(root, NullLogger.Instance);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestCase("""{"apiBaseUrl": "", "mapTileUrl": ""}""", "")]
    [TestCase("""{"apiBaseUrl": ""}""", "")]
    [TestCase(null, "")]
    [TestCase("not json", "")]
    [TestCase("""{"mapTileUrl": "/tiles/{z}/{x}/{y}.png"}""", "")]
    [TestCase("""{"mapTileUrl": "https://tiles.example.cn/{z}/{x}/{y}.png"}""", " https://tiles.example.cn")]
    [TestCase("""{"mapTileUrl": "https://{s}.tiles.example.cn/{z}/{x}/{y}.png"}""", " https://*.tiles.example.cn")]
    [TestCase("""{"mapTileUrl": "https://tiles.example.cn:8443/{z}/{x}/{y}.png"}""", " https://tiles.example.cn:8443")]
    [TestCase("""{"mapTileUrl": "http://tiles.example.cn/{z}/{x}/{y}.png"}""", "")]
    [TestCase("""{"mapTileUrl": "https://tiles-{s}.example.cn/{z}/{x}/{y}.png"}""", "")]
    public void Img_src_gains_the_tile_host_and_nothing_else(string? configJson, string expected) =>
        Assert.That(SourceFor(configJson), Is.EqualTo(expected));
}

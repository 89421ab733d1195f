using Dapper;
using Feedback.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// "Use my location" on a phone, with a Chinese tile service (GCJ-02): the browser is asked only
/// when the button is pressed, the pin lands where the tiles draw that place and can be moved, a
/// place outside the service area is refused in words, and the API stores WGS-84.
/// </summary>
public sealed class UseMyLocationJourneyTests : BrowserTest
{
    private static readonly byte[] Tile = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk2P+/HgAFBAJ/RZPn7QAAAABJRU5ErkJggg==");

    // A point in Shengzhou (WGS-84) and where GCJ-02 puts it (an independent implementation's value).
    private const double Latitude = 29.58, Longitude = 120.82;
    private const double GcjLatitude = 29.5774085, GcjLongitude = 120.8241372;

    private async Task ConfigureMapAsync(string coordinateSystem)
    {
        await Page.RouteAsync("**/config.json", route => route.FulfillAsync(new()
        {
            ContentType = "application/json",
            Body = $$"""{"apiBaseUrl": "", "mapTileUrl": "tiles/{z}/{x}/{y}.png", "mapAttribution": "测试底图", "mapCoordinateSystem": "{{coordinateSystem}}"}""",
        }));
        await Page.RouteAsync("**/tiles/**", route => route.FulfillAsync(new() { ContentType = "image/png", BodyBytes = Tile }));
        // Counts the page's requests for a position, to show none is made before the button.
        await Page.AddInitScriptAsync(
            """
            const ask = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
            window.__asked = 0;
            navigator.geolocation.getCurrentPosition = (...args) => { window.__asked++; return ask(...args); };
            """);
        await Context.GrantPermissionsAsync(["geolocation"]);
    }

    /// <summary>The slippy-map tile (x, y) holding a point at a zoom level.</summary>
    private static (int X, int Y) TileOf(double latitude, double longitude, int zoom)
    {
        var n = Math.Pow(2, zoom);
        var phi = latitude * Math.PI / 180;
        return ((int)Math.Floor((longitude + 180) / 360 * n),
            (int)Math.Floor((1 - Math.Log(Math.Tan(phi) + 1 / Math.Cos(phi)) / Math.PI) / 2 * n));
    }

    /// <summary>Whether the pin's centre lies inside the tile image (z, x, y) on screen, once that tile has loaded.</summary>
    private async Task<bool> PinIsOnTileAsync(int zoom, (int X, int Y) tile)
    {
        var image = Page.Locator($"img.leaflet-tile-loaded[src$='tiles/{zoom}/{tile.X}/{tile.Y}.png']");
        await Expect(image).ToBeVisibleAsync();
        var box = (await image.BoundingBoxAsync())!;
        var pin = (await Page.Locator(".leaflet-overlay-pane .leaflet-interactive").BoundingBoxAsync())!;
        var (x, y) = (pin.X + pin.Width / 2, pin.Y + pin.Height / 2);
        return x >= box.X && x < box.X + box.Width && y >= box.Y && y < box.Y + box.Height;
    }

    [Test]
    public async Task The_location_is_asked_for_on_the_button_drawn_on_gcj02_tiles_adjustable_and_stored_as_wgs84()
    {
        await ConfigureMapAsync("GCJ-02");
        await Context.SetGeolocationAsync(new() { Latitude = (float)Latitude, Longitude = (float)Longitude, Accuracy = 10 });
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("air.dust");
        await Page.GetByLabel("问题描述").FillAsync("路边堆场扬尘很大，风一吹整条街都是灰。");
        Assert.That(await Page.EvaluateAsync<int>("() => window.__asked"), Is.Zero, "no position is asked for before the button");

        await Page.GetByRole(AriaRole.Button, new() { Name = "使用我的位置" }).ClickAsync();
        await Expect(Page.GetByTestId("pin")).ToContainTextAsync("北纬 29.58000，东经 120.82000");
        Assert.That(await Page.EvaluateAsync<int>("() => window.__asked"), Is.EqualTo(1));

        // The map opens on the spot: the pin sits on the tile that holds the GCJ-02 point (the WGS-84
        // point is on the tile to its west at this zoom), so a Chinese map shows the right street.
        var map = Page.GetByRole(AriaRole.Application, new() { Name = "地图：点击以标出位置" });
        await Expect(map.Locator(".leaflet-tile-loaded").First).ToBeVisibleAsync();
        var gcjTile = TileOf(GcjLatitude, GcjLongitude, 16);
        Assert.That(gcjTile.X, Is.Not.EqualTo(TileOf(Latitude, Longitude, 16).X), "the test's tiles tell the two systems apart");
        Assert.That(await PinIsOnTileAsync(16, gcjTile), Is.True, "the pin is drawn at the GCJ-02 point");
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "the form with the map open");

        // Adjustable: a tap 60 px east moves the pin east; the stored point is WGS-84 again.
        await map.ScrollIntoViewIfNeededAsync();
        var box = (await map.BoundingBoxAsync())!;
        await Page.Mouse.ClickAsync(box.X + box.Width / 2 + 60, box.Y + box.Height / 2);
        await Expect(Page.GetByTestId("pin")).Not.ToContainTextAsync("东经 120.82000");
        var shown = await Page.GetByTestId("pin").InnerTextAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var code = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();

        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var (latitude, longitude) = await connection.QuerySingleAsync<(double, double)>(
            "select latitude, longitude from complaints where tracking_code = @code", new { code });
        Assert.Multiple(() =>
        {
            Assert.That(shown, Does.Contain($"东经 {longitude:F5}"), "what the citizen saw is what was stored");
            Assert.That(longitude, Is.InRange(Longitude + 0.0001, Longitude + 0.01), "east of the found spot, in WGS-84");
            Assert.That(latitude, Is.EqualTo(Latitude).Within(0.0005));
        });
    }

    [Test]
    public async Task A_location_outside_the_service_area_is_refused_with_a_reason()
    {
        await ConfigureMapAsync("WGS-84");
        await Context.SetGeolocationAsync(new() { Latitude = 30.27f, Longitude = 120.15f, Accuracy = 10 }); // Hangzhou
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("air.dust");
        await Page.GetByRole(AriaRole.Button, new() { Name = "使用我的位置" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("您现在的位置不在本局的服务范围（嵊州市）内");
        await Expect(Page.GetByTestId("pin")).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "在地图上标出位置" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task A_refused_permission_is_told_in_words_and_the_map_still_works()
    {
        await ConfigureMapAsync("WGS-84");
        await Context.ClearPermissionsAsync();
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("air.dust");
        await Page.GetByRole(AriaRole.Button, new() { Name = "使用我的位置" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("没有获得位置权限");
        await Page.GetByRole(AriaRole.Button, new() { Name = "在地图上标出位置" }).ClickAsync();
        var map = Page.GetByRole(AriaRole.Application, new() { Name = "地图：点击以标出位置" });
        // The map's code loads when it opens: a tap before it is drawn would land on an empty box.
        await Expect(map.Locator(".leaflet-tile-loaded").First).ToBeVisibleAsync();
        await map.ClickAsync();
        await Expect(Page.GetByTestId("pin")).ToContainTextAsync("北纬 29.");
    }
}

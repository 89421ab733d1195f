using Dapper;
using Feedback.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace Feedback.Tests.EndToEnd;

/// <summary>A citizen attaches photos to a complaint, finds them on the tracking page, adds more; staff see them.</summary>
public sealed class PhotoJourneyTests : StaffConsoleTest
{
    private const string Description = "河边的小作坊往河里直接排放污水，水面发黑发臭，附上照片。";

    /// <summary>Every image in the area has loaded real pixels.</summary>
    private static async Task ExpectImagesLoadedAsync(ILocator images, int count)
    {
        await Assertions.Expect(images).ToHaveCountAsync(count);
        for (var i = 0; i < count; i++)
            await Assertions.Expect(images.Nth(i)).ToHaveJSPropertyAsync("complete", true);
        var widths = await images.EvaluateAllAsync<int[]>("imgs => imgs.map(i => i.naturalWidth)");
        Assert.That(widths, Has.All.GreaterThan(0));
    }

    [Test]
    public async Task A_citizen_submits_two_photos_sees_them_when_tracking_and_staff_see_them_on_the_case()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("投诉类别").SelectOptionAsync("air.odor");
        await Page.GetByLabel("问题描述").FillAsync(Description);
        await Page.GetByTestId("photo-input").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "河边.png", MimeType = "image/png", Buffer = TestImages.Png(64, 48) },
            new FilePayload { Name = "IMG_0001.jpg", MimeType = "image/jpeg", Buffer = TestImages.JpegWithMetadata(80, 40, orientation: 6) },
        });
        var items = Page.GetByTestId("photo-item");
        await Expect(items).ToHaveCountAsync(2);
        await Expect(items.Filter(new() { HasText = "已上传" })).ToHaveCountAsync(2);
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "添加照片（2/9）" })).ToBeVisibleAsync();
        Assert.That(await SeriousViolationsAsync(Page), Is.Empty, "submit page with photos");

        // A reload keeps the uploaded photos with the rest of the draft.
        await Page.ReloadAsync();
        await Expect(Page.GetByLabel("问题描述")).ToHaveValueAsync(Description);
        await Expect(items.Filter(new() { HasText = "已上传" })).ToHaveCountAsync(2);
        await ExpectImagesLoadedAsync(items.Locator("img"), 2);

        await Page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        var trackingCode = (await Page.GetByTestId("tracking-code").InnerTextAsync()).Replace(" ", "").Trim();
        var password = (await Page.GetByTestId("query-password").InnerTextAsync()).Replace(" ", "").Trim();
        await using (var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString))
        {
            var attached = await connection.QuerySingleAsync<long>(
                "select count(*) from photos p join complaints c on c.id = p.complaint_id where c.tracking_code = @trackingCode", new { trackingCode });
            Assert.That(attached, Is.EqualTo(2));
        }

        // The tracking page shows both, fetched with the password.
        await Page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "查询进度" }).ClickAsync();
        await Page.GetByLabel("查询密码", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        var casePhotos = Page.GetByTestId("case-photos");
        await ExpectImagesLoadedAsync(casePhotos.Locator("img"), 2);
        await Expect(casePhotos.GetByAltText("照片 1（共 2 张）")).ToBeVisibleAsync();
        // Turned upright on the server: 80 × 40 with orientation 6 is 40 wide, 80 high.
        var sizes = await casePhotos.Locator("img").EvaluateAllAsync<int[][]>("imgs => imgs.map(i => [i.naturalWidth, i.naturalHeight])");
        Assert.That(sizes.Select(s => (s[0], s[1])), Is.EquivalentTo(new[] { (64, 48), (40, 80) }));
        Assert.That(await SeriousViolationsAsync(Page), Is.Empty, "tracking page with photos and the supplement form");

        // The citizen adds information and a third photo.
        await Page.GetByLabel("补充说明").FillAsync("今天下午又排了一次，颜色更深。");
        await Page.Locator("#s-photos-input").SetInputFilesAsync(new FilePayload { Name = "third.jpg", MimeType = "image/jpeg", Buffer = TestImages.Jpeg(30, 30) });
        await Expect(Page.Locator(".supplement").GetByTestId("photo-item").Filter(new() { HasText = "已上传" })).ToHaveCountAsync(1);
        await Page.GetByRole(AriaRole.Button, new() { Name = "提交补充材料" }).ClickAsync();
        await Expect(Page.GetByText("您补充了材料：今天下午又排了一次，颜色更深。（照片 1 张）")).ToBeVisibleAsync();
        await ExpectImagesLoadedAsync(casePhotos.Locator("img"), 3);

        // Staff of the handling section see the photos and the supplement on the case page.
        await SignInAsync(Page, "enforcement.staff");
        await Page.GotoAsync($"/#/staff/cases/{trackingCode}");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "照片（3 张）" })).ToBeVisibleAsync();
        await ExpectImagesLoadedAsync(Page.GetByTestId("case-photos").Locator("img"), 3);
        var supplement = Page.Locator(".event[data-type='supplement']");
        await Expect(supplement).ToContainTextAsync("群众补充材料");
        await Expect(supplement).ToContainTextAsync("今天下午又排了一次，颜色更深。");
        await Expect(supplement).ToContainTextAsync("附照片 1 张");
        Assert.That(await SeriousViolationsAsync(Page), Is.Empty, "case page with photos");
    }

    [Test]
    public async Task A_file_the_server_refuses_shows_why_and_the_rest_of_the_form_stays()
    {
        await Page.GotoAsync("/");
        await Page.GetByLabel("问题描述").FillAsync(Description);
        // Claims to be a JPEG; the server reads its bytes and refuses it (415).
        await Page.GetByTestId("photo-input").SetInputFilesAsync(new FilePayload
        {
            Name = "notes.jpg", MimeType = "image/jpeg", Buffer = System.Text.Encoding.UTF8.GetBytes("这不是照片"),
        });
        var item = Page.GetByTestId("photo-item");
        await Expect(item).ToContainTextAsync("只能上传 JPEG、PNG 或 WebP");
        await Expect(Page.GetByLabel("问题描述")).ToHaveValueAsync(Description);
        await item.GetByRole(AriaRole.Button, new() { Name = "移除照片 1" }).ClickAsync();
        await Expect(item).ToHaveCountAsync(0);
        Assert.That(await CountAsync("photos"), Is.Zero);
    }

    [Test]
    public async Task A_failed_upload_can_be_retried()
    {
        await Page.GotoAsync("/");
        await Page.RouteAsync("**/api/v1/uploads", route => route.AbortAsync());
        await Page.GetByTestId("photo-input").SetInputFilesAsync(new FilePayload { Name = "a.png", MimeType = "image/png", Buffer = TestImages.Png() });
        var item = Page.GetByTestId("photo-item");
        await Expect(item).ToContainTextAsync("网络连接失败");
        await Page.UnrouteAsync("**/api/v1/uploads");
        await item.GetByRole(AriaRole.Button, new() { Name = "重试" }).ClickAsync();
        await Expect(item).ToContainTextAsync("已上传");
        Assert.That(await CountAsync("photos"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_photo_picker_fits_a_360_pixel_phone()
    {
        await Page.GotoAsync("/");
        var files = Enumerable.Range(0, 9).Select(i => new FilePayload { Name = $"p{i}.png", MimeType = "image/png", Buffer = TestImages.Png(40 + i, 30) }).ToArray();
        await Page.GetByTestId("photo-input").SetInputFilesAsync(files);
        await Expect(Page.GetByTestId("photo-item").Filter(new() { HasText = "已上传" })).ToHaveCountAsync(9);
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "已添加 9 张照片" })).ToBeDisabledAsync();
        var overflow = await Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0));
    }
}

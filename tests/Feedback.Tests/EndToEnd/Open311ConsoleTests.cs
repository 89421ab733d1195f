using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// Open311 in the console, on a phone: the administrator issues a key and sees it once, another
/// system files a case with it, a leader finds the case with where it came from, and the revoked
/// key stops working at once.
/// </summary>
public sealed class Open311ConsoleTests : StaffConsoleTest
{
    private const string System = "12345 市民热线平台";
    private const string MediaUrl = "https://fixmystreet.example/p/1.jpeg";

    [Test]
    public async Task A_key_is_shown_once_files_a_case_the_console_names_as_open311_and_stops_working_when_revoked()
    {
        // Nothing is ever fetched from the other system's photo host, on any page of this test.
        var outside = new List<string>();
        Context.Request += (_, request) =>
        {
            if (request.Url.Contains("fixmystreet.example")) outside.Add(request.Url);
        };

        await SignInAsync(Page, "admin");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Open311 密钥" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Open311 密钥", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByText("还没有签发过密钥。")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("discovery")).ToHaveAttributeAsync("href", "/open311/v2/discovery.json");

        // The server's refusal of a budget out of range is shown at its field; nothing is issued.
        await Page.GetByRole(AriaRole.Button, new() { Name = "签发密钥" }).ClickAsync();
        await Page.GetByLabel("名称（对接的系统）").FillAsync(System);
        await Page.GetByLabel("每分钟请求数").FillAsync("20000");
        await Page.GetByRole(AriaRole.Button, new() { Name = "签发", Exact = true }).ClickAsync();
        var rpmField = Page.Locator(".field", new() { Has = Page.GetByLabel("每分钟请求数") });
        await Expect(rpmField.Locator(".field-error")).ToHaveTextAsync("每分钟请求数须在 1 至 10000 之间");
        await Expect(Page.GetByLabel("每分钟请求数")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByTestId("new-key")).ToHaveCountAsync(0);
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "the issue form with an error");

        await Page.GetByLabel("每分钟请求数").FillAsync("120");
        await Page.GetByRole(AriaRole.Button, new() { Name = "签发", Exact = true }).ClickAsync();

        // The key, once, with a plain warning and a copy button; the list shows only its first characters.
        var panel = Page.GetByTestId("new-key");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Heading)).ToHaveTextAsync($"“{System}”的密钥");
        await Expect(panel).ToContainTextAsync("这个密钥只显示这一次");
        await Expect(panel).ToContainTextAsync("交给该系统的运维人员");
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "复制密钥" })).ToBeVisibleAsync();
        var key = (await panel.GetByTestId("new-key-value").InnerTextAsync()).Trim();
        Assert.That(key, Does.StartWith("fb311_"));
        var row = Page.Locator(".key-item", new() { HasText = System });
        await Expect(row).ToHaveAttributeAsync("data-state", "live");
        await Expect(row.GetByTestId("key-shown")).ToHaveTextAsync(key[..10] + "…");
        await Expect(row).ToContainTextAsync("120");
        await Expect(row).ToContainTextAsync("从未使用");
        await Expect(row.GetByTestId("key-filed")).ToHaveTextAsync("0");
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "the keys page with the new key");
        await ScreenshotAsync("open311-keys-new-key-zh-360");
        await Page.SetViewportSizeAsync(1280, 800);
        await ScreenshotAsync("open311-keys-new-key-zh-1280");
        await Page.SetViewportSizeAsync(360, 740);

        // Closed, the key is gone for good: not on the page, not after a reload.
        await panel.GetByRole(AriaRole.Button, new() { Name = "已交给对方，关闭" }).ClickAsync();
        await Expect(panel).ToHaveCountAsync(0);
        await Expect(Page.Locator("body")).Not.ToContainTextAsync(key);
        await Page.ReloadAsync();
        await Expect(row).ToBeVisibleAsync();
        await Expect(Page.Locator("body")).Not.ToContainTextAsync(key);

        // A second live key of the same name is refused in words.
        await Page.GetByRole(AriaRole.Button, new() { Name = "签发密钥" }).ClickAsync();
        await Page.GetByLabel("名称（对接的系统）").FillAsync(System);
        await Page.GetByRole(AriaRole.Button, new() { Name = "签发", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("issue-error")).ToContainTextAsync("已有同名的有效密钥");
        await Expect(Page.GetByTestId("new-key")).ToHaveCountAsync(0);
        await Expect(Page.Locator(".key-item")).ToHaveCountAsync(1);

        // Another system files a case with the key.
        using var filed = await Client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = key,
            ["service_code"] = "noise.construction",
            ["attribute[when]"] = "night",
            ["description"] = "城东路工地每天夜里十一点以后还在打桩，噪声很大。",
            ["address_string"] = "剡湖街道城东路 88 号工地",
            ["media_url"] = MediaUrl,
            ["account_id"] = "fms-42",
        }));
        var body = await filed.Content.ReadAsStringAsync();
        Assert.That((int)filed.StatusCode, Is.EqualTo(201), body);
        var code = (string)JsonNode.Parse(body)!.AsArray().Single()!["service_request_id"]!;

        // A leader sees it in the queue as filed through Open311 by that system…
        await SignInAsync(Page, "leader");
        await Page.GotoAsync("/#/staff");
        await Expect(Row(Page, code).GetByTestId("channel")).ToHaveTextAsync($"Open311 接口 · {System}");

        // …and on the case, where it came from; the photo is a link to open with care, never loaded.
        await Row(Page, code).Locator(".code-link").ClickAsync();
        await Expect(Page.GetByTestId("description")).ToContainTextAsync("城东路工地");
        await Expect(Page.GetByTestId("case-channel")).ToHaveTextAsync($"Open311 接口 · {System}");
        var source = Page.GetByTestId("open311-source");
        await Expect(source.GetByTestId("source-key")).ToHaveTextAsync(System);
        await Expect(source.GetByTestId("source-account")).ToHaveTextAsync("fms-42");
        var media = source.GetByTestId("source-media");
        await Expect(media).ToHaveTextAsync(MediaUrl);
        Assert.That(await media.EvaluateAsync<string>("e => e.tagName"), Is.EqualTo("A"));
        await Expect(media).ToHaveAttributeAsync("href", MediaUrl);
        await Expect(media).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Expect(media).ToHaveAttributeAsync("target", "_blank");
        await Expect(source).ToContainTextAsync("指向本局以外的网站");
        await Expect(Page.GetByTestId("timeline").Locator("li[data-type=submitted]")).ToContainTextAsync("其他系统通过 Open311 接口代群众提交");
        await Expect(Page.Locator($"img[src*='fixmystreet.example']")).ToHaveCountAsync(0);
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "the case filed through Open311");
        await source.ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync("open311-case-source-zh-360");
        await source.ScreenshotAsync(new() { Path = ShotPath("open311-case-source-zh-360-section") });

        // The administrator sees it counted, then revokes the key after a confirmation naming it.
        await SignInAsync(Page, "admin");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Open311 密钥" }).ClickAsync();
        await Expect(row.GetByTestId("key-filed")).ToHaveTextAsync("1");
        await Expect(row).Not.ToContainTextAsync("从未使用");
        await row.GetByRole(AriaRole.Button, new() { Name = $"吊销 {System}" }).ClickAsync();
        var confirm = Page.GetByTestId("revoke-confirm");
        await Expect(confirm.GetByRole(AriaRole.Heading)).ToHaveTextAsync($"吊销密钥“{System}”？");
        await Expect(confirm).ToContainTextAsync("立即被拒绝");
        Assert.That(await SeriousViolationsAsync(), Is.Empty, "the revoke confirmation");
        await ScreenshotAsync("open311-keys-revoke-zh-360");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "确认吊销" }).ClickAsync();
        await Expect(Page.Locator("#keys-notice")).ToContainTextAsync($"已吊销密钥“{System}”");
        await Expect(row).ToHaveAttributeAsync("data-state", "revoked");
        await Expect(row.GetByTestId("key-status")).ToContainTextAsync("吊销");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = $"吊销 {System}" })).ToHaveCountAsync(0);

        // The key no longer works.
        using var refused = await Client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = key,
            ["service_code"] = "noise.construction",
            ["attribute[when]"] = "night",
            ["description"] = "又在夜间施工。",
            ["address_string"] = "剡湖街道城东路 88 号工地",
        }));
        Assert.That((int)refused.StatusCode, Is.EqualTo(403), await refused.Content.ReadAsStringAsync());

        // The same page in English.
        await Page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Open311 keys", Level = 1 })).ToBeVisibleAsync();
        await Expect(row.GetByTestId("key-status")).ToContainTextAsync("Revoked");
        await ScreenshotAsync("open311-keys-revoked-en-360");

        var overflow = await Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0), "the keys page fits a 360-pixel phone");
        Assert.That(outside, Is.Empty, "nothing was requested from the other system's photo host");
    }

    private static string ShotPath(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "feedback-screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $"{name}.png");
    }

    private async Task ScreenshotAsync(string name)
    {
        var file = ShotPath(name);
        await Page.ScreenshotAsync(new() { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file);
    }
}

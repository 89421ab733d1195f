using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>What the staff console's tests share: signing in through the sign-in page, opening cases.</summary>
public abstract class StaffConsoleTest : BrowserTest
{
    /// <summary>Signs in on the console's sign-in page and waits for the first page after it.</summary>
    protected static async Task SignInAsync(IPage page, string username, string password = StaffLogin.DemoPassword)
    {
        var signOut = page.GetByRole(AriaRole.Button, new() { Name = "退出登录" });
        if (await signOut.IsVisibleAsync()) await signOut.ClickAsync(); // someone else is signed in here
        await page.GotoAsync("/#/staff/login");
        await page.GetByLabel("用户名").FillAsync(username);
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
        await Assertions.Expect(signOut).ToBeVisibleAsync();
    }

    /// <summary>Searches the queue the way a person does: the search box, then the button.</summary>
    protected static async Task SearchAsync(IPage page, string words)
    {
        await page.GetByLabel("搜索案件").FillAsync(words);
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".queue-count")).ToContainTextAsync(words);
    }

    protected static ILocator Row(IPage page, string trackingCode) => page.Locator($".queue-row[data-code='{trackingCode}']");

    /// <summary>A complaint filed through the public API; its tracking code and query password.</summary>
    protected async Task<(string Code, string Password)> FileAsync(string categoryCode, string description)
    {
        // Noise categories ask when it happens (a required question).
        var answers = categoryCode.StartsWith("noise.") ? new Dictionary<string, string> { ["when"] = "night" } : null;
        var filed = await SubmitAsync(new { categoryCode, description, township = "剡湖街道", answers });
        return ((string)filed["trackingCode"]!, (string)filed["queryPassword"]!);
    }

    /// <summary>Opens a case's form (a toggle button), fills its one text box and sends it.</summary>
    protected static async Task ActAsync(IPage page, string toggle, string label, string text, string send)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = toggle, Exact = true }).ClickAsync();
        await page.GetByLabel(label).FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = send, Exact = true }).ClickAsync();
    }

    /// <summary>Opens a staff account for one test (a throwaway name), through the admin API.</summary>
    protected static async Task<string> NewAccountAsync(string role = "staff", string section = "enforcement", string password = "first-pass-1")
    {
        using var admin = await StaffAsync("admin");
        var username = "t" + Guid.NewGuid().ToString("N")[..10];
        using var response = await admin.PostAsJsonAsync("/api/v1/admin/users",
            new { username, displayName = "测试 " + username[..4], role, sectionCode = section, password });
        Assert.That((int)response.StatusCode, Is.EqualTo(201), await response.Content.ReadAsStringAsync());
        return username;
    }

    /// <summary>Whether a token is kept in this tab's sessionStorage, and whether one is anywhere in localStorage.</summary>
    protected static async Task<(bool Session, bool Local)> ReadStorageAsync(IPage page)
    {
        var found = await page.EvaluateAsync<bool[]>(
            "() => [sessionStorage, localStorage].map((store) => Object.keys(store).some((k) => /Token/.test(store.getItem(k) ?? '')))");
        return (found[0], found[1]);
    }

    protected static async Task<JsonObject> ReadSessionAsync(IPage page)
    {
        var raw = await page.EvaluateAsync<string?>("() => sessionStorage.getItem('feedback.staff.session.v1')");
        Assert.That(raw, Is.Not.Null, "the console keeps its session in sessionStorage");
        return JsonNode.Parse(raw!)!.AsObject();
    }
}

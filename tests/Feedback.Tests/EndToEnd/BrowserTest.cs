using Feedback.Tests.Support;
using Microsoft.Playwright;

namespace Feedback.Tests.EndToEnd;

/// <summary>
/// Drives the machine's Chromium (Debian's package; test tools cannot download browsers here)
/// against the real API serving the built web client. Fails on any script error, Content-Security-Policy
/// violation, missing asset or server error.
/// </summary>
public abstract class BrowserTest : IntegrationTest
{
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("FEEDBACK_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly List<string> _consoleErrors = [];

    protected IBrowserContext Context { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;

    private static readonly string AxeScript = File.ReadAllText(
        Path.Combine(RepositoryPaths.Root, "web-client", "node_modules", "axe-core", "axe.min.js"));

    /// <summary>
    /// axe-core (the web client's pinned dev dependency) on the page as it is now: the serious and
    /// critical WCAG 2.1 A/AA violations, one line each. Evaluated by the test driver, so the page's CSP does not apply.
    /// </summary>
    protected async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage? page = null)
    {
        page ??= Page;
        await page.EvaluateAsync(AxeScript);
        var violations = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            """
            async () => (await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }))
                .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`)
            """);
        return violations.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    /// <summary>One browser per test class; every test gets a fresh context (no shared storage or cookies).</summary>
    [OneTimeSetUp]
    public async Task LaunchBrowserAsync()
    {
        Assert.That(File.Exists(Path.Combine(RepositoryPaths.WebClientDist, "index.html")), Is.True,
            "the web client is not built: run `make test`, which builds it");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    [OneTimeTearDown]
    public async Task CloseBrowserAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }

    [SetUp]
    public async Task OpenPageAsync()
    {
        _consoleErrors.Clear();
        var phone = !Laptop;
        Context = await _browser.NewContextAsync(new()
        {
            BaseURL = SiteAddress.ToString(),
            ViewportSize = phone ? new() { Width = 360, Height = 740 } : new() { Width = 1280, Height = 800 },
            Locale = "zh-CN",
            IsMobile = phone,
            HasTouch = phone,
        });
        Context.SetDefaultTimeout(15_000);
        Page = await NewPageAsync();
    }

    /// <summary>The API serving the client that relative page addresses open: the shared one unless a test class starts its own.</summary>
    protected virtual Uri SiteAddress => App.BaseAddress;

    /// <summary>A small phone (360 × 740) unless a test class works on a laptop screen (1280 × 800).</summary>
    protected virtual bool Laptop => false;

    /// <summary>
    /// Another tab in the same browser context (same cookies and localStorage; its own sessionStorage),
    /// watched like the first one.
    /// </summary>
    protected async Task<IPage> NewPageAsync()
    {
        var page = await Context.NewPageAsync();
        // API answers such as a 404 for a wrong password are the tests' business; a missing asset,
        // a server error, a script error or a CSP violation never is.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource")) _consoleErrors.Add(message.Text);
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 500 || (response.Status >= 400 && !response.Url.Contains("/api/")))
                _consoleErrors.Add($"HTTP {response.Status} {response.Url}");
        };
        page.PageError += (_, error) => _consoleErrors.Add(error);
        return page;
    }

    [TearDown]
    public async Task ClosePageAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed && Page is not null)
        {
            var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{TestContext.CurrentContext.Test.Name}.png");
            await Page.ScreenshotAsync(new() { Path = file, FullPage = true });
            TestContext.AddTestAttachment(file);
        }
        await Context.CloseAsync();
        Assert.That(_consoleErrors, Is.Empty, "the browser console reported errors");
    }

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}

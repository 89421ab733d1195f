using System.Diagnostics;
using System.Net;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Photos;

/// <summary>
/// A photo store that cannot take a file — a real full disk and a real read-only one, small tmpfs
/// mounts — answers 503 with Retry-After, keeps no debris, and readiness says so. Mounting needs
/// root; elsewhere these tests are skipped.
/// </summary>
[NonParallelizable]
public sealed class PhotoStorageFailureTests : PhotoTest
{
    private string _mount = null!;

    [SetUp]
    public void MountSmallDisk()
    {
        _mount = Path.Combine(Path.GetTempPath(), "feedback-tests", "small-disk-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_mount);
        if (Run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", _mount) != 0)
        {
            Directory.Delete(_mount);
            Assert.Ignore("Mounting a small tmpfs needs root: a real full disk cannot be made here.");
        }
    }

    [TearDown]
    public void Unmount()
    {
        if (Run("umount", _mount) == 0) Directory.Delete(_mount);
    }

    private static int Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    private FeedbackApp StoreOnTheSmallDisk()
    {
        var app = new FeedbackApp(TestEnvironment.Database.ConnectionString,
            settings: new Dictionary<string, string> { ["FEEDBACK_UPLOADS_DIR"] = _mount });
        app.StartServer();
        return app;
    }

    private static async Task<HttpResponseMessage> UploadToAsync(HttpClient client, byte[] bytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/uploads") { Content = Form(bytes) };
        request.Headers.Add("X-Device-Token", Device);
        return await client.SendAsync(request);
    }

    [Test]
    public async Task A_full_disk_is_a_503_with_Retry_After_and_leaves_no_partial_file_or_row()
    {
        await using var app = StoreOnTheSmallDisk();
        using var client = app.CreateHttpClient();
        var photo = TestImages.Jpeg(600, 400);
        var stored = 0;
        HttpResponseMessage? refused = null;
        for (var attempt = 0; attempt < 100 && refused is null; attempt++)
        {
            var response = await UploadToAsync(client, photo);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                stored++;
                response.Dispose();
            }
            else refused = response;
        }
        Assert.That(refused, Is.Not.Null, "the 256 KB disk filled up");
        using (refused)
        {
            var problem = await AssertProblemAsync(refused!, 503);
            var files = Directory.GetFiles(_mount, "*", SearchOption.AllDirectories);
            Assert.Multiple(async () =>
            {
                Assert.That((string?)problem["title"], Does.Contain("照片暂时无法保存"));
                Assert.That(refused!.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromMinutes(1)));
                Assert.That(files.Where(f => f.EndsWith(".partial", StringComparison.Ordinal)), Is.Empty, "no debris");
                Assert.That(files, Has.Length.EqualTo(stored), "one file for each photo acknowledged");
                Assert.That(await CountAsync("photos"), Is.EqualTo(stored), "no row for the refused one");
            });
        }
    }

    [Test]
    public async Task A_read_only_store_is_a_503_and_readiness_reports_it()
    {
        await using var app = StoreOnTheSmallDisk();
        using var client = app.CreateHttpClient();
        using (var ready = await client.GetAsync("/health/ready"))
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That(Run("mount", "-o", "remount,ro", _mount), Is.Zero);
        using var upload = await UploadToAsync(client, TestImages.Jpeg());
        using var notReady = await client.GetAsync("/health/ready");
        var problem = await AssertProblemAsync(notReady, 503);
        Assert.Multiple(async () =>
        {
            await AssertProblemAsync(upload, 503);
            Assert.That((string?)problem["title"], Does.Contain("照片存储无法写入"));
            Assert.That(await CountAsync("photos"), Is.Zero);
        });

        Assert.That(Run("mount", "-o", "remount,rw", _mount), Is.Zero);
        using var readyAgain = await client.GetAsync("/health/ready");
        Assert.That(readyAgain.StatusCode, Is.EqualTo(HttpStatusCode.OK), "ready again once the store can be written");
    }
}

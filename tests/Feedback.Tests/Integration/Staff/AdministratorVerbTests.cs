using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Staff;

/// <summary>`make admin` on a fresh installation: the built API's "admin" verb, run as a process.</summary>
public sealed class AdministratorVerbTests : IntegrationTest
{
    private static async Task<(int ExitCode, string Output)> RunAdminVerbAsync(string username, string password)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Feedback.Api.dll"), "admin", username])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["FEEDBACK_DB"] = TestEnvironment.Database.ConnectionString;
        start.Environment["FEEDBACK_ADMIN_PASSWORD"] = password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [Test]
    public async Task Creates_the_first_administrator_once_and_refuses_weak_passwords()
    {
        var username = $"root{Random.Shared.Next(100000, 999999)}";
        var weak = await RunAdminVerbAsync(username, "short");
        Assert.That(weak.ExitCode, Is.EqualTo(2), weak.Output);

        var created = await RunAdminVerbAsync(username, "Sheng-zhou-2026");
        Assert.That(created.ExitCode, Is.EqualTo(0), created.Output);
        Assert.That(created.Output, Does.Not.Contain("Sheng-zhou-2026"), "the password is never echoed");

        var again = await RunAdminVerbAsync(username, "Another-pass-2026");
        Assert.That(again.ExitCode, Is.EqualTo(1), again.Output);

        using var login = await Client.PostAsJsonAsync("/api/v1/auth/login", new { username, password = "Sheng-zhou-2026" });
        Assert.That((int)login.StatusCode, Is.EqualTo(200), "the first password still works: the second run changed nothing");
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        me.Headers.Authorization = new("Bearer", (string)(await ReadJsonAsync(login))["accessToken"]!);
        using var profile = await Client.SendAsync(me);
        Assert.That((string)(await ReadJsonAsync(profile))["role"]!, Is.EqualTo("admin"));
    }
}

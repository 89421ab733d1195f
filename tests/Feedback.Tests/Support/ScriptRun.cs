using System.Diagnostics;

namespace Feedback.Tests.Support;

/// <summary>What a script of scripts/ printed and how it ended.</summary>
public sealed record ScriptRun(int ExitCode, string Output, string Errors)
{
    /// <summary>
    /// Runs scripts/NAME with bash and the given environment settings. The caller's libpq settings
    /// (PGHOST, PGPORT…) are left out, so that a script's defaults apply unless a test sets them.
    /// </summary>
    public static async Task<ScriptRun> RunAsync(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "scripts", name), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in new[] { "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE" }) start.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ScriptRun(process.ExitCode, await output, await errors);
    }

    public ScriptRun EnsureSucceeded(string what)
    {
        if (ExitCode != 0) throw new InvalidOperationException($"{what} failed ({ExitCode}): {Errors}");
        return this;
    }
}

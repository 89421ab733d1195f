using System.Diagnostics;
using MimeKit;

namespace Feedback.Tests.Support;

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd, run by smtp_server.py) on a loopback port, keeping
/// every message it accepts as a file the test parses with MimeKit. It can be told to refuse,
/// to dawdle, to stop (connections refused) and to come back on the same port.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly string[] _options;
    private Process? _process;

    private SmtpTestServer(string[] options) => _options = options;

    public string Maildir { get; } = Path.Combine(Path.GetTempPath(), "feedback-tests", "smtp-" + Guid.NewGuid().ToString("N"));

    public int Port { get; private set; }

    /// <param name="options">Extra smtp_server.py options, e.g. --tls-cert, --user.</param>
    public static async Task<SmtpTestServer> StartAsync(params string[] options)
    {
        var server = new SmtpTestServer(options);
        await server.StartProcessAsync(port: 0);
        return server;
    }

    private async Task StartProcessAsync(int port)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[Path.Combine(RepositoryPaths.Root, "tests", "Feedback.Tests", "Support", "smtp_server.py"),
                     "--maildir", Maildir, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. _options])
            start.ArgumentList.Add(argument);
        _process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("READY ", StringComparison.Ordinal))
            throw new InvalidOperationException("The SMTP server did not start: " + await _process.StandardError.ReadToEndAsync(timeout.Token));
        Port = int.Parse(line[6..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How the server answers from now on: "ok", a reply such as "451 4.3.0 Try later", or "slow 2".</summary>
    public void SetMode(string mode) => File.WriteAllText(Path.Combine(Maildir, "mode"), mode);

    /// <summary>Stops listening: connections are refused until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Listens again on the same port, keeping the messages received so far.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync(Port);
    }

    /// <summary>Forgets the messages received and the mode.</summary>
    public void Clear()
    {
        foreach (var file in Directory.EnumerateFiles(Maildir)) File.Delete(file);
    }

    /// <summary>Every message received, in order.</summary>
    public IReadOnlyList<MimeMessage> Messages() =>
        Directory.EnumerateFiles(Maildir, "*.eml").Order(StringComparer.Ordinal).Select(file => MimeMessage.Load(file)).ToList();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(Maildir, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

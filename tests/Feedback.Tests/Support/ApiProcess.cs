using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Feedback.Tests.Support;

/// <summary>
/// The built API as a real process on a free loopback port, for what only a process shows: signals,
/// shutdown, exit codes. Its output is kept for the assertion messages.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public Uri BaseAddress { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The lines it has written so far, stdout and stderr together.</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_output) return _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToList(); }
    }

    public bool HasExited => _process.HasExited;

    /// <param name="environment">Variables for the process; a null value removes one the test run has.</param>
    public ApiProcess(IReadOnlyDictionary<string, string?> environment)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Feedback.Api.dll"), "--urls", BaseAddress.ToString()])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var (key, value) in environment)
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Waits until /health/ready answers 200.</summary>
    public async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The API exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The API was not ready in time:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops an instance.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])!;
        kill.WaitForExit();
    }

    /// <summary>Whether a new connection to the port is refused (the server stopped listening).</summary>
    public async Task<bool> RefusesConnectionsAsync()
    {
        using var socket = new TcpClient();
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, BaseAddress.Port);
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

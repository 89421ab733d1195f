using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Feedback.Tests.Support;

/// <summary>
/// A real, throwaway PostgreSQL cluster in a temporary directory, started with the same script
/// `make run` uses. Nothing is mocked: the tests see the server production sees.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _directory;

    /// <summary>The API's role: reads and writes, no DDL, no rewriting of evidence.</summary>
    public string ConnectionString { get; }
    /// <summary>The schema owner's role, which runs the migrations.</summary>
    public string MigrationConnectionString { get; }
    /// <summary>Superuser connection, for resetting data between tests.</summary>
    public string AdminConnectionString { get; }

    private PostgresCluster(string directory, string connectionString, string migrationConnectionString, string adminConnectionString)
    {
        _directory = directory;
        ConnectionString = connectionString;
        MigrationConnectionString = migrationConnectionString;
        AdminConnectionString = adminConnectionString;
    }

    public static async Task<PostgresCluster> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "feedback-test-" + Guid.NewGuid().ToString("N")[..12]);
        var output = await RunScriptAsync("start", Path.Combine(root, "pg"), FreePort().ToString());
        string Value(string key) => output.Split('\n').Single(line => line.StartsWith(key + "=")).Trim()[(key.Length + 1)..];
        return new PostgresCluster(root, Value("FEEDBACK_DB"), Value("FEEDBACK_DB_MIGRATE"), Value("ADMIN_DB"));
    }

    public Task StopServerAsync() => RunScriptAsync("stop", Path.Combine(_directory, "pg"));

    public async Task StartServerAgainAsync()
    {
        var port = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Port;
        await RunScriptAsync("start", Path.Combine(_directory, "pg"), port.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> RunScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [RepositoryPaths.PgClusterScript, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"pg-cluster.sh {string.Join(' ', arguments)} failed: {await stderr}");
        return await stdout;
    }
}

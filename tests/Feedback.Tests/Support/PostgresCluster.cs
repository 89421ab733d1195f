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

    private PostgresCluster(string directory, string? walArchive, string connectionString, string migrationConnectionString, string adminConnectionString)
    {
        _directory = directory;
        WalArchive = walArchive;
        ConnectionString = connectionString;
        MigrationConnectionString = migrationConnectionString;
        AdminConnectionString = adminConnectionString;
    }

    /// <summary>The temporary folder holding the cluster, removed with it: room for a test's own files.</summary>
    public string Folder => _directory;
    public string DataDirectory => Path.Combine(_directory, "pg");
    public int Port => new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Port;
    /// <summary>Where the server archives its WAL; null when it does not.</summary>
    public string? WalArchive { get; }

    /// <param name="archiveWal">Archive the WAL (into <see cref="WalArchive"/>), as the local database of `make run` does.</param>
    public static async Task<PostgresCluster> StartAsync(bool archiveWal = false)
    {
        var root = Path.Combine(Path.GetTempPath(), "feedback-test-" + Guid.NewGuid().ToString("N")[..12]);
        var walArchive = archiveWal ? Path.Combine(root, "wal-archive") : null;
        var output = await RunScriptAsync(["start", Path.Combine(root, "pg"), LoopbackPort.Free().ToString(), .. Archive(walArchive)]);
        string Value(string key) => output.Split('\n').Single(line => line.StartsWith(key + "=")).Trim()[(key.Length + 1)..];
        return new PostgresCluster(root, walArchive, Value("FEEDBACK_DB"), Value("FEEDBACK_DB_MIGRATE"), Value("ADMIN_DB"));
    }

    public Task StopServerAsync() => RunScriptAsync("stop", DataDirectory);

    public Task StartServerAgainAsync() => RunScriptAsync(["start", DataDirectory, Port.ToString(), .. Archive(WalArchive)]);

    private static string[] Archive(string? walArchive) => walArchive is null ? [] : [walArchive];

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<string> RunScriptAsync(params string[] arguments) =>
        (await ScriptRun.RunAsync("pg-cluster.sh", arguments)).EnsureSucceeded($"pg-cluster.sh {string.Join(' ', arguments)}").Output;
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Cluster;

/// <summary>
/// `make cluster` in a temporary directory on free ports — etcd, Patroni with a primary and a
/// synchronous standby, two API instances of the build under test, HAProxy — started, stopped and
/// harmed with the scripts an operator and the chaos test use (scripts/cluster.sh, scripts/cluster-lib.sh).
/// </summary>
public sealed class ClusterTopology : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;

    private ClusterTopology(string directory, Dictionary<string, string> environment)
    {
        _directory = directory;
        _environment = environment;
    }

    /// <summary>The balancer, e.g. http://127.0.0.1:41234.</summary>
    public Uri BalancerAddress { get; private set; } = null!;

    /// <summary>The superuser on whichever node is primary.</summary>
    public string AdminConnectionString { get; private set; } = null!;

    /// <summary>Packages the cluster needs, by the commands they bring.</summary>
    public static string[] MissingCommands() =>
        new[] { "/usr/bin/patroni", "/usr/bin/etcd", "/usr/sbin/haproxy", "/usr/bin/socat", "/usr/bin/curl" }
            .Where(command => !File.Exists(command)).ToArray();

    public static async Task<ClusterTopology> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "feedback-cluster-" + Guid.NewGuid().ToString("N")[..12]);
        var topology = new ClusterTopology(directory, new Dictionary<string, string>
        {
            ["FEEDBACK_CLUSTER_DIR"] = directory,
            ["FEEDBACK_CLUSTER_PORT"] = FreePortRange(8).ToString(),
            ["FEEDBACK_PORT"] = FreePortRange(1).ToString(),
            // The instances run the API as this test run built it.
            ["FEEDBACK_CLUSTER_BUILD"] = "0",
            // Every request comes from 127.0.0.1.
            ["FEEDBACK_RATE_LIMIT_PER_MINUTE"] = "0",
        });
        try
        {
            await topology.RunAsync("scripts/cluster.sh", "start");
        }
        catch (Exception failure)
        {
            var logs = topology.LogTails();
            await topology.DisposeAsync();
            throw new InvalidOperationException(failure.Message + logs, failure);
        }
        var settings = File.ReadAllLines(Path.Combine(directory, "cluster.env"))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim('\''));
        topology.BalancerAddress = new Uri($"http://127.0.0.1:{settings["BALANCER_PORT"]}");
        topology.AdminConnectionString = settings["ADMIN_DB"];
        return topology;
    }

    /// <summary>Runs a function of scripts/cluster-lib.sh (cluster_kill_primary, cluster_primary…) and returns what it printed.</summary>
    public async Task<string> LibraryAsync(string function, params string[] arguments) =>
        (await RunAsync(["-c", "source scripts/cluster-lib.sh && \"$@\"", "_", function, .. arguments])).Trim();

    /// <summary>The 2xx responses each instance has given through the balancer, from HAProxy's admin socket.</summary>
    public async Task<IReadOnlyDictionary<string, long>> SuccessfulResponsesPerInstanceAsync()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(_directory, "run", "haproxy.sock")));
        await socket.SendAsync(Encoding.ASCII.GetBytes("show stat\n"));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var lines = (await new StreamReader(stream).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var columns = lines[0].TrimStart('#', ' ').Split(',');
        int Column(string name) => Array.IndexOf(columns, name);
        return lines.Skip(1).Select(line => line.Split(','))
            .Where(fields => fields[Column("pxname")] == "api" && fields[Column("svname")] != "BACKEND")
            .ToDictionary(fields => fields[Column("svname")], fields => long.Parse(fields[Column("hrsp_2xx")]));
    }

    /// <summary>The last lines of every part's log, for a failure's message (the directory goes with the cluster).</summary>
    public string LogTails()
    {
        var logs = Path.Combine(_directory, "logs");
        if (!Directory.Exists(logs)) return "";
        return string.Concat(Directory.GetFiles(logs, "*.log").Order().Select(file =>
            $"\n--- {Path.GetFileName(file)}\n{string.Join('\n', File.ReadLines(file).TakeLast(30))}"));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("scripts/cluster.sh", "stop");
        }
        finally
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Runs bash with the arguments in the repository, the cluster's settings in its environment; returns its output.</summary>
    private async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", arguments)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in _environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"bash {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        return await output;
    }

    /// <summary>The first of <paramref name="count"/> consecutive loopback ports that are free now.</summary>
    private static int FreePortRange(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Random.Shared.Next(20000, 60000);
            var listeners = new List<TcpListener>();
            try
            {
                for (var port = first; port < first + count; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    listeners.Add(listener);
                }
                return first;
            }
            catch (SocketException)
            {
            }
            finally
            {
                foreach (var listener in listeners) listener.Stop();
            }
        }
        throw new InvalidOperationException($"No {count} consecutive free loopback ports found.");
    }
}

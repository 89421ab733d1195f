using Feedback.Api.Infrastructure.Database;
using Npgsql;

namespace Feedback.Tests.Integration;

/// <summary>
/// With a primary and a standby named in one connection string, Npgsql tells an outage in ways a
/// single host never does; the API answers each with 503 (and retries at start-up) like any
/// other outage, and still tells a refused statement apart. The exceptions are Npgsql's own,
/// raised against the tests' real server.
/// </summary>
public sealed class MultiHostOutageTests
{
    [Test]
    public async Task No_host_in_the_role_asked_for_is_an_outage()
    {
        // The test server twice, and it is a primary: asked for a standby, neither host will do —
        // as during a failover, asked for the primary, before the standby is promoted.
        var port = new NpgsqlConnectionStringBuilder(TestEnvironment.Database.ConnectionString).Port;
        var failure = await OpenFailureAsync($"127.0.0.1:{port},127.0.0.1:{port}", "standby");
        Assert.That(failure.Message, Is.EqualTo("No suitable host was found."));
        Assert.That(DatabaseOutage.Is(failure), Is.True);
    }

    [Test]
    public async Task Every_host_unreachable_is_an_outage()
    {
        var failure = await OpenFailureAsync($"127.0.0.1:{ClosedPort()},127.0.0.1:{ClosedPort()}", "primary");
        Assert.That(failure.InnerException, Is.TypeOf<AggregateException>());
        Assert.That(DatabaseOutage.Is(failure), Is.True);
    }

    [Test]
    public async Task A_refused_statement_is_not_an_outage()
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select no_such_column from complaints", connection);
        var failure = Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
        Assert.That(DatabaseOutage.Is(failure!), Is.False);
    }

    private static async Task<NpgsqlException> OpenFailureAsync(string hosts, string role)
    {
        var settings = new NpgsqlConnectionStringBuilder(TestEnvironment.Database.ConnectionString)
        {
            Host = hosts, TargetSessionAttributes = role, Timeout = 5,
        };
        await using var dataSource = NpgsqlDataSource.Create(settings.ConnectionString);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
        }
        catch (NpgsqlException failure)
        {
            return failure;
        }
        Assert.Fail($"Opening a connection to {hosts} as {role} succeeded.");
        return null!;
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

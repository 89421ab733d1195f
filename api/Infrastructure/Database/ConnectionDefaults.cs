using System.Data.Common;
using Npgsql;

namespace Feedback.Api.Infrastructure.Database;

/// <summary>
/// Npgsql settings the service runs best with, applied unless FEEDBACK_DB sets them itself
/// (measured with `make bench`; see docs/performance.md):
/// - auto-prepare: the same few statements run all day; preparing them once per connection saves
///   parsing and planning on every request;
/// - no reset on close: skips the DISCARD ALL sent on each reuse of a pooled connection. Safe
///   because no code leaves session state behind (transactions are committed or rolled back, the
///   migrator unlocks its advisory lock);
/// - a small pool (4 per core): a few busy connections serve more requests than many queued ones,
///   and the database is shared by every API instance.
/// </summary>
public static class ConnectionDefaults
{
    public static string Apply(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Given(given, "Max Auto Prepare", "MaxAutoPrepare")) settings.MaxAutoPrepare = 50;
        if (!Given(given, "No Reset On Close", "NoResetOnClose")) settings.NoResetOnClose = true;
        if (!Given(given, "Maximum Pool Size", "Max Pool Size", "MaxPoolSize")) settings.MaxPoolSize = 4 * Environment.ProcessorCount;
        return settings.ConnectionString;
    }

    /// <summary>
    /// A second, small pool for work a request does on the side while it holds a connection of the
    /// main pool (counting a wrong password, auditing a refusal). From the main pool, a burst of such
    /// requests could each hold one connection while waiting for another until the pool ran dry.
    /// </summary>
    public static string Side(string connectionString) =>
        new NpgsqlConnectionStringBuilder(Apply(connectionString)) { MaxPoolSize = 4, ApplicationName = "feedback-side" }.ConnectionString;

    private static bool Given(DbConnectionStringBuilder given, params string[] keys) => keys.Any(given.ContainsKey);
}

using System.Reflection;
using Dapper;
using DbUp;
using Npgsql;

namespace Feedback.Api.Infrastructure.Database;

/// <summary>
/// Applies db/migrations/*.sql (embedded in this assembly) with DbUp: one transaction per script,
/// variables disabled, journal in public.schemaversions. An advisory lock lets several API
/// instances start at once without racing each other. Migrations run as the schema owner
/// (FEEDBACK_DB_MIGRATE) when one is configured, so the API's own role needs no DDL rights.
/// </summary>
public sealed class DatabaseMigrator(FeedbackOptions options, NpgsqlDataSource dataSource, ILogger<DatabaseMigrator> logger)
{
    private const long MigrationLockKey = 0x46656564_6261636B; // "Feedback"

    private static readonly Assembly ScriptAssembly = typeof(DatabaseMigrator).Assembly;

    /// <summary>Names of every migration shipped with this build, in the order they apply.</summary>
    public static IReadOnlyList<string> ScriptNames { get; } = ScriptAssembly.GetManifestResourceNames()
        .Where(name => name.EndsWith(".sql", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToArray();

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var lockConnection = new NpgsqlConnection(options.MigrationConnectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await lockConnection.ExecuteAsync("select pg_advisory_lock(@key)", new { key = MigrationLockKey });
        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(options.MigrationConnectionString)
                .WithScriptsEmbeddedInAssembly(ScriptAssembly, name => name.EndsWith(".sql", StringComparison.Ordinal))
                .JournalToPostgresqlTable("public", "schemaversions")
                .WithTransactionPerScript()
                .WithVariablesDisabled()
                .LogToNowhere()
                .Build();

            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
                throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
            foreach (var script in result.Scripts)
                logger.LogInformation("Applied migration {Script}", script.Name);
            // The database works out working hours itself (migration 0017), in the bureau's zone.
            // The metrics counters (migration 0018) count the bureau's days: a new zone recounts them.
            if (await lockConnection.ExecuteAsync("update bureau_settings set time_zone = @zone where time_zone <> @zone", new { zone = options.TimeZone.Id }) > 0)
                await lockConnection.ExecuteAsync("select metrics_rebuild()");
            logger.LogInformation("Database schema is up to date ({Count} migrations)", ScriptNames.Count);
        }
        finally
        {
            await lockConnection.ExecuteAsync("select pg_advisory_unlock(@key)", new { key = MigrationLockKey });
        }
    }

    /// <summary>Migrates at start-up, waiting for a database that is still starting.</summary>
    public async Task MigrateWhenReachableAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MigrateAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException exception) when (attempt < 30 && exception.IsTransient)
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}): {Reason}", attempt, exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    /// <summary>True when the database answers and every shipped migration is in the journal.</summary>
    public async Task<bool> IsUpToDateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var applied = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                """
                select count(*)::int from schemaversions where scriptname = any(@names)
                """,
                new { names = ScriptNames.ToArray() }, cancellationToken: cancellationToken));
            return applied == ScriptNames.Count;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.LogWarning("Readiness check failed: {Reason}", exception.Message);
            return false;
        }
    }
}

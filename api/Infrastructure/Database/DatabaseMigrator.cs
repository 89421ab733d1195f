using System.Data;
using Dapper;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Engine.Transactions;
using DbUp.Postgresql;
using Npgsql;

namespace Feedback.Api.Infrastructure.Database;

/// <summary>
/// Applies db/migrations/*.sql (embedded in this assembly) with DbUp: one transaction per script,
/// variables disabled, journal in public.schemaversions. An advisory lock lets several API
/// instances start at once without racing each other. Migrations run as the schema owner
/// (FEEDBACK_DB_MIGRATE) when one is configured, so the API's own role needs no DDL rights.
/// <para>
/// A migration once applied is history: the SHA-256 of every applied script is kept in
/// public.schema_checksums, and the migrator refuses to start when a script this build ships differs
/// from what was applied (db/migrations/README.md says what to do then).
/// </para>
/// </summary>
/// <param name="scripts">The migrations to apply; the ones embedded in this build unless a test gives others.</param>
public sealed class DatabaseMigrator(FeedbackOptions options, NpgsqlDataSource dataSource, ILogger<DatabaseMigrator> logger,
    IReadOnlyList<MigrationScript>? scripts = null)
{
    private const long MigrationLockKey = 0x46656564_6261636B; // "Feedback"

    private readonly IReadOnlyList<MigrationScript> _scripts = scripts ?? MigrationScript.Embedded;

    private Dictionary<string, MigrationScript> Shipped => _scripts.ToDictionary(script => script.Name);

    /// <summary>Names of every migration shipped with this build, in the order they apply.</summary>
    public static IReadOnlyList<string> ScriptNames { get; } = MigrationScript.Embedded.Select(script => script.Name).ToArray();

    /// <summary>
    /// Brings the database up to date, step by step, holding the migration lock throughout:
    /// the checksums' table, the applied scripts checked against this build's (refusing before
    /// anything is applied), the scripts applied before checksums were kept recorded, the new
    /// scripts applied (each with its checksum, in its own transaction), the checksums kept from
    /// the API's role, then the settings the database takes from the configuration. A step added
    /// later goes after the scripts it depends on.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(options.MigrationConnectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("select pg_advisory_lock(@key)", new { key = MigrationLockKey });
        try
        {
            await EnsureChecksumTableAsync(connection);
            var applied = await ReadAppliedScriptsAsync(connection);
            RefuseChangedHistory(applied);
            await RecordChecksumsOfEarlierScriptsAsync(connection, applied);
            ApplyNewScripts();
            await KeepChecksumsFromTheApiRoleAsync(connection);
            await FollowTimeZoneAsync(connection);
            logger.LogInformation("Database schema is up to date ({Count} migrations)", _scripts.Count);
        }
        finally
        {
            await connection.ExecuteAsync("select pg_advisory_unlock(@key)", new { key = MigrationLockKey });
        }
    }

    /// <summary>
    /// public.schema_checksums, made by the migrator itself rather than by a migration, so that the
    /// check works before any script runs. Made only when missing: a role without DDL rights may
    /// migrate a database that is up to date.
    /// </summary>
    private static async Task EnsureChecksumTableAsync(NpgsqlConnection connection)
    {
        if (await connection.ExecuteScalarAsync<bool>("select to_regclass('public.schema_checksums') is not null")) return;
        await connection.ExecuteAsync(
            """
            create table if not exists public.schema_checksums (
                script_name  text primary key,
                sha256       text not null check (sha256 ~ '^[0-9a-f]{64}$'),
                recorded_at  timestamptz not null
            )
            """);
    }

    /// <summary>
    /// The API's role may read the checksums, never write them. Checked after the scripts, since
    /// migration 0005 grants that role writing on every table there is (this one included, in a new
    /// database) and on later tables by default.
    /// </summary>
    private static Task KeepChecksumsFromTheApiRoleAsync(NpgsqlConnection connection) => connection.ExecuteAsync(
        """
        do $$
        begin
            if exists (select from pg_roles where rolname = 'feedback_api')
               and has_table_privilege('feedback_api', 'public.schema_checksums', 'insert, update, delete, truncate') then
                revoke insert, update, delete, truncate on public.schema_checksums from feedback_api;
            end if;
        end;
        $$
        """);

    private sealed record AppliedScript(string ScriptName, string? Sha256);

    /// <summary>The journal's scripts with their recorded checksums (null: applied before checksums were kept).</summary>
    private static async Task<List<AppliedScript>> ReadAppliedScriptsAsync(NpgsqlConnection connection)
    {
        if (!await connection.ExecuteScalarAsync<bool>("select to_regclass('public.schemaversions') is not null")) return [];
        return (await connection.QueryAsync<AppliedScript>(
            """
            select v.scriptname as ScriptName, c.sha256 as Sha256
            from public.schemaversions v left join public.schema_checksums c on c.script_name = v.scriptname
            order by v.scriptname
            """)).ToList();
    }

    /// <summary>Throws, naming every applied script whose text this build changed; nothing has been applied yet.</summary>
    private void RefuseChangedHistory(IEnumerable<AppliedScript> applied)
    {
        var shipped = Shipped;
        var changed = new List<(AppliedScript Applied, MigrationScript Shipped)>();
        foreach (var script in applied.Where(script => script.Sha256 is not null))
        {
            if (!shipped.TryGetValue(script.ScriptName, out var ours))
                logger.LogWarning("Migration {Script} was applied to this database but is not part of this build", script.ScriptName);
            else if (ours.Sha256 != script.Sha256)
                changed.Add((script, ours));
        }
        if (changed.Count == 0) return;

        var names = changed.Select(c => c.Applied.ScriptName).ToList();
        var files = string.Join(", ", names.Select(name => "db/migrations/" + name));
        var lines = changed.Select(c => $"  {c.Applied.ScriptName}: applied with SHA-256 {c.Applied.Sha256}, this build ships {c.Shipped.Sha256}");
        throw new MigrationHistoryChangedException(names,
            $"""
             Migration refused: {string.Join(", ", names)} changed after {(names.Count == 1 ? "it was" : "they were")} applied to this database.
             {string.Join("\n", lines)}
             A migration that has been applied is never edited. Restore {files} to the content {(names.Count == 1 ? "it was" : "they were")} applied with (the committed content) and put the change in a new migration with the next free number (db/migrations/README.md). Nothing was applied.
             """);
    }

    /// <summary>
    /// A database migrated before checksums were kept: its applied scripts get this build's
    /// checksums, trusted as they are (trust on first use).
    /// </summary>
    private async Task RecordChecksumsOfEarlierScriptsAsync(NpgsqlConnection connection, IEnumerable<AppliedScript> applied)
    {
        var shipped = Shipped;
        var unrecorded = applied.Where(script => script.Sha256 is null && shipped.ContainsKey(script.ScriptName))
            .Select(script => shipped[script.ScriptName]).ToArray();
        if (unrecorded.Length == 0) return;
        await connection.ExecuteAsync(
            """
            insert into public.schema_checksums (script_name, sha256, recorded_at)
            select name, sha256, now() from unnest(@names, @checksums) as shipped (name, sha256)
            on conflict (script_name) do nothing
            """,
            new { names = unrecorded.Select(s => s.Name).ToArray(), checksums = unrecorded.Select(s => s.Sha256).ToArray() });
        logger.LogInformation("Recorded the checksums of {Count} migrations applied before checksums were kept, as this build ships them",
            unrecorded.Length);
    }

    /// <summary>The scripts not in the journal yet, in name order, each in its own transaction with its journal row and checksum.</summary>
    private void ApplyNewScripts()
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(options.MigrationConnectionString)
            .WithScripts(_scripts.Select(script => new SqlScript(script.Name, script.Contents)))
            .JournalTo((connectionManager, log) => new ChecksummedJournal(connectionManager, log))
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .LogToNowhere()
            .Build();

        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
        foreach (var script in result.Scripts)
            logger.LogInformation("Applied migration {Script}", script.Name);
    }

    /// <summary>
    /// The database works out working hours itself (migration 0017), in the bureau's zone. The
    /// metrics counters (migration 0018) count the bureau's days: a new zone recounts them.
    /// </summary>
    private async Task FollowTimeZoneAsync(NpgsqlConnection connection)
    {
        if (await connection.ExecuteAsync("update bureau_settings set time_zone = @zone where time_zone <> @zone", new { zone = options.TimeZone.Id }) > 0)
            await connection.ExecuteAsync("select metrics_rebuild()");
    }

    /// <summary>DbUp's journal in public.schemaversions, which also records each applied script's checksum in the script's transaction.</summary>
    private sealed class ChecksummedJournal(Func<IConnectionManager> connectionManager, Func<IUpgradeLog> log)
        : PostgresqlTableJournal(connectionManager, log, "public", "schemaversions")
    {
        public override void StoreExecutedScript(SqlScript script, Func<IDbCommand> dbCommandFactory)
        {
            base.StoreExecutedScript(script, dbCommandFactory);
            using var command = dbCommandFactory();
            command.CommandText =
                """
                insert into public.schema_checksums (script_name, sha256, recorded_at) values (@name, @sha256, now())
                on conflict (script_name) do update set sha256 = excluded.sha256, recorded_at = excluded.recorded_at
                """;
            AddParameter(command, "name", script.Name);
            AddParameter(command, "sha256", MigrationScript.Checksum(script.Contents));
            command.ExecuteNonQuery();
        }

        private static void AddParameter(IDbCommand command, string name, string value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
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
            catch (Exception exception) when (attempt < 30 && DatabaseOutage.Is(exception))
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

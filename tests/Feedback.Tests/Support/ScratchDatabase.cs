using Dapper;
using DbUp;
using DbUp.Engine;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Feedback.Tests.Support;

/// <summary>
/// A database of its own on the test run's cluster (same roles: the API's and the schema owner),
/// created empty and dropped afterwards: for tests that migrate a database from nothing or from an
/// earlier migration.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public string Name { get; }
    /// <summary>The API's role.</summary>
    public string ConnectionString { get; }
    /// <summary>The schema owner, which runs the migrations.</summary>
    public string MigrationConnectionString { get; }
    /// <summary>The superuser, for what even the owner may not do.</summary>
    public string AdminConnectionString { get; }

    private ScratchDatabase(string name)
    {
        Name = name;
        ConnectionString = On(TestEnvironment.Database.ConnectionString, name);
        MigrationConnectionString = On(TestEnvironment.Database.MigrationConnectionString, name);
        AdminConnectionString = On(TestEnvironment.Database.AdminConnectionString, name);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    private static string On(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    public static async Task<ScratchDatabase> CreateAsync()
    {
        var name = "scratch_" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await admin.ExecuteAsync($"create database {name} owner feedback_owner");
        return new ScratchDatabase(name);
    }

    /// <summary>The real migrator on this database, with this build's migrations or the ones given.</summary>
    public DatabaseMigrator Migrator(IReadOnlyList<MigrationScript>? scripts = null) => new(
        new FeedbackOptions
        {
            DatabaseConnectionString = ConnectionString,
            MigrationConnectionString = MigrationConnectionString,
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"),
            CorsOrigins = [],
        },
        _dataSource, NullLogger<DatabaseMigrator>.Instance, scripts);

    /// <summary>
    /// Applies the scripts as the migrator did before it kept checksums: DbUp alone, one transaction
    /// per script, journal in public.schemaversions, nothing else.
    /// </summary>
    public void ApplyAsBeforeChecksums(IEnumerable<MigrationScript> scripts)
    {
        var result = DeployChanges.To
            .PostgresqlDatabase(MigrationConnectionString)
            .WithScripts(scripts.Select(script => new SqlScript(script.Name, script.Contents)))
            .JournalToPostgresqlTable("public", "schemaversions")
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        if (!result.Successful) throw new InvalidOperationException($"{result.ErrorScript?.Name} failed", result.Error);
    }

    /// <summary>A connection as the schema owner.</summary>
    public NpgsqlConnection Owner() => new(MigrationConnectionString);

    public async Task<List<string>> JournalAsync()
    {
        await using var connection = Owner();
        return (await connection.QueryAsync<string>("select scriptname from schemaversions order by scriptname")).ToList();
    }

    /// <summary>script name → recorded SHA-256; empty when the table does not exist.</summary>
    public async Task<Dictionary<string, string>> ChecksumsAsync()
    {
        await using var connection = Owner();
        if (!await connection.ExecuteScalarAsync<bool>("select to_regclass('public.schema_checksums') is not null")) return [];
        return (await connection.QueryAsync<(string Name, string Sha256)>("select script_name, sha256 from schema_checksums"))
            .ToDictionary(row => row.Name, row => row.Sha256);
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await using var admin = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await admin.ExecuteAsync($"drop database if exists {Name} with (force)");
    }
}

using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feedback.Tests.Integration;

public sealed class DatabaseRulesTests : IntegrationTest
{
    private static NpgsqlConnection AppConnection() => new(TestEnvironment.Database.ConnectionString);

    /// <summary>
    /// Evidence is append-only twice over: the API's role has no right to change it, and even the
    /// schema owner, which has every right, is stopped by the trigger.
    /// </summary>
    [TestCase("complaint_events", "update complaint_events set message = 'rewritten'")]
    [TestCase("complaint_events", "delete from complaint_events")]
    [TestCase("complaint_events", "truncate complaint_events cascade")]
    [TestCase("audit_log", "update audit_log set reason = 'rewritten'")]
    [TestCase("audit_log", "delete from audit_log")]
    [TestCase("audit_log", "truncate audit_log")]
    public async Task Evidence_is_append_only_for_the_api_and_even_for_the_tables_owner(string table, string sql)
    {
        await SubmitAsync();
        using (var admin = await StaffAsync("admin"))
            (await admin.GetAsync("/api/v1/staff/complaints")).Dispose(); // administrators see no cases: an audited refusal
        var before = await CountAsync(table);
        Assert.That(before, Is.Positive);

        foreach (var (role, connectionString) in new[]
                 {
                     ("api", TestEnvironment.Database.ConnectionString),
                     ("owner", TestEnvironment.Database.MigrationConnectionString),
                 })
        {
            await using var connection = new NpgsqlConnection(connectionString);
            var error = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql), role);
            Assert.That(error!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), role);
            if (role == "owner") Assert.That(error.MessageText, Does.Contain("append-only"));
        }
        Assert.That(await CountAsync(table), Is.EqualTo(before), "untouched");
    }

    [Test]
    public async Task The_api_role_cannot_change_the_schema_or_the_migration_journal()
    {
        await using var connection = AppConnection();
        Assert.Multiple(() =>
        {
            Assert.That(Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("alter table complaints add column x int"))!.SqlState,
                Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("drop trigger complaint_events_append_only on complaint_events"))!.SqlState,
                Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("delete from schemaversions"))!.SqlState,
                Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
        });
    }

    [Test]
    public async Task Every_migration_is_journaled_and_migrating_again_changes_nothing()
    {
        await App.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await using var connection = AppConnection();
        var journaled = (await connection.QueryAsync<string>("select scriptname from schemaversions order by scriptname")).ToList();
        Assert.That(journaled, Is.EqualTo(DatabaseMigrator.ScriptNames));
    }

    [Test]
    public async Task The_seed_script_is_idempotent()
    {
        var seed = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "db", "migrations", "0002_seed_sections_and_categories.sql"));
        await using var connection = AppConnection();
        var before = await connection.QuerySingleAsync<(long, long, long)>(
            "select (select count(*) from sections), (select count(*) from category_groups), (select count(*) from categories)");
        await connection.ExecuteAsync(seed);
        var after = await connection.QuerySingleAsync<(long, long, long)>(
            "select (select count(*) from sections), (select count(*) from category_groups), (select count(*) from categories)");
        Assert.Multiple(() =>
        {
            Assert.That(after, Is.EqualTo(before));
            Assert.That(before, Is.EqualTo((6L, 9L, 23L)));
        });
    }

    [Test]
    public async Task Constraints_back_up_the_validators()
    {
        await using var connection = AppConnection();
        // A status outside the state machine, or a phone that is not a mobile number, never reaches a row.
        Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            """
            insert into complaints (tracking_code, query_password_hash, category_code, description, status, section_code, submitted_at, accept_by, due_on, updated_at)
            values ('23456789ABCD', 'v1$x$y', 'other', '测试', 'lost', 'office', now(), current_date, current_date, now())
            """));
        Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            """
            insert into complaints (tracking_code, query_password_hash, category_code, description, contact_phone, section_code, submitted_at, accept_by, due_on, updated_at)
            values ('23456789ABCD', 'v1$x$y', 'other', '测试', '110', 'office', now(), current_date, current_date, now())
            """));
        Assert.That(await CountAsync("complaints"), Is.Zero);
    }
}

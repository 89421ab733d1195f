using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feedback.Tests.Integration;

public sealed class DatabaseRulesTests : IntegrationTest
{
    private static NpgsqlConnection AppConnection() => new(TestEnvironment.Database.ConnectionString);

    [TestCase("update complaint_events set message = 'rewritten'")]
    [TestCase("delete from complaint_events")]
    [TestCase("truncate complaint_events cascade")]
    public async Task The_timeline_is_append_only_even_for_the_tables_owner(string sql)
    {
        await SubmitAsync();
        await using var connection = AppConnection();
        var error = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));
        Assert.Multiple(async () =>
        {
            Assert.That(error!.MessageText, Does.Contain("append-only"));
            Assert.That(await CountAsync("complaint_events"), Is.EqualTo(2), "submitted and routed, untouched");
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

using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Tests.Support;
using Npgsql;

namespace Feedback.Tests.Integration.Migrations;

/// <summary>
/// A migration once applied is history: the migrator keeps each applied script's SHA-256 and
/// refuses to start, before applying anything, when this build's text of an applied script differs.
/// Each test migrates a database of its own.
/// </summary>
public sealed class MigrationChecksumTests
{
    private static IReadOnlyList<MigrationScript> Shipped => MigrationScript.Embedded;

    private static Dictionary<string, string> ShippedChecksums(IEnumerable<MigrationScript> scripts) =>
        scripts.ToDictionary(script => script.Name, script => script.Sha256);

    private static List<MigrationScript> UpTo(string lastName) =>
        Shipped.Where(script => string.CompareOrdinal(script.Name, lastName) <= 0).ToList();

    [Test]
    public async Task A_new_database_gets_one_checksum_per_script()
    {
        await using var database = await ScratchDatabase.CreateAsync();

        await database.Migrator().MigrateAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await database.JournalAsync(), Is.EqualTo(DatabaseMigrator.ScriptNames));
            Assert.That(await database.ChecksumsAsync(), Is.EquivalentTo(ShippedChecksums(Shipped)));
        });
    }

    [Test]
    public async Task A_database_migrated_before_checksums_were_kept_gets_them_on_its_first_start()
    {
        await using var database = await ScratchDatabase.CreateAsync();
        var earlier = UpTo("0020_password_guesses_per_address.sql");
        database.ApplyAsBeforeChecksums(earlier);
        Assert.That(await database.ChecksumsAsync(), Is.Empty, "no checksums before");

        await database.Migrator().MigrateAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await database.JournalAsync(), Is.EqualTo(DatabaseMigrator.ScriptNames), "the rest applied");
            Assert.That(await database.ChecksumsAsync(), Is.EquivalentTo(ShippedChecksums(Shipped)),
                "the earlier scripts trusted as shipped, the new ones recorded as applied");
        });
    }

    [Test]
    public async Task An_applied_script_that_changed_is_refused_by_name_and_nothing_else_is_applied()
    {
        await using var database = await ScratchDatabase.CreateAsync();
        var earlier = UpTo("0020_password_guesses_per_address.sql");
        await database.Migrator(earlier).MigrateAsync(CancellationToken.None);
        var checksumsBefore = await database.ChecksumsAsync();

        // This build's 0018 edited after it was applied, and two scripts not applied yet.
        var edited = Shipped.Select(script => script.Name == "0018_metrics_rollup.sql"
            ? script with { Contents = script.Contents.Replace("check (level between 1 and 7)", "check (level between 1 and 8)") }
            : script).ToList();
        Assert.That(edited.Single(s => s.Name == "0018_metrics_rollup.sql").Sha256, Is.Not.EqualTo(checksumsBefore["0018_metrics_rollup.sql"]));

        var refused = Assert.ThrowsAsync<MigrationHistoryChangedException>(() => database.Migrator(edited).MigrateAsync(CancellationToken.None))!;

        Assert.Multiple(async () =>
        {
            Assert.That(refused.Scripts, Is.EqualTo(new[] { "0018_metrics_rollup.sql" }));
            Assert.That(refused.Message, Does.Contain("0018_metrics_rollup.sql").And.Contain("new migration").And.Contain("Nothing was applied"));
            Assert.That(refused.Message, Does.Contain(checksumsBefore["0018_metrics_rollup.sql"]), "the applied checksum, to compare");
            Assert.That(await database.JournalAsync(), Is.EqualTo(earlier.Select(s => s.Name)), "no later script applied");
            Assert.That(await database.ChecksumsAsync(), Is.EquivalentTo(checksumsBefore), "no checksum rewritten");
            await using var connection = database.Owner();
            Assert.That(await connection.ExecuteScalarAsync<bool>(
                "select exists (select from pg_constraint where conname = 'audit_log_target_kind_length')"), Is.False, "0021 not applied");
        });

        // Restored to what was applied, the same build's other scripts apply.
        await database.Migrator().MigrateAsync(CancellationToken.None);
        Assert.That(await database.JournalAsync(), Is.EqualTo(DatabaseMigrator.ScriptNames));
    }

    [Test]
    public async Task A_script_whose_checksum_was_recorded_from_other_text_is_refused_too()
    {
        await using var database = await ScratchDatabase.CreateAsync();
        await database.Migrator().MigrateAsync(CancellationToken.None);
        await using (var admin = new NpgsqlConnection(database.AdminConnectionString))
            await admin.ExecuteAsync("update schema_checksums set sha256 = repeat('0', 64) where script_name = '0004_working_day_calendar.sql'");

        var refused = Assert.ThrowsAsync<MigrationHistoryChangedException>(() => database.Migrator().MigrateAsync(CancellationToken.None))!;
        Assert.That(refused.Message, Does.Contain("0004_working_day_calendar.sql"));
    }

    [Test]
    public async Task Line_endings_alone_are_no_change()
    {
        await using var database = await ScratchDatabase.CreateAsync();
        await database.Migrator().MigrateAsync(CancellationToken.None);
        var checksums = await database.ChecksumsAsync();

        // A Windows checkout: every LF a CRLF.
        var crlf = Shipped.Select(script => script with { Contents = script.Contents.Replace("\r\n", "\n").Replace("\n", "\r\n") }).ToList();
        Assert.That(crlf.Any(script => script.Contents.Contains("\r\n")), Is.True);

        Assert.DoesNotThrowAsync(() => database.Migrator(crlf).MigrateAsync(CancellationToken.None));
        Assert.That(await database.ChecksumsAsync(), Is.EquivalentTo(checksums));
    }

    [Test]
    public async Task The_api_role_may_read_the_checksums_but_never_write_them()
    {
        await using var database = await ScratchDatabase.CreateAsync();
        await database.Migrator().MigrateAsync(CancellationToken.None);
        await using var api = new NpgsqlConnection(database.ConnectionString);

        Assert.That(await api.ExecuteScalarAsync<long>("select count(*) from schema_checksums"), Is.EqualTo(DatabaseMigrator.ScriptNames.Count));
        foreach (var sql in new[]
                 {
                     "update schema_checksums set sha256 = repeat('0', 64)",
                     "insert into schema_checksums values ('9999_x.sql', repeat('0', 64), now())",
                     "delete from schema_checksums",
                 })
            Assert.That(Assert.ThrowsAsync<PostgresException>(() => api.ExecuteAsync(sql))!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), sql);
    }
}

using Feedback.Api.Infrastructure.Database;

namespace Feedback.Tests.Unit;

public sealed class MigrationScriptTests
{
    [Test]
    public void Line_endings_do_not_change_the_checksum_and_anything_else_does()
    {
        var lf = MigrationScript.Checksum("create table t (x int);\n-- note\n");
        Assert.Multiple(() =>
        {
            Assert.That(lf, Does.Match("^[0-9a-f]{64}$"));
            Assert.That(MigrationScript.Checksum("create table t (x int);\r\n-- note\r\n"), Is.EqualTo(lf), "CRLF");
            Assert.That(MigrationScript.Checksum("create table t (x int);\r-- note\r"), Is.EqualTo(lf), "CR");
            Assert.That(MigrationScript.Checksum("create table t (x int);\n-- note \n"), Is.Not.EqualTo(lf), "a space");
            Assert.That(MigrationScript.Checksum("create table t (x int);\n-- note\n\n"), Is.Not.EqualTo(lf), "a line");
        });
    }

    [Test]
    public void Every_migration_of_the_repository_is_embedded_under_its_file_name_in_order()
    {
        var files = Directory.GetFiles(Path.Combine(Support.RepositoryPaths.Root, "db", "migrations"), "*.sql")
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.That(MigrationScript.Embedded.Select(script => script.Name), Is.EqualTo(files));
        Assert.That(DatabaseMigrator.ScriptNames, Is.EqualTo(files));
    }
}

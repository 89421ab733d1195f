using Feedback.Api.Infrastructure.Database;
using Npgsql;

namespace Feedback.Tests.Unit;

public sealed class ConnectionDefaultsTests
{
    [Test]
    public void Applies_the_measured_defaults_to_a_plain_connection_string()
    {
        var applied = new NpgsqlConnectionStringBuilder(ConnectionDefaults.Apply("Host=db;Database=feedback;Username=feedback"));
        Assert.Multiple(() =>
        {
            Assert.That(applied.MaxAutoPrepare, Is.EqualTo(50));
            Assert.That(applied.NoResetOnClose, Is.True);
            Assert.That(applied.MaxPoolSize, Is.EqualTo(4 * Environment.ProcessorCount));
            Assert.That(applied.Host, Is.EqualTo("db"));
        });
    }

    [Test]
    public void Keeps_whatever_FEEDBACK_DB_sets_itself()
    {
        var applied = new NpgsqlConnectionStringBuilder(ConnectionDefaults.Apply(
            "Host=db;Max Auto Prepare=0;No Reset On Close=false;Maximum Pool Size=100"));
        Assert.Multiple(() =>
        {
            Assert.That(applied.MaxAutoPrepare, Is.Zero);
            Assert.That(applied.NoResetOnClose, Is.False);
            Assert.That(applied.MaxPoolSize, Is.EqualTo(100));
        });
    }
}

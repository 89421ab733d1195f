using Feedback.Api.Infrastructure.Security;

namespace Feedback.Tests.Unit;

public sealed class QueryPasswordHashTests
{
    [Test]
    public void Verifies_the_right_password_only()
    {
        var stored = QueryPasswordHash.Create("K7MPQ2XZ9TAE");
        Assert.Multiple(() =>
        {
            Assert.That(QueryPasswordHash.Verify("K7MPQ2XZ9TAE", stored), Is.True);
            Assert.That(QueryPasswordHash.Verify("K7MPQ2XZ9TAF", stored), Is.False);
            Assert.That(QueryPasswordHash.Verify(null, stored), Is.False);
            Assert.That(QueryPasswordHash.Verify("", stored), Is.False);
        });
    }

    [Test]
    public void Never_stores_the_password_and_salts_every_hash()
    {
        var first = QueryPasswordHash.Create("K7MPQ2XZ9TAE");
        var second = QueryPasswordHash.Create("K7MPQ2XZ9TAE");
        Assert.Multiple(() =>
        {
            Assert.That(first, Does.StartWith("v1$").And.Not.Contain("K7MPQ2XZ9TAE"));
            Assert.That(second, Is.Not.EqualTo(first), "same password, different salt");
        });
    }

    [TestCase("")]
    [TestCase("v0$AAAA$AAAA")]
    [TestCase("plain-text-password")]
    public void An_unknown_stored_format_never_verifies(string stored) =>
        Assert.That(QueryPasswordHash.Verify("plain-text-password", stored), Is.False);
}

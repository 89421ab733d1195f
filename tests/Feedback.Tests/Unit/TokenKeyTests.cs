using System.Security.Cryptography;
using Feedback.Api.Infrastructure;

namespace Feedback.Tests.Unit;

/// <summary>FEEDBACK_JWT_KEYS and FEEDBACK_JWT_KEY as an operator writes them, and the mistakes refused at start-up.</summary>
public sealed class TokenKeyTests
{
    private static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    [Test]
    public void The_first_key_of_the_list_signs_and_each_keeps_its_id()
    {
        var keys = TokenKey.ParseAll($" 2026-12:{Key} , 2026-06:{Key}", single: null);
        Assert.That(keys.Select(k => k.Id), Is.EqualTo(new[] { "2026-12", "2026-06" }));
    }

    [Test]
    public void One_key_alone_is_named_by_its_hash_and_the_list_wins_over_it()
    {
        var single = TokenKey.ParseAll(null, Key).Single();
        Assert.That(single.Id, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(Key)))[..8]));
        Assert.That(TokenKey.ParseAll($"a:{Key}", Key).Single().Id, Is.EqualTo("a"));
        Assert.That(TokenKey.ParseAll(null, null), Is.Empty);
    }

    [TestCase("no-colon-here", "id:base64")]
    [TestCase("a:c2hvcnQ=", "32 random bytes")]
    [TestCase("a:not base64!", "32 random bytes")]
    [TestCase("a b:KEY", "letters, digits")]
    [TestCase("a:KEY,a:KEY", "share an id")]
    [TestCase(" , ", "names no key")]
    public void A_mistake_stops_the_start_with_its_reason(string keys, string reason)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => TokenKey.ParseAll(keys.Replace("KEY", Key), null));
        Assert.That(failure!.Message, Does.Contain(reason));
    }
}

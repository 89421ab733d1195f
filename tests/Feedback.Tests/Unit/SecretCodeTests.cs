using Feedback.Api.Infrastructure.Security;

namespace Feedback.Tests.Unit;

public sealed class SecretCodeTests
{
    [Test]
    public void New_codes_are_12_unambiguous_characters_and_do_not_repeat()
    {
        var codes = Enumerable.Range(0, 10_000).Select(_ => SecretCode.New()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(codes, Is.Unique);
            Assert.That(codes, Has.All.Length.EqualTo(12));
            Assert.That(codes, Has.All.Matches("^[2-9A-HJKMNP-Z]{12}$"), "no 0, O, 1, I or L");
            // Every symbol of the alphabet shows up in every position over 10,000 draws: the codes are uniformly random.
            for (var position = 0; position < 12; position++)
                Assert.That(codes.Select(code => code[position]).Distinct().Count(), Is.EqualTo(SecretCode.Alphabet.Length));
        });
    }

    [Test]
    public void The_alphabet_carries_at_least_40_random_bits_in_12_characters() =>
        Assert.That(12 * Math.Log2(SecretCode.Alphabet.Length), Is.GreaterThanOrEqualTo(59));

    [TestCase("ABCD EFGH JK23", "ABCDEFGHJK23")]
    [TestCase("abcd-efgh-jk23", "ABCDEFGHJK23")]
    [TestCase("  ABCDEFGHJK23 ", "ABCDEFGHJK23")]
    public void Normalize_forgives_case_spaces_and_hyphens(string typed, string expected) =>
        Assert.That(SecretCode.Normalize(typed), Is.EqualTo(expected));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("ABCDEFGHJK2")]
    [TestCase("ABCDEFGHJK234")]
    [TestCase("ABCDEFGHJK2O")]
    [TestCase("ABCDEFGHJK21")]
    [TestCase("ABCDEFGHJK2'")]
    [TestCase("ＡBCDEFGHJK23")]
    public void Normalize_rejects_what_cannot_be_a_code(string? typed) =>
        Assert.That(SecretCode.Normalize(typed), Is.Null);
}

using Feedback.Api.Features.Cases;

namespace Feedback.Tests.Unit;

public sealed class PhoneNumberTests
{
    [TestCase("13800138000", "13800138000")]
    [TestCase("+86 138 0013 8000", "13800138000")]
    [TestCase("138-0013-8000", "13800138000")]
    [TestCase("19912345678", "19912345678")]
    public void Accepts_mainland_mobile_numbers(string typed, string expected) =>
        Assert.That(PhoneNumber.Normalize(typed), Is.EqualTo(expected));

    [TestCase("12800138000", TestName = "second digit 2 is not a mobile prefix")]
    [TestCase("1380013800", TestName = "ten digits")]
    [TestCase("138001380001", TestName = "twelve digits")]
    [TestCase("0575-83021234", TestName = "a landline")]
    [TestCase("1380013800a", TestName = "a letter")]
    [TestCase("+1 415 555 0100", TestName = "a foreign number")]
    public void Rejects_everything_else(string typed) => Assert.That(PhoneNumber.Normalize(typed), Is.Null);
}

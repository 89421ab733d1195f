using System.Globalization;
using Feedback.Api.Features.Complaints;

namespace Feedback.Tests.Unit;

public sealed class SubmitComplaintValidatorTests
{
    private readonly SubmitComplaint.Validator _validator = new();

    private static SubmitComplaint.Command Valid => new("air.odor", "化工厂夜间排放刺鼻废气", "剡湖街道", "城东路 88 号",
        new SubmitComplaint.Contact("王女士", "13800138000", "wang@example.cn"));

    private IEnumerable<string> FailingFields(SubmitComplaint.Command command) =>
        _validator.Validate(command).Errors.Select(error => error.PropertyName).Distinct();

    [Test]
    public void A_complete_complaint_is_valid() => Assert.That(FailingFields(Valid), Is.Empty);

    [Test]
    public void An_anonymous_complaint_with_only_category_and_description_is_valid() =>
        Assert.That(FailingFields(new SubmitComplaint.Command("noise.construction", "工地凌晨两点还在打桩")), Is.Empty);

    [Test]
    public void Description_counts_characters_not_bytes_or_utf16_units()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FailingFields(Valid with { Description = new string('污', 4000) }), Is.Empty, "4000 Chinese characters");
            Assert.That(FailingFields(Valid with { Description = "工厂" + string.Concat(Enumerable.Repeat("🏭", 3998)) }), Is.Empty,
                "2 Chinese characters and 3998 emoji are 7998 UTF-16 units but 4000 characters");
            Assert.That(FailingFields(Valid with { Description = new string('污', 4001) }), Is.EquivalentTo(new[] { "Description" }));
            Assert.That(FailingFields(Valid with { Description = "  " + new string('污', 4000) + "\n " }), Is.Empty,
                "surrounding white space is trimmed before counting");
        });
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\n\t ")]
    [TestCase(null)]
    public void Description_must_say_something(string? description) =>
        Assert.That(FailingFields(Valid with { Description = description! }), Is.EquivalentTo(new[] { "Description" }));

    [TestCase("\u200B\u200B")]
    [TestCase("\uFEFF")]
    [TestCase("\u3164\u3164")]
    [TestCase("？？？！")]
    public void Description_of_nothing_but_invisible_characters_or_punctuation_says_nothing(string description) =>
        Assert.That(FailingFields(Valid with { Description = description }), Is.EquivalentTo(new[] { "Description" }));

    [TestCase("\u202Egnp.exe")]
    [TestCase("安全\u2066隔离\u2069")]
    [TestCase("a\u0000b")]
    [TestCase("bell\u0007")]
    [TestCase("escape \u001b[31m red")]
    public void Control_characters_and_direction_overrides_are_refused(string description) =>
        Assert.That(FailingFields(Valid with { Description = description }), Is.EquivalentTo(new[] { "Description" }));

    [Test]
    public void Line_breaks_and_tabs_are_fine() =>
        Assert.That(FailingFields(Valid with { Description = "第一行\r\n第二行\t完" }), Is.Empty);

    [Test]
    public void Optional_fields_have_limits()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FailingFields(Valid with { Township = new string('镇', 51) }), Is.EquivalentTo(new[] { "Township" }));
            Assert.That(FailingFields(Valid with { Address = new string('路', 201) }), Is.EquivalentTo(new[] { "Address" }));
            Assert.That(FailingFields(Valid with { Contact = new("名".PadRight(51, '字'), null, null) }), Is.EquivalentTo(new[] { "Contact.Name" }));
        });
    }

    [TestCase("12345")]
    [TestCase("0575-83021234")]
    public void Phone_must_be_a_mainland_mobile(string phone) =>
        Assert.That(FailingFields(Valid with { Contact = new(null, phone, null) }), Is.EquivalentTo(new[] { "Contact.Phone" }));

    [TestCase("not-an-email")]
    [TestCase("a@b")]
    [TestCase("wang@example.cn.")]
    [TestCase("王 <wang@example.cn>")]
    public void Email_must_be_an_address(string email) =>
        Assert.That(FailingFields(Valid with { Contact = new(null, null, email) }), Is.EquivalentTo(new[] { "Contact.Email" }));

    [Test]
    public void Blank_contact_fields_count_as_not_given() =>
        Assert.That(FailingFields(Valid with { Contact = new(" ", "", "  ") }), Is.Empty);

    [Test]
    public void Category_is_required() =>
        Assert.That(FailingFields(Valid with { CategoryCode = "" }), Is.EquivalentTo(new[] { "CategoryCode" }));

    [Test]
    public void Messages_follow_the_callers_language()
    {
        var original = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("en");
            var english = _validator.Validate(Valid with { Description = " " }).Errors.Single().ErrorMessage;
            CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
            var chinese = _validator.Validate(Valid with { Description = " " }).Errors.Single().ErrorMessage;
            Assert.Multiple(() =>
            {
                Assert.That(english, Is.EqualTo("Describe the problem"));
                Assert.That(chinese, Is.EqualTo("请描述您遇到的问题"));
            });
        }
        finally
        {
            CultureInfo.CurrentUICulture = original;
        }
    }
}

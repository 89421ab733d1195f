using Feedback.Api.Features.Open311;

namespace Feedback.Tests.Unit;

/// <summary>Texts staff wrote for the complainant lose their contact details before GeoReport shows them to anyone.</summary>
public sealed class Open311WordingTests
{
    [TestCase("已办结。如有疑问请致电 13912345678 联系王科长", "已办结。如有疑问请致电 *** 联系王科长")]
    [TestCase("请联系 0575-8312 3456 或 zhang.san@hb.example.cn", "请联系 *** 或 ***")]
    [TestCase("身份证号 33068319900101123X 的当事人已接受处罚", "身份证号 *** 的当事人已接受处罚")]
    [TestCase("Call +86 139 1234 5678 for details", "Call *** for details")]
    public void Phone_numbers_id_numbers_and_email_addresses_are_masked(string text, string shown) =>
        Assert.That(Open311Wording.WithoutContactDetails(text), Is.EqualTo(shown));

    [TestCase("已于 2026-12-18 复查，整改到位")]
    [TestCase("已并入案件 2345678ABCDE 一并办理")]
    [TestCase("罚款 50000 元，责令停工 15 日；12369 热线已回访")]
    [TestCase("Resolved by 18 December 2026")]
    public void Dates_tracking_codes_and_short_numbers_stay(string text) =>
        Assert.That(Open311Wording.WithoutContactDetails(text), Is.EqualTo(text));
}

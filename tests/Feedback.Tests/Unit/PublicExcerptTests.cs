using Feedback.Api.Features.Complaints;

namespace Feedback.Tests.Unit;

public sealed class PublicExcerptTests
{
    [TestCase("电话13800138000", "电话***")]
    [TestCase("电话 +86 138 0013 8000 请回电", "电话 *** 请回电")]
    [TestCase("座机0575-83012345", "座机***")]
    [TestCase("手机１３８００１３８０００", "手机***")]
    [TestCase("身份证号33068319800101123x。", "身份证号***。")]
    [TestCase("邮箱 wang.li@example.com.cn 谢谢", "邮箱 *** 谢谢")]
    [TestCase("邮箱wang＠example．cn", "邮箱***")]
    [TestCase("城东路88号，2026-11-26晚上10点，车牌浙D12345", "城东路88号，2026-11-26晚上10点，车牌浙D12345")]
    [TestCase("第一行\n\n第二行", "第一行 第二行")]
    public void Contact_and_identity_numbers_are_masked_and_the_rest_is_kept(string description, string expected) =>
        Assert.That(PublicExcerpt.Of(description), Is.EqualTo(expected));

    [Test]
    public void Long_text_is_cut_to_sixty_characters_as_a_person_counts_them()
    {
        var text = string.Concat(Enumerable.Repeat("😀臭", 40));
        var excerpt = PublicExcerpt.Of(text);
        Assert.That(excerpt, Is.EqualTo(string.Concat(Enumerable.Repeat("😀臭", 30)) + "…"));
    }

    [Test]
    public void A_number_at_the_cut_is_masked_whole_not_half_shown()
    {
        var excerpt = PublicExcerpt.Of(new string('臭', 55) + "13800138000" + new string('味', 20));
        Assert.That(excerpt, Is.EqualTo(new string('臭', 55) + "***" + "味味" + "…"));
    }
}

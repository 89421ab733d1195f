using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Feedback.Api.Features.Notifications;
using Feedback.Tests.Support;

namespace Feedback.Tests.Unit;

/// <summary>
/// The wording of every kind: SMS templates that fit their segments with a 【signature】, the
/// parameters their placeholders promise, email in both languages, and the documentation that
/// lists the templates a bureau must register with its provider.
/// </summary>
public sealed partial class NotificationWordingTests
{
    /// <summary>A long signature (10 characters) with its brackets, and a public address of 26 characters.</summary>
    private const string Signature = "【嵊州市生态环境保护局】";
    private const string PublicUrl = "https://hbj.shengzhou.gov.cn";

    /// <summary>The longest facts each kind may carry: 12-character codes, two-digit dates, the longest rejection ground.</summary>
    private static NoticeFacts Facts(bool english) => new(new JsonObject
    {
        ["trackingCode"] = "ABCDEFGHJKMN", ["acceptBy"] = "2026-12-28", ["resolveBy"] = "2026-12-28", ["evaluateBy"] = "2026-12-28",
        ["groundZh"] = "应通过诉讼、仲裁、复议等法定途径解决", ["groundEn"] = "For a court, arbitration or administrative review",
        ["password"] = "ABCDEFGHJKMN", ["reason"] = "why", ["referral"] = "where", ["reply"] = "reply", ["result"] = "result", // staff-written, in either language
        ["sectionCode"] = "SECTION-MARKER", ["sectionName"] = "SECTION-MARKER", ["assigneeName"] = "SECTION-MARKER",
        ["categoryZh"] = "饮用水源污染", ["categoryEn"] = "Drinking-water source", ["dueOn"] = "2026-12-28", ["days"] = "10",
    }, english ? "en" : "zh-CN", PublicUrl);

    /// <summary>How many SMS segments a text takes (UCS-2, as any text with Chinese is: 70 alone, 67 each when split).</summary>
    private static int Segments(string text) => text.Length <= 70 ? 1 : (text.Length + 66) / 67;

    public static IEnumerable<TestCaseData> TextMessages() =>
        NotificationKinds.All.Where(kind => kind.Sms is not null).Select(kind => new TestCaseData(kind).SetName($"SMS of {kind.Code}"));

    [TestCaseSource(nameof(TextMessages))]
    public void A_text_message_fits_its_segments_and_its_placeholders_match_its_parameters(NotificationKind kind)
    {
        var sms = kind.Sms!;
        foreach (var english in new[] { false, true })
        {
            var facts = Facts(english);
            var template = english ? sms.En : sms.Zh;
            var placeholders = Placeholder().Matches(template).Select(m => int.Parse(m.Groups[1].Value)).Distinct().Order().ToList();
            var parameters = sms.Parameters(facts);
            Assert.That(placeholders, Is.EqualTo(Enumerable.Range(1, parameters.Count)), $"{kind.Code} ({(english ? "en" : "zh")}): {{1}}…{{n}} for n parameters");
            Assert.That(parameters, Has.All.Not.Empty);

            var text = Signature + sms.Render(facts);
            var withLink = parameters.Any(p => p.StartsWith("https://", StringComparison.Ordinal));
            var allowed = (english ? 2 : 1) + (withLink ? 1 : 0);
            Assert.That(Segments(text), Is.LessThanOrEqualTo(allowed), $"{text} ({text.Length} characters)");
        }
    }

    [Test]
    public void Every_kind_reads_in_both_languages_and_names_no_section()
    {
        foreach (var kind in NotificationKinds.All)
        foreach (var english in new[] { false, true })
        {
            var facts = Facts(english);
            var subject = kind.Email.Subject(facts);
            var body = string.Concat(kind.Email.Paragraphs(facts));
            Assert.That(kind.Name.Zh, Is.Not.Empty);
            Assert.That(kind.Name.En, Is.Not.Empty);
            Assert.That(subject, Does.Contain("ABCDEFGHJKMN").Or.Contain("2026"), $"{kind.Code}: the subject names the case or the date");
            if (kind.Staff is null)
            {
                // A citizen reads their own language; a conduct case's section or staff are never named to them.
                Assert.That(subject + body, english ? Does.Not.Match(@"\p{IsCJKUnifiedIdeographs}{2}") : Does.Match(@"\p{IsCJKUnifiedIdeographs}"), kind.Code);
                Assert.That(subject + body + kind.Email.Action(facts), Does.Not.Contain("SECTION-MARKER"), kind.Code);
            }
        }
    }

    [Test]
    public void The_operations_guide_lists_every_template_to_register_as_it_is_in_the_code()
    {
        var guide = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "notifications.md"));
        foreach (var kind in NotificationKinds.All.Where(kind => kind.Sms is not null))
        {
            Assert.That(guide, Does.Contain($"`{kind.Code}`"), kind.Code);
            Assert.That(guide, Does.Contain(kind.Sms!.Zh), $"{kind.Code}: the Chinese template as registered");
            Assert.That(guide, Does.Contain(kind.Sms.En), $"{kind.Code}: the English template as registered");
        }
    }

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();
}

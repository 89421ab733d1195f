using System.Text.RegularExpressions;
using Feedback.Api.Features.Complaints;

namespace Feedback.Tests.Unit;

/// <summary>
/// Chinese search by overlapping bigrams: what a description is cut into, what a search becomes,
/// and — through a small model of PostgreSQL's matching ('x' is an exact lexeme, 'x':* a prefix,
/// &amp; needs all) — which searches find which descriptions.
/// </summary>
public sealed partial class ComplaintSearchTests
{
    [TestCase("偷排污水", new[] { "偷排", "排污", "污水", "水" }, TestName = "A run of characters gives its bigrams and its last character")]
    [TestCase("水", new[] { "水" }, TestName = "A single character stands alone")]
    [TestCase("河水，发黑", new[] { "河水", "水", "发黑", "黑" }, TestName = "Punctuation ends a run: no bigram across it")]
    [TestCase("化工厂PM2.5超标", new[] { "化工", "工厂", "厂", "pm2", "5", "超标", "标" }, TestName = "Latin words and numbers are lower-cased words")]
    [TestCase("𠀀𠀁", new[] { "𠀀𠀁", "𠀁" }, TestName = "Characters beyond the basic plane are whole characters")]
    [TestCase("！？。…", new string[0], TestName = "Punctuation alone gives nothing")]
    public void Lexemes(string text, string[] expected) =>
        Assert.That(ComplaintSearch.Lexemes(text), Is.EquivalentTo(expected));

    [Test]
    public void Lexemes_of_several_texts_are_merged_without_duplicates()
    {
        var lexemes = ComplaintSearch.Lexemes("污水", null, "污水处理");
        Assert.That(lexemes, Is.EquivalentTo(new[] { "污水", "水", "水处", "处理", "理" }));
    }

    [Test]
    public void A_very_long_latin_word_is_cut_to_64_characters()
    {
        var lexeme = ComplaintSearch.Lexemes(new string('a', 100)).Single();
        Assert.That(lexeme, Has.Length.EqualTo(64));
    }

    [TestCase("偷排", "'偷排'", TestName = "A two-character word is one exact bigram")]
    [TestCase("偷", "'偷':*", TestName = "One character is a prefix")]
    [TestCase("偷排污水", "'偷排' & '排污' & '污水'", TestName = "A longer word needs all its bigrams, no lone last character")]
    [TestCase("污水 发黑", "'污水' & '发黑'", TestName = "Every word must match")]
    [TestCase("PM2.5", "'pm2':* & '5':*", TestName = "Latin words and numbers are lower-cased prefixes")]
    public void Query(string text, string expected) =>
        Assert.That(ComplaintSearch.Query(text), Is.EqualTo(expected));

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("！？。…")]
    public void A_search_with_nothing_searchable_is_no_query(string text) =>
        Assert.That(ComplaintSearch.Query(text), Is.Null);

    [GeneratedRegex("""^'[^'\\]+'(:\*)?( & '[^'\\]+'(:\*)?)*$""")]
    private static partial Regex WellFormedQuery();

    [TestCase("a'b&c|d!e:*f\\g")]
    [TestCase("'; drop table complaints; --")]
    [TestCase("污水' | '废气")]
    [TestCase("(偷排 | 排污) & !白天")]
    public void Operators_and_quotes_typed_by_a_user_never_reach_the_query_syntax(string text)
    {
        var query = ComplaintSearch.Query(text);
        Assert.That(query, Does.Match(WellFormedQuery()), query);
    }

    [Test]
    public void A_query_has_at_most_32_terms()
    {
        var text = string.Concat(Enumerable.Range(0, 100).Select(i => (char)(0x4E00 + i * 7)));
        Assert.That(ComplaintSearch.Query(text)!.Split(" & "), Has.Length.EqualTo(32));
    }

    // ---- which searches find which descriptions ----

    /// <summary>PostgreSQL's answer to tsvector @@ tsquery for the conjunctions Query builds.</summary>
    private static bool Finds(string search, string description)
    {
        var lexemes = ComplaintSearch.Lexemes(description);
        var query = ComplaintSearch.Query(search);
        if (query is null) return false;
        return query.Split(" & ").All(term =>
        {
            var prefix = term.EndsWith(":*", StringComparison.Ordinal);
            var word = term[1..term.LastIndexOf('\'')];
            return prefix ? lexemes.Any(l => l.StartsWith(word, StringComparison.Ordinal)) : lexemes.Contains(word);
        });
    }

    private const string Description = "河边小厂晚上偷排污水，河水发黑，PM2.5 也超标";

    [TestCase("偷排", true)]
    [TestCase("排污水", true)]
    [TestCase("污水 发黑", true)]
    [TestCase("小厂", true)]
    [TestCase("偷", true, TestName = "One character at the start of a run")]
    [TestCase("黑", true, TestName = "One character at the end of a run")]
    [TestCase("水", true)]
    [TestCase("pm2.5", true)]
    [TestCase("pm", true, TestName = "The start of a Latin word")]
    [TestCase("排水", false, TestName = "Two characters that never stand together")]
    [TestCase("水河", false, TestName = "Not across a comma")]
    [TestCase("偷排废水", false)]
    [TestCase("白", false)]
    [TestCase("污水 废气", false, TestName = "Every word must be there")]
    public void Which_searches_find_the_description(string search, bool found) =>
        Assert.That(Finds(search, Description), Is.EqualTo(found));

    [Test]
    public void Every_two_character_word_of_a_description_finds_it()
    {
        const string text = "化工厂夜间排放刺鼻废气";
        for (var i = 0; i + 1 < text.Length; i++)
            Assert.That(Finds(text.Substring(i, 2), text), Is.True, text.Substring(i, 2));
    }
}

using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure;

namespace Feedback.Tests.Unit;

public sealed class CategoryQuestionsTests
{
    private static readonly CategoryQuestion When = new("when", QuestionKind.Choice, Required: true, "噪声出现在什么时间？", "When?",
        Options: [new("day", "白天", "By day"), new("night", "夜间", "At night"), new("both", "都有", "Both")]);

    private static readonly CategoryQuestion Company = new("company", QuestionKind.Text, Required: false, "企业名称", "Company", MaxLength: 100);

    private static readonly CategoryQuestion[] Noise = [When, Company];

    private static IEnumerable<string?> Failing(Dictionary<string, string?>? answers, bool enforceRequired = true) =>
        CategoryQuestions.CheckAnswers(Noise, answers, enforceRequired).Select(f => f.Key);

    [Test]
    public void Answers_that_fit_the_questions_pass() =>
        Assert.Multiple(() =>
        {
            Assert.That(Failing(new() { ["when"] = "night", ["company"] = "嵊州某某印染有限公司" }), Is.Empty);
            Assert.That(Failing(new() { ["when"] = " both ", ["company"] = "  " }), Is.Empty, "trimmed; a blank optional answer is no answer");
        });

    [Test]
    public void A_required_question_must_be_answered_by_citizens_but_not_by_staff() =>
        Assert.Multiple(() =>
        {
            Assert.That(Failing(null), Is.EqualTo(new[] { "when" }));
            Assert.That(Failing(new() { ["when"] = " \t" }), Is.EqualTo(new[] { "when" }));
            Assert.That(Failing(new() { ["when"] = null }), Is.EqualTo(new[] { "when" }));
            Assert.That(Failing(null, enforceRequired: false), Is.Empty);
        });

    [Test]
    public void A_choice_must_be_one_of_the_options_by_value() =>
        Assert.Multiple(() =>
        {
            Assert.That(Failing(new() { ["when"] = "evening" }), Is.EqualTo(new[] { "when" }));
            Assert.That(Failing(new() { ["when"] = "夜间" }), Is.EqualTo(new[] { "when" }), "the label is not the value");
            Assert.That(Failing(new() { ["when"] = "NIGHT" }), Is.EqualTo(new[] { "when" }));
        });

    [Test]
    public void Text_is_limited_in_characters_not_utf16_units() =>
        Assert.Multiple(() =>
        {
            Assert.That(Failing(new() { ["when"] = "day", ["company"] = new string('厂', 100) }), Is.Empty);
            Assert.That(Failing(new() { ["when"] = "day", ["company"] = string.Concat(Enumerable.Repeat("🏭", 100)) }), Is.Empty);
            Assert.That(Failing(new() { ["when"] = "day", ["company"] = new string('厂', 101) }), Is.EqualTo(new[] { "company" }));
        });

    [TestCase("a\u0000b")]
    [TestCase("\u202Egnp.exe")]
    [TestCase("bell\u0007")]
    public void Control_characters_are_refused(string text) =>
        Assert.That(Failing(new() { ["when"] = "day", ["company"] = text }), Is.EqualTo(new[] { "company" }));

    [Test]
    public void An_unknown_key_is_named_when_it_could_be_a_key_and_reported_on_the_answers_otherwise() =>
        Assert.Multiple(() =>
        {
            Assert.That(Failing(new() { ["when"] = "day", ["smell"] = "臭" }), Is.EqualTo(new[] { "smell" }));
            Assert.That(Failing(new() { ["when"] = "day", ["<script>"] = "x" }), Is.EqualTo(new string?[] { null }));
            Assert.That(Failing(Enumerable.Range(0, 11).ToDictionary(i => $"k{i}", _ => (string?)"x")), Is.EqualTo(new string?[] { null }),
                "too many answers");
        });

    [Test]
    public void A_category_without_questions_takes_no_answers() =>
        Assert.That(CategoryQuestions.CheckAnswers([], new Dictionary<string, string?> { ["when"] = "day" }, true).Select(f => f.Key),
            Is.EqualTo(new[] { "when" }));

    [Test]
    public void Stored_answers_are_trimmed_and_leave_blank_ones_out() =>
        Assert.That(CategoryQuestions.CleanAnswers(new Dictionary<string, string?> { ["when"] = " night ", ["company"] = " ", ["x"] = null }),
            Is.EqualTo(new Dictionary<string, string> { ["when"] = "night" }));

    [Test]
    public void The_seeded_question_document_round_trips()
    {
        var json = CategoryQuestions.Serialize(Noise);
        Assert.Multiple(() =>
        {
            Assert.That(json, Does.Contain("\"kind\":\"choice\"").And.Contain("\"labelZh\"").And.Not.Contain("textLimit"));
            Assert.That(CategoryQuestions.Parse(json).Select(q => (q.Key, q.Kind, q.Required)),
                Is.EqualTo(Noise.Select(q => (q.Key, q.Kind, q.Required))));
        });
    }

    [Test]
    public void A_good_question_document_has_no_mistakes() =>
        Assert.That(CategoryQuestions.Check(Noise), Is.Empty);

    [Test]
    public void Question_documents_are_checked_field_by_field()
    {
        IEnumerable<string> Fields(params CategoryQuestion[] questions) => CategoryQuestions.Check(questions).Select(f => f.Field);
        Assert.Multiple(() =>
        {
            Assert.That(Fields(When with { Key = "When" }), Is.EqualTo(new[] { "questions[0].key" }));
            Assert.That(Fields(When, Company with { Key = "when" }), Is.EqualTo(new[] { "questions[1].key" }), "duplicate key");
            Assert.That(Fields(When with { LabelEn = " " }), Is.EqualTo(new[] { "questions[0].labelEn" }), "both languages");
            Assert.That(Fields(When with { Options = [new("day", "白天", "By day")] }), Is.EqualTo(new[] { "questions[0].options" }));
            Assert.That(Fields(When with { Options = [new("day", "白天", "By day"), new("day", "晚上", "Night")] }),
                Is.EqualTo(new[] { "questions[0].options[1].value" }));
            Assert.That(Fields(When with { Options = [new("day", "白天", "By day"), new("night", "", "Night")] }),
                Is.EqualTo(new[] { "questions[0].options[1].zh" }));
            Assert.That(Fields(When with { MaxLength = 10 }), Is.EqualTo(new[] { "questions[0].maxLength" }));
            Assert.That(Fields(Company with { MaxLength = 501 }), Is.EqualTo(new[] { "questions[0].maxLength" }));
            Assert.That(Fields(Company with { Options = When.Options }), Is.EqualTo(new[] { "questions[0].options" }));
            Assert.That(Fields(Enumerable.Range(0, 11).Select(i => Company with { Key = $"q{i}" }).ToArray()), Is.EqualTo(new[] { "questions" }));
        });
    }

    private static readonly ServiceArea Shengzhou = ServiceArea.Default;

    [Test]
    public void A_pin_needs_both_coordinates_inside_the_service_area()
    {
        IEnumerable<string> Fields(double? lat, double? lon) => GuidedFields<SubmitComplaint.Command>.CheckPin(lat, lon, Shengzhou).Select(f => f.Field);
        Assert.Multiple(() =>
        {
            Assert.That(Fields(null, null), Is.Empty);
            Assert.That(Fields(29.59, 120.82), Is.Empty, "Shengzhou");
            Assert.That(Fields(29.59, null), Is.EqualTo(new[] { "longitude" }));
            Assert.That(Fields(null, 120.82), Is.EqualTo(new[] { "latitude" }));
            Assert.That(Fields(double.NaN, 120.82), Is.EqualTo(new[] { "latitude" }));
            Assert.That(Fields(29.59, double.PositiveInfinity), Is.EqualTo(new[] { "longitude" }));
            Assert.That(Fields(31.23, 121.47), Is.EqualTo(new[] { "latitude", "longitude" }), "Shanghai is outside");
        });
    }
}

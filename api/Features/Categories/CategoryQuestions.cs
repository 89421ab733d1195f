using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Categories;

public enum QuestionKind { Choice, Text }

/// <summary>One extra question of a category, as stored in categories.questions (migration 0009).</summary>
/// <param name="Key">Lower-case letters, digits and underscores, starting with a letter (at most 32): the answer's key.</param>
/// <param name="MaxLength">Text questions: the longest answer in characters (1–500, default 200).</param>
/// <param name="Options">Choice questions: 2–20 options.</param>
public sealed record CategoryQuestion(
    string Key, QuestionKind Kind, bool Required, string LabelZh, string LabelEn,
    int? MaxLength = null, IReadOnlyList<QuestionOption>? Options = null)
{
    public const int DefaultMaxLength = 200;

    [JsonIgnore]
    public int TextLimit => MaxLength ?? DefaultMaxLength;
}

/// <param name="Value">What the client sends as the answer (same rule as a question key).</param>
public sealed record QuestionOption(string Value, string Zh, string En);

/// <summary>Reading and checking question documents, and checking answers against them.</summary>
public static partial class CategoryQuestions
{
    public const int MaxQuestions = 10;
    public const int MaxOptions = 20;
    public const int MaxTextLength = 500;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [GeneratedRegex("^[a-z][a-z0-9_]{0,31}$")]
    public static partial Regex KeyPattern();

    public static IReadOnlyList<CategoryQuestion> Parse(string json) =>
        JsonSerializer.Deserialize<List<CategoryQuestion>>(json, Json) ?? [];

    public static string Serialize(IReadOnlyList<CategoryQuestion> questions) => JsonSerializer.Serialize(questions, Json);

    /// <summary>
    /// Mistakes in a question document an administrator wrote, as (field, message); field paths
    /// are those of the request ("questions[0].options[1].value").
    /// </summary>
    public static IEnumerable<(string Field, string Message)> Check(IReadOnlyList<CategoryQuestion>? questions)
    {
        if (questions is null) yield break;
        if (questions.Count > MaxQuestions)
            yield return ("questions", Lang.Pick($"最多 {MaxQuestions} 个问题", $"At most {MaxQuestions} questions"));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < questions.Count; i++)
        {
            var q = questions[i];
            var at = $"questions[{i}]";
            if (q is null)
            {
                yield return (at, Lang.Pick("问题不能为空", "A question cannot be empty"));
                continue;
            }
            if (q.Key is null || !KeyPattern().IsMatch(q.Key))
                yield return ($"{at}.key", KeyMessage);
            else if (!keys.Add(q.Key))
                yield return ($"{at}.key", Lang.Pick("问题代码重复", "Two questions have this key"));
            foreach (var error in Label($"{at}.labelZh", q.LabelZh, 100)) yield return error;
            foreach (var error in Label($"{at}.labelEn", q.LabelEn, 200)) yield return error;
            if (!Enum.IsDefined(q.Kind))
                yield return ($"{at}.kind", Lang.Pick("题型须为 choice 或 text", "kind is choice or text"));
            if (q.Kind == QuestionKind.Text)
            {
                if (q.MaxLength is < 1 or > MaxTextLength)
                    yield return ($"{at}.maxLength", Lang.Pick($"长度上限须在 1–{MaxTextLength} 之间", $"maxLength is 1–{MaxTextLength}"));
                if (q.Options is { Count: > 0 })
                    yield return ($"{at}.options", Lang.Pick("填空题没有选项", "A text question has no options"));
            }
            if (q.Kind == QuestionKind.Choice)
            {
                if (q.MaxLength is not null)
                    yield return ($"{at}.maxLength", Lang.Pick("选择题没有长度上限", "A choice question has no maxLength"));
                if (q.Options is not { Count: >= 2 } || q.Options.Count > MaxOptions)
                {
                    yield return ($"{at}.options", Lang.Pick($"选择题须有 2–{MaxOptions} 个选项", $"A choice question needs 2–{MaxOptions} options"));
                    if (q.Options is null) continue;
                }
                var values = new HashSet<string>(StringComparer.Ordinal);
                for (var j = 0; j < q.Options.Count; j++)
                {
                    var o = q.Options[j];
                    var oat = $"{at}.options[{j}]";
                    if (o is null)
                    {
                        yield return (oat, Lang.Pick("选项不能为空", "An option cannot be empty"));
                        continue;
                    }
                    if (o.Value is null || !KeyPattern().IsMatch(o.Value))
                        yield return ($"{oat}.value", KeyMessage);
                    else if (!values.Add(o.Value))
                        yield return ($"{oat}.value", Lang.Pick("选项值重复", "Two options have this value"));
                    foreach (var error in Label($"{oat}.zh", o.Zh, 100)) yield return error;
                    foreach (var error in Label($"{oat}.en", o.En, 200)) yield return error;
                }
            }
        }
    }

    /// <summary>Trimmed labels, and text limits written out, as the document is stored.</summary>
    public static IReadOnlyList<CategoryQuestion> Normalize(IReadOnlyList<CategoryQuestion>? questions) =>
        (questions ?? []).Select(q => q with
        {
            LabelZh = q.LabelZh.Trim(),
            LabelEn = q.LabelEn.Trim(),
            MaxLength = q.Kind == QuestionKind.Text ? q.TextLimit : null,
            Options = q.Kind == QuestionKind.Choice ? q.Options!.Select(o => o with { Zh = o.Zh.Trim(), En = o.En.Trim() }).ToList() : null,
        }).ToList();

    private static IEnumerable<(string, string)> Label(string field, string? text, int max)
    {
        if (!ComplaintText.SaysSomething(text))
            yield return (field, Lang.Pick("请填写文字（中英文都要）", "Write the label (both languages are needed)"));
        else if (ComplaintText.CharacterCount(text!.Trim()) > max)
            yield return (field, Lang.Pick($"不能超过 {max} 个字", $"Must be at most {max} characters"));
        else if (!ComplaintText.HasNoHiddenCharacters(text))
            yield return (field, ComplaintText.HiddenCharactersMessage);
    }

    private static string KeyMessage =>
        Lang.Pick("代码须为小写字母开头的 1–32 个小写字母、数字或下划线", "1–32 lower-case letters, digits or underscores, starting with a letter");

    /// <summary>
    /// Mistakes in a citizen's answers, as (answer key, message); the key is null when the mistake
    /// concerns the answers as a whole (too many, or a key no question could have).
    /// </summary>
    /// <param name="enforceRequired">False for staff registering a call or letter: the caller may not have said.</param>
    public static IEnumerable<(string? Key, string Message)> CheckAnswers(
        IReadOnlyList<CategoryQuestion> questions, IReadOnlyDictionary<string, string?>? answers, bool enforceRequired)
    {
        answers ??= new Dictionary<string, string?>();
        if (answers.Count > MaxQuestions)
        {
            yield return (null, Lang.Pick("回答过多", "Too many answers"));
            yield break;
        }
        foreach (var key in answers.Keys.Where(key => questions.All(q => q.Key != key)))
            yield return (KeyPattern().IsMatch(key) ? key : null, Lang.Pick("此类别没有这个问题", "This category has no such question"));
        foreach (var q in questions)
        {
            var answer = ComplaintText.Clean(answers.GetValueOrDefault(q.Key));
            if (answer is null)
            {
                if (q.Required && enforceRequired) yield return (q.Key, Lang.Pick("请回答这个问题", "Answer this question"));
                continue;
            }
            if (!ComplaintText.HasNoHiddenCharacters(answer))
                yield return (q.Key, ComplaintText.HiddenCharactersMessage);
            else if (q.Kind == QuestionKind.Choice && q.Options!.All(o => o.Value != answer))
                yield return (q.Key, Lang.Pick("请从选项中选择", "Choose one of the options"));
            else if (q.Kind == QuestionKind.Text && ComplaintText.CharacterCount(answer) > q.TextLimit)
                yield return (q.Key, Lang.Pick($"不能超过 {q.TextLimit} 个字", $"Must be at most {q.TextLimit} characters"));
        }
    }

    /// <summary>The answers as stored: trimmed, blank ones left out (validated before).</summary>
    public static Dictionary<string, string> CleanAnswers(IReadOnlyDictionary<string, string?>? answers) =>
        (answers ?? new Dictionary<string, string?>())
            .Select(a => (a.Key, Value: ComplaintText.Clean(a.Value)))
            .Where(a => a.Value is not null)
            .ToDictionary(a => a.Key, a => a.Value!, StringComparer.Ordinal);
}

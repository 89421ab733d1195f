using System.Text.Json;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.StaffComplaints;

/// <param name="Question">The question's label in the reader's language (the key when the category no longer asks it).</param>
/// <param name="Value">As stored: the text typed, or the chosen option's value.</param>
/// <param name="Text">What to show: the option's label for a choice, else the value.</param>
public sealed record CaseAnswer(string Key, string Question, string Value, string Text);

/// <summary>A map pin, WGS-84 degrees.</summary>
public sealed record CasePin(double Latitude, double Longitude);

public static class CaseAnswers
{
    /// <summary>The stored answers with the category's current labels, in the category's question order.</summary>
    public static IReadOnlyList<CaseAnswer> Label(CategoryCatalog.Category category, string answersJson)
    {
        var answers = JsonSerializer.Deserialize<Dictionary<string, string>>(answersJson) ?? [];
        var english = Lang.IsEnglish;
        return answers
            .Select(a => (Answer: a, Question: category.Questions.FirstOrDefault(q => q.Key == a.Key)))
            .OrderBy(x => x.Question is null ? int.MaxValue : category.Questions.ToList().IndexOf(x.Question))
            .ThenBy(x => x.Answer.Key, StringComparer.Ordinal)
            .Select(x => new CaseAnswer(x.Answer.Key,
                x.Question is null ? x.Answer.Key : english ? x.Question.LabelEn : x.Question.LabelZh,
                x.Answer.Value,
                x.Question?.Options?.FirstOrDefault(o => o.Value == x.Answer.Value) is { } option ? (english ? option.En : option.Zh) : x.Answer.Value))
            .ToList();
    }
}

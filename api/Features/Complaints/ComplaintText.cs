using System.Text;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;

namespace Feedback.Api.Features.Complaints;

/// <summary>Rules for free text citizens type, shared by every complaint use case.</summary>
public static class ComplaintText
{
    /// <summary>Trimmed text, or null when nothing but white space was typed.</summary>
    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Length in characters as a person counts them (and as PostgreSQL's char_length does).</summary>
    public static int CharacterCount(string text) => text.EnumerateRunes().Count();

    /// <summary>Control characters (other than line breaks and tabs) are never what a person meant.</summary>
    public static bool HasNoControlCharacters(string? text) =>
        text is null || !text.EnumerateRunes().Any(rune => Rune.IsControl(rune) && rune.Value is not ('\n' or '\r' or '\t'));

    /// <summary>Optional text: when given, 1..max characters after trimming, no control characters.</summary>
    public static IRuleBuilderOptions<T, string?> OptionalText<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.Must(text => Clean(text) is not { } clean || CharacterCount(clean) <= max)
            .WithMessage(_ => Lang.Pick($"不能超过 {max} 个字", $"Must be at most {max} characters"))
            .Must(HasNoControlCharacters)
            .WithMessage(_ => Lang.Pick("包含不允许的控制字符", "Contains control characters"));
}

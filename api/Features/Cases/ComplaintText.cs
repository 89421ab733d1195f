using System.Text;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;

namespace Feedback.Api.Features.Cases;

/// <summary>Rules for free text citizens type, shared by every complaint use case.</summary>
public static class ComplaintText
{
    /// <summary>Trimmed text, or null when nothing but white space was typed.</summary>
    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Length in characters as a person counts them (and as PostgreSQL's char_length does).</summary>
    public static int CharacterCount(string text) => text.EnumerateRunes().Count();

    /// <summary>
    /// True when the text says something: at least one letter or digit. Text made only of
    /// invisible characters (zero-width spaces, fillers) or punctuation is an empty case.
    /// </summary>
    public static bool SaysSomething(string? text) =>
        text is not null && text.EnumerateRunes().Any(rune => Rune.IsLetterOrDigit(rune) && !IsHangulFiller(rune));

    /// <summary>Blank "letters" (U+115F, U+1160, U+3164, U+FFA0) that render as nothing.</summary>
    private static bool IsHangulFiller(Rune rune) => rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0;

    /// <summary>
    /// Control characters (other than line breaks and tabs) are never what a person meant, and
    /// bidirectional overrides (U+202A–202E, U+2066–2069) can make text read differently on a
    /// staff member's screen than it was written ("\u202Egnp.exe").
    /// </summary>
    public static bool HasNoHiddenCharacters(string? text) =>
        text is null || !text.EnumerateRunes().Any(rune =>
            (Rune.IsControl(rune) && rune.Value is not ('\n' or '\r' or '\t'))
            || rune.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069);

    /// <summary>Optional text: when given, 1..max characters after trimming, nothing hidden.</summary>
    public static IRuleBuilderOptions<T, string?> OptionalText<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.Must(text => Clean(text) is not { } clean || CharacterCount(clean) <= max)
            .WithMessage(_ => Lang.Pick($"不能超过 {max} 个字", $"Must be at most {max} characters"))
            .Must(HasNoHiddenCharacters)
            .WithMessage(_ => HiddenCharactersMessage);

    /// <summary>Required text (a reason, a reply, a result): says something, 1..max characters, nothing hidden.</summary>
    public static IRuleBuilderOptions<T, string?> RequiredText<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.Must(SaysSomething)
            .WithMessage(_ => Lang.Pick("请填写内容", "Write something here"))
            .OptionalText(max);

    public static string HiddenCharactersMessage => Lang.Pick("包含不允许的控制字符", "Contains control characters");
}

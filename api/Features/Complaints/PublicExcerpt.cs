using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// The start of a description as anyone may read it: e-mail addresses and every run of seven or
/// more digits (mobile and landline numbers, ID and bank card numbers, with or without spaces,
/// hyphens or full-width digits) become "***", and the text is cut to a few dozen characters.
/// Masking runs on the whole text before it is cut, so a number is never half shown at the end.
/// </summary>
public static partial class PublicExcerpt
{
    public const int MaxLength = 60;
    public const string Mask = "***";

    public static string Of(string description)
    {
        var masked = Email().Replace(description, Mask);
        masked = LongNumber().Replace(masked, match => IsoDate().IsMatch(match.Value) ? match.Value : Mask);
        // Line breaks would only waste the few characters shown.
        masked = Whitespace().Replace(masked, " ").Trim();
        return Cut(masked);
    }

    /// <summary>At most <see cref="MaxLength"/> characters as a person counts them (an emoji is one), then "…".</summary>
    private static string Cut(string text)
    {
        var elements = StringInfo.GetTextElementEnumerator(text);
        var cut = new StringBuilder();
        var count = 0;
        while (elements.MoveNext())
        {
            if (count == MaxLength) return cut.ToString().TrimEnd() + "…";
            cut.Append(elements.GetTextElement());
            count++;
        }
        return text;
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+\s*[@＠]\s*[A-Za-z0-9\-]+(?:\s*[.．]\s*[A-Za-z0-9\-]+)+")]
    private static partial Regex Email();

    // \d is any Unicode decimal digit, full-width ones included; an ID number may end in X.
    [GeneratedRegex(@"(?:\+\s*)?\d(?:[\s\-–—.·()（）]{0,2}\d){6,}(?:\s*[xX])?")]
    private static partial Regex LongNumber();

    // A date such as 2026-11-26 is not a number anyone can be reached or identified by.
    [GeneratedRegex(@"^\d{4}[-.]\d{1,2}[-.]\d{1,2}$")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

using System.Text.RegularExpressions;

namespace Feedback.Api.Features.Cases;

/// <summary>Mainland China mobile numbers: 11 digits starting 13–19, typed with or without +86, spaces or hyphens.</summary>
public static partial class PhoneNumber
{
    public static string? Normalize(string? typed)
    {
        if (typed is null) return null;
        var digits = typed.Replace(" ", "").Replace("-", "");
        if (digits.StartsWith("+86", StringComparison.Ordinal)) digits = digits[3..];
        return MainlandMobile().IsMatch(digits) ? digits : null;
    }

    [GeneratedRegex("^1[3-9][0-9]{9}$")]
    private static partial Regex MainlandMobile();
}

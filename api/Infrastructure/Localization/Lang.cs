using System.Globalization;

namespace Feedback.Api.Infrastructure.Localization;

/// <summary>
/// The two languages of the service. The request localization middleware sets the current UI
/// culture from Accept-Language (zh-CN by default); texts that users read pick theirs here.
/// </summary>
public static class Lang
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string Current => IsEnglish ? English : Chinese;

    public static string Pick(string chinese, string english) => IsEnglish ? english : chinese;

    /// <summary>A date as pages and messages read it: 2026年12月18日 / 18 December 2026.</summary>
    public static string LongDate(DateOnly day, bool english) =>
        day.ToString(english ? "d MMMM yyyy" : "yyyy年M月d日", CultureInfo.InvariantCulture);
}

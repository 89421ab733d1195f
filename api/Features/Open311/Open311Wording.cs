using System.Globalization;
using System.Text.RegularExpressions;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Open311;

/// <summary>What GeoReport answers share: its date-times, the notice on a new request, and public texts without contact details.</summary>
public static partial class Open311Wording
{
    /// <summary>A W3C date-time in the bureau's time zone, with its offset: 2026-12-06T10:15:00+08:00.</summary>
    public static string DateTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>service_notice: when the section will decide whether it takes the case.</summary>
    public static string ServiceNotice(DateOnly acceptBy) => Lang.Pick(
        $"受理部门将于 {Lang.LongDate(acceptBy, english: false)} 前决定是否受理",
        $"The section will decide whether to take the case by {Lang.LongDate(acceptBy, english: true)}");

    /// <summary>
    /// Staff write results and referrals for the complainant; GeoReport shows them to anyone. Phone
    /// numbers, ID numbers (a run of 7 or more digits, spaces and hyphens allowed, that is not a
    /// date and not part of a tracking code) and email addresses in them are masked:
    /// "请联系 0575-8312 3456" → "请联系 ***".
    /// </summary>
    public static string WithoutContactDetails(string text) => Digits().Replace(Email().Replace(text, "***"), "***");

    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+")]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?!\d{4}-\d{1,2}-\d{1,2}(?!\d))\+?\d(?:[\s-]?\d){6,}[xX]?(?![A-Za-z0-9])")]
    private static partial Regex Digits();
}

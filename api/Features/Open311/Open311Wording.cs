using System.Globalization;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Open311;

/// <summary>What GeoReport answers share: its date-times and the notice on a new request.</summary>
public static class Open311Wording
{
    /// <summary>A W3C date-time in the bureau's time zone, with its offset: 2026-12-06T10:15:00+08:00.</summary>
    public static string DateTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>service_notice: when the section will decide whether it takes the case.</summary>
    public static string ServiceNotice(DateOnly acceptBy) => Lang.Pick(
        $"受理部门将于 {Lang.LongDate(acceptBy, english: false)} 前决定是否受理",
        $"The section will decide whether to take the case by {Lang.LongDate(acceptBy, english: true)}");
}

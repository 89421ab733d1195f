namespace Feedback.Api.Infrastructure.Time;

/// <summary>
/// "Now" for the whole service, and the bureau's calendar date of an instant: deadlines are
/// counted in the bureau's days (FEEDBACK_TIME_ZONE), whatever the server's zone. Tests swap the
/// <see cref="TimeProvider"/> to fix the date.
/// </summary>
public sealed class BureauClock(TimeProvider timeProvider, FeedbackOptions options)
{
    /// <summary>Now, to the microsecond: what PostgreSQL stores is what the caller is told.</summary>
    public DateTimeOffset UtcNow
    {
        get
        {
            var now = timeProvider.GetUtcNow();
            return new DateTimeOffset(now.UtcTicks - now.UtcTicks % (TimeSpan.TicksPerMillisecond / 1000), TimeSpan.Zero);
        }
    }

    public DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, options.TimeZone).DateTime);

    public DateOnly Today => DateOf(UtcNow);

    /// <summary>The instant the bureau's day begins (for "submitted between these dates").</summary>
    public DateTimeOffset StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, options.TimeZone.GetUtcOffset(local)).ToUniversalTime();
    }
}

namespace Feedback.Api.Infrastructure.Time;

/// <summary>
/// "Now" for the whole service, and the bureau's calendar date of an instant: deadlines are
/// counted in the bureau's days (FEEDBACK_TIME_ZONE), whatever the server's zone. Tests swap the
/// <see cref="TimeProvider"/> to fix the date.
/// </summary>
public sealed class BureauClock(TimeProvider timeProvider, FeedbackOptions options)
{
    public DateTimeOffset UtcNow => timeProvider.GetUtcNow();

    public DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, options.TimeZone).DateTime);
}

using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Time;

namespace Feedback.Api.Features.StaffComplaints;

/// <param name="WorkingDaysLeft">Working days from today to the deadline: 0 on the day, negative once overdue; null when the case is no longer open.</param>
public sealed record DeadlineFlags(bool DueSoon, bool Overdue, int? WorkingDaysLeft);

/// <summary>
/// "Due soon" and "overdue" (BRIEF §5): a case is due soon from one working day before its
/// deadline until the deadline itself, and overdue from the day after. Only open cases have them.
/// </summary>
public static class Deadlines
{
    /// <summary>The last deadline that still counts as "due soon" today.</summary>
    public static DateOnly DueSoonUntil(DateOnly today, WorkingDayCalendar calendar) => calendar.AddWorkingDays(today, 1);

    public static DeadlineFlags Flags(ComplaintStatus status, DateOnly dueOn, DateOnly today, WorkingDayCalendar calendar) =>
        !status.IsOpen()
            ? new DeadlineFlags(false, false, null)
            : new DeadlineFlags(
                DueSoon: dueOn >= today && dueOn <= DueSoonUntil(today, calendar),
                Overdue: dueOn < today,
                WorkingDaysLeft: calendar.WorkingDaysBetween(today, dueOn));
}

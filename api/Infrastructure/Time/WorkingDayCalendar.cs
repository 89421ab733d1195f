namespace Feedback.Api.Infrastructure.Time;

/// <summary>
/// Counts legal deadlines in working days. For now a working day is any Monday to Friday; public
/// holidays and make-up working days (调休) arrive with the editable calendar.
/// </summary>
public sealed class WorkingDayCalendar
{
    public bool IsWorkingDay(DateOnly date) => date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>
    /// The date <paramref name="workingDays"/> working days after <paramref name="start"/>. The start
    /// day itself never counts (as in 信访条例: "within N days of receipt" starts the next day), so a
    /// complaint filed on a Saturday with 2 days is due on Tuesday.
    /// </summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workingDays);
        var date = start;
        for (var counted = 0; counted < workingDays;)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date)) counted++;
        }
        return date;
    }
}

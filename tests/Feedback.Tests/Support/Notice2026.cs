using Feedback.Api.Infrastructure.Time;

namespace Feedback.Tests.Support;

/// <summary>
/// 2026 as the State Council's notice (国办发明电〔2025〕7号) words it: whole blocks off, weekends
/// included, and the weekend days that are worked. Written independently of the migration's rows,
/// so a mistake in either shows.
/// </summary>
public static class Notice2026
{
    public static readonly (DateOnly From, DateOnly To, string Name)[] Off =
    [
        (new(2026, 1, 1), new(2026, 1, 3), "元旦"),
        (new(2026, 2, 15), new(2026, 2, 23), "春节"),
        (new(2026, 4, 4), new(2026, 4, 6), "清明节"),
        (new(2026, 5, 1), new(2026, 5, 5), "劳动节"),
        (new(2026, 6, 19), new(2026, 6, 21), "端午节"),
        (new(2026, 9, 25), new(2026, 9, 27), "中秋节"),
        (new(2026, 10, 1), new(2026, 10, 7), "国庆节"),
    ];

    public static readonly DateOnly[] Worked =
        [new(2026, 1, 4), new(2026, 2, 14), new(2026, 2, 28), new(2026, 5, 9), new(2026, 9, 20), new(2026, 10, 10)];

    public static bool IsWorkingDay(DateOnly day) =>
        Worked.Contains(day)
        || (!Off.Any(block => block.From <= day && day <= block.To) && !IsWeekend(day));

    /// <summary>The same, as the calendar stores it: weekdays off and weekend days worked.</summary>
    public static WorkingDayCalendar Calendar() => WorkingDayCalendar.FromDays(
        Off.SelectMany(block => Days(block.From, block.To)
                .Where(day => !IsWeekend(day)) // a weekend day is off anyway
                .Select(day => new WorkingDayCalendar.SpecialDay(day, WorkingDayCalendar.DayKind.Holiday, block.Name, block.Name)))
            .Concat(Worked.Select(day => new WorkingDayCalendar.SpecialDay(day, WorkingDayCalendar.DayKind.Workday, "调休上班", "Make-up working day"))));

    public static IEnumerable<DateOnly> Days(DateOnly from, DateOnly to)
    {
        for (var day = from; day <= to; day = day.AddDays(1)) yield return day;
    }

    private static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}

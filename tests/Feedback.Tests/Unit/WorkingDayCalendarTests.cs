using Feedback.Api.Infrastructure.Time;
using Feedback.Tests.Support;
using static Feedback.Api.Infrastructure.Time.WorkingDayCalendar;

namespace Feedback.Tests.Unit;

public sealed class WorkingDayCalendarTests
{
    private static readonly WorkingDayCalendar Official2026 = Notice2026.Calendar();
    private static readonly WorkingDayCalendar WeekendsOnly = FromDays([]);

    private static IEnumerable<DateOnly> Days(DateOnly from, DateOnly to) => Notice2026.Days(from, to);

    private static DateOnly D(string date) => DateOnly.Parse(date);

    [TestCase("2026-11-23", 2, "2026-11-25", TestName = "Monday + 2 = Wednesday")]
    [TestCase("2026-11-27", 2, "2026-12-01", TestName = "Friday + 2 skips the weekend = Tuesday")]
    [TestCase("2026-11-28", 2, "2026-12-01", TestName = "Saturday + 2 = Tuesday: the filing day never counts")]
    [TestCase("2026-11-29", 1, "2026-11-30", TestName = "Sunday + 1 = Monday")]
    [TestCase("2026-11-23", 15, "2026-12-14", TestName = "Monday + 15 = three weeks later")]
    [TestCase("2026-11-23", 60, "2027-02-15", TestName = "Monday + 60 = twelve weeks later, with no special days")]
    public void Adds_working_days_after_the_start_day(string start, int days, string expected) =>
        Assert.That(WeekendsOnly.AddWorkingDays(D(start), days), Is.EqualTo(D(expected)));

    [Test]
    public void Weekends_are_not_working_days()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Official2026.IsWorkingDay(D("2026-11-28")), Is.False, "Saturday");
            Assert.That(Official2026.IsWorkingDay(D("2026-11-29")), Is.False, "Sunday");
            Assert.That(Official2026.IsWorkingDay(D("2026-11-30")), Is.True, "Monday");
        });
    }

    [Test]
    public void The_spring_festival_2026_block_is_off_and_its_make_up_saturdays_are_worked()
    {
        Assert.Multiple(() =>
        {
            foreach (var day in Days(D("2026-02-15"), D("2026-02-23")))
                Assert.That(Official2026.IsWorkingDay(day), Is.False, $"{day:yyyy-MM-dd} ({day.DayOfWeek}) is in the 春节 block");
            Assert.That(Official2026.IsWorkingDay(D("2026-02-14")), Is.True, "Saturday 14 February is worked");
            Assert.That(Official2026.IsWorkingDay(D("2026-02-28")), Is.True, "Saturday 28 February is worked");
            Assert.That(Official2026.IsWorkingDay(D("2026-02-24")), Is.True, "Tuesday 24 February: back at work");
            Assert.That(Official2026.IsWorkingDay(D("2026-02-13")), Is.True, "Friday 13 February: still at work");
        });
    }

    [TestCase("2026-02-13", 1, "2026-02-14", TestName = "Friday before 春节 + 1 = the make-up Saturday")]
    [TestCase("2026-02-13", 2, "2026-02-24", TestName = "Friday before 春节 + 2 = the Tuesday after the block")]
    [TestCase("2026-02-16", 2, "2026-02-25", TestName = "Filed on a 春节 Monday + 2 = Wednesday after the block")]
    [TestCase("2026-02-24", 5, "2026-03-02", TestName = "Tuesday after 春节 + 5 counts the make-up Saturday 28 February")]
    [TestCase("2026-02-10", 15, "2026-03-09", TestName = "15 days from 10 February cross the whole 春节 block")]
    [TestCase("2026-09-18", 1, "2026-09-20", TestName = "Friday + 1 = the make-up Sunday before 国庆")]
    [TestCase("2026-09-30", 1, "2026-10-08", TestName = "The day before 国庆 + 1 = Thursday after the block")]
    [TestCase("2026-10-09", 1, "2026-10-10", TestName = "Friday after 国庆 + 1 = the make-up Saturday")]
    [TestCase("2026-09-28", 15, "2026-10-23", TestName = "15 days from 28 September cross 国庆: four days later than weekends alone")]
    [TestCase("2026-04-30", 2, "2026-05-07", TestName = "Thursday before 劳动节 + 2 = Thursday after it")]
    public void Deadlines_skip_public_holidays_and_count_make_up_days(string start, int days, string expected) =>
        Assert.That(Official2026.AddWorkingDays(D(start), days), Is.EqualTo(D(expected)));

    [Test]
    public void National_day_2026_is_off_for_seven_days_and_two_weekend_days_are_worked()
    {
        Assert.Multiple(() =>
        {
            foreach (var day in Days(D("2026-10-01"), D("2026-10-07")))
                Assert.That(Official2026.IsWorkingDay(day), Is.False, $"{day:yyyy-MM-dd} is in the 国庆 block");
            Assert.That(Official2026.IsWorkingDay(D("2026-09-20")), Is.True, "Sunday 20 September is worked");
            Assert.That(Official2026.IsWorkingDay(D("2026-10-10")), Is.True, "Saturday 10 October is worked");
            Assert.That(Official2026.IsWorkingDay(D("2026-10-11")), Is.False, "Sunday 11 October is an ordinary Sunday");
        });
    }

    [Test]
    public void A_year_without_special_days_has_weekends_only() =>
        Assert.That(Official2026.AddWorkingDays(D("2028-02-04"), 2), Is.EqualTo(D("2028-02-08")));

    [TestCase("2026-11-23", "2026-11-25", 2, TestName = "Monday to Wednesday: 2 working days left")]
    [TestCase("2026-11-25", "2026-11-25", 0, TestName = "Due today: 0")]
    [TestCase("2026-11-25", "2026-11-23", -2, TestName = "Wednesday after a Monday deadline: overdue by 2")]
    [TestCase("2026-11-27", "2026-11-28", 0, TestName = "Friday to Saturday: no working day between")]
    [TestCase("2026-11-28", "2026-11-27", 0, TestName = "Saturday after a Friday deadline: 0, though the date has passed")]
    [TestCase("2026-02-13", "2026-02-24", 2, TestName = "Across 春节: the make-up Saturday and the Tuesday after")]
    [TestCase("2026-10-09", "2026-09-30", -2, TestName = "Deadline 30 September seen on 9 October: overdue by 2, not 7")]
    [TestCase("2026-01-01", "2026-12-31", 248, TestName = "2026 has 248 working days")]
    public void Counts_working_days_between_two_dates(string from, string to, int expected) =>
        Assert.That(Official2026.WorkingDaysBetween(D(from), D(to)), Is.EqualTo(expected));

    [Test]
    public void Counting_undoes_adding()
    {
        Assert.Multiple(() =>
        {
            foreach (var start in Days(D("2026-01-01"), D("2026-12-31")))
                foreach (var days in new[] { 1, 2, 3, 15, 60 })
                {
                    var due = Official2026.AddWorkingDays(start, days);
                    Assert.That(Official2026.WorkingDaysBetween(start, due), Is.EqualTo(days), $"{start:yyyy-MM-dd} + {days}");
                    Assert.That(Official2026.WorkingDaysBetween(due, start), Is.EqualTo(-days), $"{start:yyyy-MM-dd} + {days}, reversed");
                }
        });
    }

    [Test]
    public void A_deadline_of_zero_days_is_a_bug() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Official2026.AddWorkingDays(D("2026-11-23"), 0));

    [Test]
    public void A_special_day_must_change_what_its_weekday_says()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => FromDays([new SpecialDay(D("2026-11-28"), DayKind.Holiday, "周六", "Saturday")]),
                "a Saturday is off already");
            Assert.Throws<ArgumentException>(() => FromDays([new SpecialDay(D("2026-11-30"), DayKind.Workday, "周一", "Monday")]),
                "a Monday is worked already");
        });
    }
}

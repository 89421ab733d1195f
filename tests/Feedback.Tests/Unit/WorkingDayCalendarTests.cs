using Feedback.Api.Infrastructure.Time;

namespace Feedback.Tests.Unit;

public sealed class WorkingDayCalendarTests
{
    private readonly WorkingDayCalendar _calendar = new();

    [TestCase("2026-11-23", 2, "2026-11-25", TestName = "Monday + 2 = Wednesday")]
    [TestCase("2026-11-27", 2, "2026-12-01", TestName = "Friday + 2 skips the weekend = Tuesday")]
    [TestCase("2026-11-28", 2, "2026-12-01", TestName = "Saturday + 2 = Tuesday: the filing day never counts")]
    [TestCase("2026-11-29", 1, "2026-11-30", TestName = "Sunday + 1 = Monday")]
    [TestCase("2026-11-23", 15, "2026-12-14", TestName = "Monday + 15 = three weeks later")]
    [TestCase("2026-11-23", 60, "2027-02-15", TestName = "Monday + 60 = twelve weeks later")]
    public void Adds_working_days_after_the_start_day(string start, int days, string expected) =>
        Assert.That(_calendar.AddWorkingDays(DateOnly.Parse(start), days), Is.EqualTo(DateOnly.Parse(expected)));

    [Test]
    public void Weekends_are_not_working_days()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_calendar.IsWorkingDay(new DateOnly(2026, 11, 28)), Is.False, "Saturday");
            Assert.That(_calendar.IsWorkingDay(new DateOnly(2026, 11, 29)), Is.False, "Sunday");
            Assert.That(_calendar.IsWorkingDay(new DateOnly(2026, 11, 30)), Is.True, "Monday");
        });
    }

    [Test]
    public void A_deadline_of_zero_days_is_a_bug() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _calendar.AddWorkingDays(new DateOnly(2026, 11, 23), 0));
}

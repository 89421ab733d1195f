using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Time;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Feedback.Tests.Integration;

/// <summary>
/// The calendar read from calendar_days. Rows a test adds are for a day no other test uses, and
/// are removed afterwards.
/// </summary>
public sealed class WorkingDayCalendarTests : IntegrationTest
{
    private const string TestHoliday = "2027-03-09"; // a Tuesday

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static WorkingDayCalendar NewCalendar(TimeProvider time) =>
        new(App.Services.GetRequiredService<NpgsqlDataSource>(), time, NullLogger<WorkingDayCalendar>.Instance);

    private static async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static Task AddTestHolidayAsync(NpgsqlConnection connection) => connection.ExecuteAsync(
        "insert into calendar_days (day, kind, name_zh, name_en) values (@day::date, 'holiday', '测试假日', 'Test holiday')",
        new { day = TestHoliday });

    private static Task RemoveTestHolidayAsync(NpgsqlConnection connection) =>
        connection.ExecuteAsync("delete from calendar_days where day = @day::date", new { day = TestHoliday });

    [Test]
    public async Task The_seeded_2026_calendar_is_the_state_councils_notice()
    {
        var calendar = NewCalendar(TimeProvider.System);
        await calendar.LoadAsync();
        var wrong = Notice2026.Days(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31))
            .Where(day => calendar.IsWorkingDay(day) != Notice2026.IsWorkingDay(day))
            .Select(day => $"{day:yyyy-MM-dd} ({day.DayOfWeek})")
            .ToList();
        Assert.That(wrong, Is.Empty, "days whose working status differs from 国办发明电〔2025〕7号");
    }

    [Test]
    public async Task The_seeded_2027_calendar_holds_the_statutory_holidays_that_fall_on_weekdays()
    {
        var calendar = NewCalendar(TimeProvider.System);
        await calendar.LoadAsync();
        string[] statutory = ["2027-01-01", "2027-02-05", "2027-02-08", "2027-04-05", "2027-06-09", "2027-09-15", "2027-10-01"];
        Assert.Multiple(() =>
        {
            foreach (var day in statutory)
                Assert.That(calendar.IsWorkingDay(DateOnly.Parse(day)), Is.False, day);
            Assert.That(calendar.IsWorkingDay(new DateOnly(2027, 2, 4)), Is.True, "Thursday before 除夕");
            Assert.That(calendar.IsWorkingDay(new DateOnly(2027, 2, 9)), Is.True, "Tuesday after 正月初三, until the notice says otherwise");
        });
    }

    [Test]
    public async Task A_row_added_to_calendar_days_moves_a_deadline_as_soon_as_it_commits()
    {
        // Monday 8 March 2027, 10:00 in Shanghai: + 2 working days = Wednesday 10 March. The clock is
        // stopped, so the copy in memory never ages: only the database's notice can reload it.
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString,
            new FixedTimeProvider(DateTimeOffset.Parse("2027-03-08T02:00:00Z")));
        app.StartServer();
        using var client = app.CreateHttpClient();
        async Task<string> AcceptByAsync()
        {
            using var response = await client.PostAsJsonAsync("/api/v1/complaints", new { categoryCode = "air.odor", description = "测试工作日历" });
            Assert.That((int)response.StatusCode, Is.EqualTo(201), await response.Content.ReadAsStringAsync());
            return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["acceptBy"]!;
        }

        Assert.That(await AcceptByAsync(), Is.EqualTo("2027-03-10"));
        await using var connection = await ConnectAsync();
        try
        {
            // Written straight into the database, not through any instance.
            await AddTestHolidayAsync(connection);
            var acceptBy = "";
            // Polled, with a bound only so that a failure ends.
            for (var attempt = 0; attempt < 300 && acceptBy != "2027-03-11"; attempt++)
            {
                if (attempt > 0) await Task.Delay(100);
                acceptBy = await AcceptByAsync();
            }
            Assert.That(acceptBy, Is.EqualTo("2027-03-11"), "Tuesday 9 March is now a holiday");
        }
        finally
        {
            await RemoveTestHolidayAsync(connection);
        }
    }

    [Test]
    public async Task An_edit_is_seen_once_the_copy_is_older_than_its_maximum_age()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2027-03-01T08:00:00Z"));
        var calendar = NewCalendar(clock);
        await calendar.LoadAsync();
        var day = DateOnly.Parse(TestHoliday);
        await using var connection = await ConnectAsync();
        try
        {
            await AddTestHolidayAsync(connection);

            clock.Now += WorkingDayCalendar.MaxAge - TimeSpan.FromSeconds(1);
            Assert.That(calendar.IsWorkingDay(day), Is.True, "still within its maximum age");

            clock.Now += TimeSpan.FromSeconds(1);
            var seen = calendar.IsWorkingDay(day); // stale: answers from the copy, reloads in the background
            for (var attempt = 0; attempt < 50 && seen; attempt++)
            {
                await Task.Delay(20);
                seen = calendar.IsWorkingDay(day);
            }
            Assert.That(seen, Is.False, "the holiday reached this instance without a restart");
        }
        finally
        {
            await RemoveTestHolidayAsync(connection);
        }
    }

    [Test]
    public async Task Reloads_asked_for_at_once_all_see_an_edit_made_before_them()
    {
        var calendar = NewCalendar(TimeProvider.System);
        await calendar.LoadAsync();
        await using var connection = await ConnectAsync();
        try
        {
            var before = calendar.ReloadAsync(); // in flight while the edit commits
            await AddTestHolidayAsync(connection);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => calendar.ReloadAsync()).Append(before));
            Assert.That(calendar.IsWorkingDay(DateOnly.Parse(TestHoliday)), Is.False);
        }
        finally
        {
            await RemoveTestHolidayAsync(connection);
        }
    }

    [TestCase("2026-11-28", "holiday", TestName = "A Saturday cannot be stored as a holiday")]
    [TestCase("2026-11-30", "workday", TestName = "A Monday cannot be stored as a make-up working day")]
    [TestCase("2026-11-30", "festival", TestName = "Only 'holiday' and 'workday' are kinds")]
    public async Task The_database_refuses_a_row_that_would_change_nothing(string day, string kind)
    {
        await using var connection = await ConnectAsync();
        var refused = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "insert into calendar_days (day, kind, name_zh, name_en) values (@day::date, @kind, '测试', 'Test')", new { day, kind }));
        Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.CheckViolation));
    }
}

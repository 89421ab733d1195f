using Dapper;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Reminders;

/// <summary>
/// 督办: once a minute (FEEDBACK_REMINDER_INTERVAL_SECONDS), every open case past its deadline gets
/// one internal "reminder" event, which the section head and leaders see on the case and in the
/// overdue filter, and its assignee and section head an email (<see cref="StaffNotices.Overdue"/>);
/// one working day before the deadline, they are told it is due soon (<see cref="StaffNotices.DueSoon"/>). Each case remembers the deadline it was reminded of (reminded_for), and a
/// partial index holds only the cases still waiting, so a round with nothing to do costs almost
/// nothing. Safe with any number of API instances: the mark is taken under the row's lock, and a
/// unique index allows one reminder per case and missed deadline.
/// </summary>
public sealed class OverdueReminders(
    NpgsqlDataSource dataSource, BureauClock clock, WorkingDayCalendar calendar, FeedbackOptions options, ILogger<OverdueReminders> logger)
    : BackgroundService
{
    /// <returns>How many reminders were recorded.</returns>
    public async Task<int> RecordDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.UtcNow;
        var today = clock.DateOf(now);
        // Marking the case and recording the event is one statement: of two instances, the second
        // finds the case already marked (it waits for the first's row lock, then no longer matches).
        var reminded = (await connection.QueryAsync<long>(new CommandDefinition(
            """
            with due as (
                update complaints c set reminded_for = c.due_on
                where c.status in ('submitted', 'accepted', 'in_progress') and c.due_on < @today
                  and c.reminded_for is distinct from c.due_on
                returning c.id, c.due_on, c.section_code, case when c.status = 'submitted' then 'accept' else 'resolve' end as deadline
            ), recorded as (
                insert into complaint_events (complaint_id, type, visibility, actor_kind, data, occurred_at)
                select id, 'reminder', 'internal', 'system',
                       jsonb_build_object('deadline', deadline, 'due', due_on, 'sectionCode', section_code), @now
                from due
                on conflict (complaint_id, (data ->> 'deadline'), (data ->> 'due')) where type = 'reminder' do nothing
                returning complaint_id
            )
            select complaint_id from recorded
            """,
            new { now, today }, transaction, cancellationToken: cancellationToken))).ToArray();
        await NotificationOutbox.ToStaffAsync(connection, transaction, StaffNotices.Overdue, reminded, now, options, cancellationToken);

        // Due soon: the deadline is today or the next working day, once per deadline.
        var dueSoon = (await connection.QueryAsync<long>(new CommandDefinition(
            """
            update complaints set due_soon_notified_for = due_on
            where status in ('submitted', 'accepted', 'in_progress') and due_on between @today and @soon
              and due_soon_notified_for is distinct from due_on
            returning id
            """,
            new { today, soon = calendar.AddWorkingDays(today, 1) }, transaction, cancellationToken: cancellationToken))).ToArray();
        await NotificationOutbox.ToStaffAsync(connection, transaction, StaffNotices.DueSoon, dueSoon, now, options, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return reminded.Length;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ReminderInterval);
        do
        {
            try
            {
                var recorded = await RecordDueAsync(stoppingToken);
                if (recorded > 0) logger.LogInformation("Recorded {Count} overdue reminders", recorded);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Overdue reminders skipped this round: {Reason}", exception.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

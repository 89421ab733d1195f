using Dapper;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Reminders;

/// <summary>
/// 督办: once a minute (FEEDBACK_REMINDER_INTERVAL_SECONDS), every open case past its deadline gets
/// one internal "reminder" event, which the section head and leaders see on the case and in the
/// overdue filter. Safe with any number of API instances: a unique index allows one reminder per
/// case and missed deadline, so a second instance inserts nothing.
/// </summary>
public sealed class OverdueReminders(NpgsqlDataSource dataSource, BureauClock clock, FeedbackOptions options, ILogger<OverdueReminders> logger)
    : BackgroundService
{
    /// <returns>How many reminders were recorded.</returns>
    public async Task<int> RecordDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var now = clock.UtcNow;
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into complaint_events (complaint_id, type, visibility, actor_kind, data, occurred_at)
            select c.id, 'reminder', 'internal', 'system',
                   jsonb_build_object('deadline', d.deadline, 'due', c.due_on, 'sectionCode', c.section_code), @now
            from complaints c
            cross join lateral (select case when c.status = 'submitted' then 'accept' else 'resolve' end as deadline) d
            where c.status in ('submitted', 'accepted', 'in_progress') and c.due_on < @today
              and not exists (select 1 from complaint_events e
                              where e.complaint_id = c.id and e.type = 'reminder'
                                and e.data ->> 'deadline' = d.deadline and e.data ->> 'due' = c.due_on::text)
            on conflict (complaint_id, (data ->> 'deadline'), (data ->> 'due')) where type = 'reminder' do nothing
            """,
            new { now, today = clock.DateOf(now) }, cancellationToken: cancellationToken));
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

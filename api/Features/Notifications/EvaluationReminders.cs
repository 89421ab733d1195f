using Dapper;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Notifications;

/// <summary>
/// Each housekeeping round, a citizen who consented to be told and has not evaluated a resolved
/// case is reminded once, <see cref="DaysBefore"/> days before the evaluation window's last day
/// (again after a review's new result). The case is marked in the same statement that queues the
/// reminder, so of several instances one queues it.
/// </summary>
public sealed class EvaluationReminders(NpgsqlDataSource dataSource, BureauClock clock, FeedbackOptions options)
{
    public const int DaysBefore = 2;

    /// <returns>How many cases were reminded.</returns>
    public async Task<int> QueueDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var today = clock.DateOf(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            with due as (
                update complaints c set evaluation_reminded_at = @now
                where c.status = 'resolved' and c.resolved_at >= @stillOpen and c.resolved_at < @remindFrom
                  and c.notify_by <> '{}' and c.evaluated_at is null
                  and (c.evaluation_reminded_at is null or c.evaluation_reminded_at < c.resolved_at)
                returning c.id, c.tracking_code, c.contact_phone, c.contact_email, c.language, c.notify_by,
                          (c.resolved_at at time zone @timeZone)::date + @days as evaluate_by
            ), queued as (
                insert into notifications (kind, channel, complaint_id, recipient, language, payload, created_at, next_attempt_at)
                select @kind, channel, due.id, case channel when 'sms' then due.contact_phone else due.contact_email end, due.language,
                       jsonb_build_object('trackingCode', due.tracking_code, 'evaluateBy', due.evaluate_by), @now, @now
                from due cross join unnest(due.notify_by) as channel
            )
            select count(*)::int from due
            """,
            new
            {
                now,
                // Resolved on or before (today − days + DaysBefore), and not yet past the window's last day.
                remindFrom = clock.StartOf(today.AddDays(DaysBefore + 1 - options.EvaluationDays)),
                stillOpen = clock.StartOf(today.AddDays(-options.EvaluationDays)),
                timeZone = options.TimeZone.Id,
                days = options.EvaluationDays,
                kind = CitizenNotices.EvaluationReminder.Code,
            }, cancellationToken: cancellationToken));
    }
}

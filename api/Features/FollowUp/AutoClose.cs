using Dapper;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.FollowUp;

/// <summary>
/// Each housekeeping round (<see cref="Housekeeping.Housekeeping"/>), resolved cases whose evaluation window has passed
/// close by themselves, each with a public "closed" event by the system. A partial index (migration
/// 0012) holds only the resolved cases, so a round costs a few index pages at any size. Safe with
/// any number of API instances: each batch takes its rows with SKIP LOCKED and re-checks the status
/// under the lock, so a case closes once, and an evaluation arriving at the same moment either
/// closes it first (this skips it) or waits and then finds it closed (409).
/// </summary>
public sealed class AutoClose(NpgsqlDataSource dataSource, BureauClock clock, FeedbackOptions options)
{
    private const int BatchSize = 1000;

    /// <returns>How many cases were closed.</returns>
    public async Task<int> CloseDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        // Open on the day after the window's last day: resolved before the start of (today - days).
        var cutoff = clock.StartOf(clock.DateOf(now).AddDays(-options.EvaluationDays));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = 0;
        int closed;
        do
        {
            closed = await connection.ExecuteAsync(new CommandDefinition(
                """
                with due as (
                    update complaints c set status = 'closed', closed_at = @now, updated_at = @now, version = c.version + 1
                    where c.id in (select id from complaints
                                   where status = 'resolved' and resolved_at < @cutoff
                                   order by resolved_at limit @batch
                                   for update skip locked)
                      and c.status = 'resolved'
                    returning c.id
                )
                insert into complaint_events (complaint_id, type, visibility, actor_kind, data, occurred_at)
                select id, 'closed', 'public', 'system', '{"reason": "evaluation_window_passed"}', @now from due
                """,
                new { now, cutoff, batch = BatchSize }, cancellationToken: cancellationToken));
            total += closed;
        } while (closed == BatchSize);
        return total;
    }
}

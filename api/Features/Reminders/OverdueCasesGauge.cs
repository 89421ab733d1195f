using System.Diagnostics.Metrics;
using Dapper;
using Feedback.Api.Infrastructure.Observability;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Reminders;

/// <summary>
/// feedback.cases.overdue (feedback_cases_overdue in Prometheus): open cases past their deadline, as
/// the reminders and the queue's overdue filter count them — deadline "accept" while the section has
/// not decided, "resolve" after. Counted on the index of open cases by deadline.
/// </summary>
public sealed class OverdueCasesGauge(BureauClock clock) : IDatabaseGauge
{
    public string Name => "feedback.cases.overdue";
    public string Unit => "{case}";
    public string Description => "Open cases past their deadline, by deadline (accept, resolve)";

    public async Task<IReadOnlyList<Measurement<long>>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var overdue = await connection.QuerySingleAsync<Overdue>(new CommandDefinition(
            """
            select count(*) filter (where status = 'submitted') as accept, count(*) filter (where status <> 'submitted') as resolve
            from complaints
            where status in ('submitted', 'accepted', 'in_progress') and due_on < @today
            """, new { today = clock.Today }, cancellationToken: cancellationToken));
        return [new(overdue.Accept, new KeyValuePair<string, object?>("deadline", "accept")),
                new(overdue.Resolve, new KeyValuePair<string, object?>("deadline", "resolve"))];
    }

    private sealed record Overdue(long Accept, long Resolve);
}

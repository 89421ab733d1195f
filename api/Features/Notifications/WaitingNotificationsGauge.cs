using System.Diagnostics.Metrics;
using Dapper;
using Feedback.Api.Infrastructure.Observability;
using Npgsql;

namespace Feedback.Api.Features.Notifications;

/// <summary>
/// feedback.notifications.waiting (feedback_notifications_waiting in Prometheus): the outbox's
/// backlog — messages neither sent nor given up, by channel (sms, email), whether due now or
/// waiting to be retried. Counted on the dispatcher's own index of what is waiting.
/// </summary>
public sealed class WaitingNotificationsGauge : IDatabaseGauge
{
    public string Name => "feedback.notifications.waiting";
    public string Unit => "{message}";
    public string Description => "Messages in the outbox not yet sent nor given up, by channel";

    public async Task<IReadOnlyList<Measurement<long>>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var waiting = (await connection.QueryAsync<(string Channel, long Count)>(new CommandDefinition(
            "select channel, count(*) from notifications where state in ('pending', 'sending') group by channel",
            cancellationToken: cancellationToken))).ToDictionary(row => row.Channel, row => row.Count);
        // Every channel is reported, 0 included, so an empty outbox is a figure and not a missing series.
        return [.. Enum.GetValues<NotifyChannel>().Select(channel => channel.ToCode()).Select(code =>
            new Measurement<long>(waiting.GetValueOrDefault(code), new KeyValuePair<string, object?>("channel", code)))];
    }
}

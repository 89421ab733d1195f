using System.Diagnostics.Metrics;
using Dapper;
using Feedback.Api.Infrastructure.Observability;
using Npgsql;

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// feedback.metrics.unfolded_changes (feedback_metrics_unfolded_changes in Prometheus): the folding
/// lag of <see cref="MetricsFolder"/> — changes in the metrics log not yet folded into the counters.
/// Every metrics request reads them on top of the counters, so the figures stay exact while this
/// grows, but each request gets slower: a figure that keeps rising means the folder is failing or
/// falling behind. The log holds a few seconds of changes, and requests read it whole anyway.
/// </summary>
public sealed class UnfoldedChangesGauge : IDatabaseGauge
{
    public string Name => "feedback.metrics.unfolded_changes";
    public string Unit => "{change}";
    public string Description => "Changes in the metrics log not yet folded into the counters";

    public async Task<IReadOnlyList<Measurement<long>>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        [new(await connection.ExecuteScalarAsync<long>(new CommandDefinition("select count(*) from metrics_changes", cancellationToken: cancellationToken)))];
}

using Dapper;
using Feedback.Api.Infrastructure;
using Npgsql;

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// Every FEEDBACK_METRICS_FOLD_SECONDS (default 5), folds the metrics change log (migration 0018)
/// into the day and month counters and the spans, in batches, one instance at a time. Requests add
/// what is not folded yet, so how often this runs changes how much they read, never what they answer.
/// </summary>
public sealed class MetricsFolder(NpgsqlDataSource dataSource, FeedbackOptions options, ILogger<MetricsFolder> logger) : BackgroundService
{
    private const int BatchSize = 20_000;
    private const long FoldLockKey = 0x6d_6574_7269_6373; // "metrics"

    /// <summary>Folds everything logged so far; returns the changes folded (0 when another instance is folding).</summary>
    public async Task<long> FoldAllAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        while (await FoldBatchAsync(cancellationToken) is var folded and > 0) total += folded;
        return total;
    }

    private async Task<long> FoldBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One folder at a time: two would add up the same counters in different orders and could deadlock.
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select pg_try_advisory_xact_lock(@key)",
                new { key = FoldLockKey }, transaction, cancellationToken: cancellationToken)))
            return 0;
        // Room to sum a batch in memory (a batch after a bulk load spreads over every day).
        await connection.ExecuteAsync(new CommandDefinition("set local work_mem = '128MB'", transaction: transaction, cancellationToken: cancellationToken));
        var folded = await connection.ExecuteScalarAsync<long>(new CommandDefinition(FoldSql,
            new { batch = BatchSize, hourSteps = MetricsFacts.HourSteps, tz = options.TimeZone.Id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return folded;
    }

    // Each change is counted at the seven levels of migration 0018, by day and by month. The two
    // inserts run to completion though the statement does not read them.
    private static readonly string FoldSql = $"""
        with gone as (
            delete from metrics_changes where id in (select id from metrics_changes order by id limit @batch)
            returning *
        ),
        images as (
            select g.sign, {MetricsFacts.Image("g")}, cg.confidential, '' as key
            from gone g join categories k on k.code = g.category_code join category_groups cg on cg.code = k.group_code
        ),
        {MetricsFacts.Expand("images")},
        by_day as (
            select f.day, l.level, l.category_code, l.section_code, l.township, l.channel, f.confidential, f.fact, sum(f.n) as n
            from case_facts f
            cross join lateral ({Levels("f")}) as l (level, category_code, section_code, township, channel)
            group by 1, 2, 3, 4, 5, 6, 7, 8
        ),
        facts_in as (
            insert into metrics_facts as t (level, grain, day, category_code, section_code, township, channel, confidential, fact, n)
            select level, 'd', day, category_code, section_code, township, channel, confidential, fact, n from by_day where n <> 0
            union all
            select level, 'm', date_trunc('month', day)::date, category_code, section_code, township, channel, confidential, fact, sum(n)
            from by_day group by 1, 3, 4, 5, 6, 7, 8, 9 having sum(n) <> 0
            on conflict (level, grain, day, category_code, section_code, township, channel, confidential, fact) do update set n = t.n + excluded.n
        ),
        spans_in as (
            insert into metrics_spans as t (kind, level, category_code, section_code, township, channel, confidential, lo, hi, n)
            select s.kind, l.level, l.category_code, l.section_code, l.township, l.channel, s.confidential, s.lo, s.hi, sum(s.n)
            from case_spans s
            cross join lateral ({Levels("s")}) as l (level, category_code, section_code, township, channel)
            group by 1, 2, 3, 4, 5, 6, 7, 8, 9
            having sum(s.n) <> 0
            on conflict (kind, level, category_code, section_code, township, channel, confidential, lo, hi) do update set n = t.n + excluded.n
        )
        select count(*) from gone
        """;

    private static string Levels(string row) => $"""
        values (1::smallint, {row}.category_code, {row}.section_code, '', ''), (2::smallint, '', {row}.section_code, '', ''),
               (3::smallint, '', '', '', ''), (4::smallint, '', {row}.section_code, {row}.township, ''),
               (5::smallint, '', '', {row}.township, ''), (6::smallint, '', {row}.section_code, '', {row}.channel),
               (7::smallint, '', '', '', {row}.channel)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.MetricsFoldInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FoldAllAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Metrics folding skipped this round: {Reason}", exception.Message);
            }
        }
    }
}

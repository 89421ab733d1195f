using System.Globalization;
using Dapper;
using Feedback.Api.Infrastructure;
using Npgsql;

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// Every FEEDBACK_METRICS_FOLD_SECONDS (default 5), folds the metrics change log into the counters
/// (migration 0033), one instance at a time. A fold reads the whole log as one snapshot, earliest
/// day first, sums it in memory at every level, writes the counter rows as each is complete and
/// deletes what it read, in one transaction: a request sees the changes in the log or in the
/// counters, never both or neither. Requests add what is not folded yet, so how often this runs
/// changes how much they read, never what they answer.
/// </summary>
public sealed class MetricsFolder(NpgsqlDataSource dataSource, FeedbackOptions options, ILogger<MetricsFolder> logger) : BackgroundService
{
    private const long FoldLockKey = 0x6d_6574_7269_6373; // "metrics"
    /// <summary>
    /// Changes read at a time; the counter rows they complete are written before the next are read.
    /// Each change completes a few dozen rows at 16 levels (nearly 1 KB each in memory): 20,000 at a
    /// time held 600,000 rows, 865 MiB, at 20,000 cases.
    /// </summary>
    private const int FetchSize = 2_000;

    /// <summary>Folds everything logged so far; returns the changes folded (0 when another instance is folding).</summary>
    public async Task<long> FoldAllAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        while (await FoldOnceAsync(cancellationToken) is var folded and > 0) total += folded;
        return total;
    }

    private async Task<long> FoldOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select from metrics_changes)", cancellationToken: cancellationToken)))
            return 0;
        // One folder at a time (two would count the same changes twice), taken before the snapshot
        // is: a fold that committed just before must be in it.
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select pg_try_advisory_lock(@key)", new { key = FoldLockKey },
                cancellationToken: cancellationToken)))
            return 0;
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            var folded = await FoldAsync(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (folded >= 100_000)
                logger.LogInformation("Folded {Changes} metrics changes in {Seconds:0.0} s", folded, started.Elapsed.TotalSeconds);
            return folded;
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
                await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_unlock(@key)", new { key = FoldLockKey }));
        }
    }

    private async Task<long> FoldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        CommandDefinition Command(string sql, object? parameters = null, int? timeout = null) =>
            new(sql, parameters, transaction, timeout, cancellationToken: cancellationToken);
        // Room to sort the log (after a bulk load or a recount it holds every case).
        await connection.ExecuteAsync(Command("set local work_mem = '256MB'"));
        var known = (await connection.QueryAsync<(int Id, short Level, string Section, string Category, string Township, string Channel, bool Confidential, short LongestReach)>(
            Command("select id, level, section_code, category_code, township, channel, confidential, longest_reach from metrics_combinations"))).ToList();
        var combinations = known.ToDictionary(c => new Combination(c.Level, c.Section, c.Category, c.Township, c.Channel, c.Confidential), c => c.Id);
        var longestReaches = known.ToDictionary(c => c.Id, c => c.LongestReach);
        // Counters built from nothing (a new database, a recount) are written as they are; otherwise
        // added to the rows there.
        var fresh = !await connection.ExecuteScalarAsync<bool>(Command("select exists (select from metrics_counts)"));
        if (!fresh) await connection.ExecuteAsync(Command("truncate metrics_fold_counts, metrics_fold_spans"));

        // The cursor's query cannot take parameters: the zone and the steps as literals.
        var image = MetricsFacts.Image("m", "g")
            .Replace("@tz", $"'{options.TimeZone.Id.Replace("'", "''", StringComparison.Ordinal)}'", StringComparison.Ordinal)
            .Replace("@hourSteps", $"'{{{string.Join(",", MetricsFacts.HourSteps.Select(s => s.ToString(CultureInfo.InvariantCulture)))}}}'", StringComparison.Ordinal);
        await connection.ExecuteAsync(Command($"""
            declare fold_changes no scroll cursor for
            select m.sign, {image}
            from metrics_changes m join categories k on k.code = m.category_code join category_groups g on g.code = k.group_code
            order by first_day
            """));

        var sums = new FoldSums(combinations);
        long read = 0;
        for (var fetched = FetchSize; fetched == FetchSize;)
        {
            fetched = 0;
            await using (var batch = new NpgsqlCommand($"fetch forward {FetchSize} from fold_changes", connection, transaction))
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                {
                    sums.Add(MetricsFacts.Read(reader));
                    fetched++;
                }
            read += fetched;
            if (fetched < FetchSize) sums.CompleteAll();
            await WriteAsync(connection, sums, fresh, cancellationToken);
        }
        await connection.ExecuteAsync(Command("close fold_changes"));

        if (!fresh)
        {
            var counts = string.Join(", ", MetricsFacts.Counted.Select(c => $"{c.Column} = nullif(coalesce(t.{c.Column}, 0) + coalesce(excluded.{c.Column}, 0), 0)"));
            await connection.ExecuteAsync(Command($"""
                insert into metrics_counts as t select * from metrics_fold_counts
                on conflict (grain, day, combination) do update set {counts},
                    decide_steps = metrics_add_steps(t.decide_steps, excluded.decide_steps),
                    resolve_steps = metrics_add_steps(t.resolve_steps, excluded.resolve_steps),
                    short_spans = metrics_add_steps(t.short_spans, excluded.short_spans)
                """, timeout: 0));
            await connection.ExecuteAsync(Command("""
                insert into metrics_spans as t select * from metrics_fold_spans
                on conflict (combination, reach, lo, hi, kind) do update set n = t.n + excluded.n
                """, timeout: 0));
        }
        var longer = sums.LongestReaches.Where(r => r.Value > longestReaches.GetValueOrDefault(r.Key)).ToList();
        if (longer.Count > 0)
            await connection.ExecuteAsync(Command(
                "update metrics_combinations k set longest_reach = l.reach from unnest(@ids, @reaches) as l (id, reach) where k.id = l.id",
                new { ids = longer.Select(l => l.Key).ToArray(), reaches = longer.Select(l => l.Value).ToArray() }));
        // The rows this snapshot read: changes logged since stay for the next fold.
        await connection.ExecuteAsync(Command("delete from metrics_changes", timeout: 0));
        return read;
    }

    /// <summary>The combinations met for the first time, then the complete counter rows and spans.</summary>
    private static async Task WriteAsync(NpgsqlConnection connection, FoldSums sums, bool fresh, CancellationToken cancellationToken)
    {
        if (sums.NewCombinations.Count > 0)
        {
            await using (var copy = await BinaryCopyWriter.BeginAsync(connection,
                             "copy metrics_combinations (id, level, section_code, category_code, township, channel, confidential) from stdin (format binary)",
                             cancellationToken))
                foreach (var (id, c) in sums.NewCombinations)
                {
                    copy.StartRow(7);
                    copy.Int4(id);
                    copy.Int2(c.Level);
                    copy.Text(c.Section);
                    copy.Text(c.Category);
                    copy.Text(c.Township);
                    copy.Text(c.Channel);
                    copy.Boolean(c.Confidential);
                }
            sums.NewCombinations.Clear();
        }

        if (sums.Rows.Count > 0)
        {
            // In the order of the index (grain, day, combination): each row goes to the end of its grain's part of it.
            sums.Rows.Sort((a, b) => (a.Grain, a.Day, a.Combination).CompareTo((b.Grain, b.Day, b.Combination)));
            await using (var copy = await BinaryCopyWriter.BeginAsync(connection,
                             $"copy {(fresh ? "metrics_counts" : "metrics_fold_counts")} ({Columns}) from stdin (format binary)", cancellationToken))
                foreach (var (combination, grain, day, counts) in sums.Rows)
                {
                    copy.StartRow((short)(3 + MetricsFacts.Counted.Count + 3));
                    copy.Int4(combination);
                    copy.Char(grain);
                    copy.Date(day);
                    for (var i = 0; i < MetricsFacts.Counted.Count; i++)
                    {
                        var value = counts[i];
                        if (value == 0) copy.Null();
                        else if (FoldSums.Wide[i]) copy.Int8(value);
                        else copy.Int4(checked((int)value));
                    }
                    foreach (var steps in new[] { counts.Decide, counts.Resolve, counts.ShortSpans })
                        if (steps.Pairs() is { } pairs) copy.Int4Array(pairs);
                        else copy.Null();
                }
            sums.Recycle();
        }

        if (sums.Spans.Count > 0)
        {
            await using (var copy = await BinaryCopyWriter.BeginAsync(connection,
                             $"copy {(fresh ? "metrics_spans" : "metrics_fold_spans")} (combination, reach, lo, hi, kind, n) from stdin (format binary)",
                             cancellationToken))
                foreach (var (combination, kind, lo, hi, n) in sums.Spans)
                {
                    copy.StartRow(6);
                    copy.Int4(combination);
                    copy.Int2(MetricsCounters.ReachOf(lo, hi));
                    copy.Date(lo);
                    copy.Date(hi);
                    copy.Int2(kind);
                    copy.Int4(checked((int)n));
                }
            sums.Spans.Clear();
        }
    }

    /// <summary>The columns of metrics_counts, as written.</summary>
    private static readonly string Columns =
        $"combination, grain, day, {string.Join(", ", MetricsFacts.Counted.Select(c => c.Column))}, decide_steps, resolve_steps, short_spans";

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

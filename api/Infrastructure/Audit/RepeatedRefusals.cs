namespace Feedback.Api.Infrastructure.Audit;

/// <summary>
/// Keeps what anyone can cause without signing in from filling the audit log. A refusal that
/// repeats — the same action on the same target from the same client address — is recorded the
/// first time in each minute; the repeats in that minute are counted here and recorded as one
/// summary row ("repeats": n, "from", "to") once the minute has passed. A flood of 10,000 anonymous
/// 401s on one route thus costs two rows a minute, however long the paths it sends (the target is
/// the route's template, never the raw path). At most <see cref="MaxTallies"/> tallies are kept: past
/// that, new keys share one tally per action and target with no address, so memory stays bounded.
/// Each instance keeps its own tallies and flushes them every minute and when it stops.
/// </summary>
public sealed class RepeatedRefusals(TimeProvider time, IServiceScopeFactory scopes, ILogger<RepeatedRefusals> logger) : BackgroundService
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public const int MaxTallies = 10_000;

    private sealed record Key(string? Client, string Action, string? Target);

    private sealed class Tally(AuditActor actor, AuditEntry entry, DateTimeOffset windowStart)
    {
        public AuditActor Actor { get; } = actor;
        public AuditEntry Entry { get; } = entry;
        public DateTimeOffset WindowStart { get; set; } = windowStart;
        public int Repeats { get; set; }
        public DateTimeOffset FirstRepeat { get; set; }
        public DateTimeOffset LastRepeat { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<Key, Tally> _tallies = [];

    /// <summary>True when this refusal opens a new minute for its key and must be recorded now; otherwise it is counted.</summary>
    public bool RecordNow(AuditActor actor, AuditEntry entry)
    {
        var now = time.GetUtcNow();
        var key = new Key(actor.Ip?.ToString(), entry.Action, entry.TargetId);
        lock (_gate)
        {
            if (!_tallies.TryGetValue(key, out var tally) && _tallies.Count >= MaxTallies)
            {
                key = key with { Client = null };
                actor = actor with { Ip = null };
                _tallies.TryGetValue(key, out tally);
            }
            if (tally is null)
            {
                _tallies[key] = new Tally(actor, entry, now);
                return true;
            }
            if (now - tally.WindowStart >= Window && tally.Repeats == 0)
            {
                tally.WindowStart = now;
                return true;
            }
            if (tally.Repeats == 0) tally.FirstRepeat = now;
            tally.Repeats++;
            tally.LastRepeat = now;
            return false;
        }
    }

    /// <summary>Writes a summary row for every key whose minute has passed (all of them when <paramref name="everything"/>), and forgets idle keys.</summary>
    public async Task FlushAsync(bool everything, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<(Key Key, Tally Tally)> summaries = [];
        lock (_gate)
        {
            foreach (var (key, tally) in _tallies.ToList())
            {
                if (!everything && now - tally.WindowStart < Window) continue;
                if (tally.Repeats > 0) summaries.Add((key, tally));
                _tallies.Remove(key);
            }
        }
        if (summaries.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var written = 0;
        try
        {
            foreach (var (_, tally) in summaries)
            {
                await audit.RecordOutsideTransactionAsync(tally.Actor, tally.Entry with
                {
                    After = new { repeats = tally.Repeats, from = tally.FirstRepeat, to = tally.LastRepeat },
                    Reason = "repeated: " + tally.Entry.Reason,
                }, "denied", cancellationToken);
                written++;
            }
        }
        finally
        {
            // What could not be written waits for the next round instead of vanishing.
            lock (_gate)
                foreach (var (key, tally) in summaries.Skip(written))
                    _tallies.TryAdd(key, tally);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Window, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushQuietlyAsync(everything: false, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushQuietlyAsync(everything: true, cancellationToken);
    }

    private async Task FlushQuietlyAsync(bool everything, CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(everything, cancellationToken);
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException)
        {
            logger.LogError("Could not write the summaries of repeated refusals: {Reason}", exception.Message);
        }
    }
}

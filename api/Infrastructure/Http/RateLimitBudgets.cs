using Dapper;
using Feedback.Api.Infrastructure.Observability;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// Per-minute budgets every API instance spends from together: a request counts itself in
/// rate_limit_windows (an unlogged table) with one upsert, so N instances allow the configured
/// limit, not N times it. Chosen over Redis by measurement (docs/operations.md): the upsert costs a
/// fraction of the request it guards, and the database is already there, replicated and watched.
/// When the database cannot be asked, the request goes on: it needs the database itself and gets
/// the same 503 from its own query.
/// </summary>
public sealed class RateLimitBudgets(NpgsqlDataSource dataSource, BureauClock clock, ServiceMeter meter, ILogger<RateLimitBudgets> logger)
{
    private readonly System.Diagnostics.Metrics.Counter<long> _refusals = meter.Meter.CreateCounter<long>(
        "feedback.rate_limit.refusals", "{request}", "Requests refused for their budget (anonymous-writes, password-attempts, open311-key)");

    /// <param name="Allowed">Whether this request fits in the budget.</param>
    /// <param name="RetryAfter">Until the next minute starts.</param>
    public readonly record struct Spent(bool Allowed, TimeSpan RetryAfter);

    public async ValueTask<Spent> SpendAsync(string budget, string client, int perMinute, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var windowStart = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var retryAfter = windowStart.AddMinutes(1) - now;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var used = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                """
                insert into rate_limit_windows (budget, client, window_start, used) values (@budget, @client, @windowStart, 1)
                on conflict (budget, client, window_start) do update set used = rate_limit_windows.used + 1
                returning used
                """,
                new { budget, client, windowStart }, cancellationToken: cancellationToken));
            if (used > perMinute) _refusals.Add(1, new KeyValuePair<string, object?>("budget", budget));
            return new Spent(used <= perMinute, retryAfter);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Rate-limit budget {Budget} not counted: {Reason}", budget, exception.Message);
            return new Spent(true, retryAfter);
        }
    }

    /// <summary>Deletes the minutes that have passed (housekeeping).</summary>
    public static Task<int> ForgetPastAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "delete from rate_limit_windows where window_start < @before",
            new { before = now.AddMinutes(-2) }, cancellationToken: cancellationToken));
}

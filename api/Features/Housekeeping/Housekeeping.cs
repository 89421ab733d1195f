using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Housekeeping;

/// <summary>
/// Every FEEDBACK_HOUSEKEEPING_INTERVAL_SECONDS (default 5 minutes): forgets what the service keeps
/// only for a while — idempotency keys after a day, wrong-password counts after a quiet day. Each
/// step is one statement, safe when several instances run it at once.
/// </summary>
public sealed class Housekeeping(NpgsqlDataSource dataSource, BureauClock clock, FeedbackOptions options, ILogger<Housekeeping> logger)
    : BackgroundService
{
    public sealed record Round(int IdempotencyKeysForgotten, int LookupFailuresForgotten);

    public async Task<Round> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var now = clock.UtcNow;
        return new Round(
            await SubmissionIdempotency.ForgetStaleAsync(connection, now, cancellationToken),
            await CitizenAccess.ForgetStaleAsync(connection, now, cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.HousekeepingInterval);
        do
        {
            try
            {
                var round = await RunOnceAsync(stoppingToken);
                logger.LogDebug("Housekeeping: {Round}", round);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Housekeeping skipped this round: {Reason}", exception.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

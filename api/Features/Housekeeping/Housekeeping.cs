using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.FollowUp;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Features.Photos;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Housekeeping;

/// <summary>
/// Every FEEDBACK_HOUSEKEEPING_INTERVAL_SECONDS (default 5 minutes): cases past their evaluation
/// window close (<see cref="AutoClose"/>), citizens whose window closes soon are reminded
/// (<see cref="EvaluationReminders"/>), uploads no case took within a day are deleted
/// (<see cref="PhotoCleanup"/>), and what the service keeps only for a while is forgotten —
/// idempotency keys after a day, wrong-password counts after a quiet day, rate-limit counts after their minute. Every step is safe when
/// several instances run it at once, and a step that fails does not stop the others.
/// </summary>
public sealed class Housekeeping(
    NpgsqlDataSource dataSource, AutoClose autoClose, EvaluationReminders evaluationReminders, PhotoCleanup photoCleanup, BureauClock clock, FeedbackOptions options,
    ILogger<Housekeeping> logger) : BackgroundService
{
    public sealed record Round(int CasesClosed, int EvaluationReminders, int UploadsDeleted, int IdempotencyKeysForgotten, int LookupFailuresForgotten, int RateLimitMinutesForgotten);

    public async Task<Round> RunOnceAsync(CancellationToken cancellationToken)
    {
        var closed = await StepAsync("closing cases past their evaluation window", () => autoClose.CloseDueAsync(cancellationToken));
        var reminded = await StepAsync("evaluation reminders", () => evaluationReminders.QueueDueAsync(cancellationToken));
        var swept = await StepAsync("photo cleanup", () => photoCleanup.SweepAsync(cancellationToken));
        var (keys, failures, minutes) = await StepAsync("forgetting idempotency keys, old wrong passwords and past rate-limit minutes", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var now = clock.UtcNow;
            return (await SubmissionIdempotency.ForgetStaleAsync(connection, now, cancellationToken),
                await PasswordGuesses.ForgetStaleAsync(connection, now, cancellationToken),
                await RateLimitBudgets.ForgetPastAsync(connection, now, cancellationToken));
        });
        var round = new Round(closed, reminded, swept, keys, failures, minutes);
        if (round.CasesClosed + round.EvaluationReminders + round.UploadsDeleted > 0) logger.LogInformation("Housekeeping: {Round}", round);
        return round;
    }

    private async Task<T?> StepAsync<T>(string step, Func<Task<T>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Housekeeping skipped {Step} this round: {Reason}", step, exception.Message);
            return default;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.HousekeepingInterval);
        do
        {
            await RunOnceAsync(stoppingToken);
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

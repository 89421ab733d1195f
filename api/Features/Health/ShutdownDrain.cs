using Feedback.Api.Infrastructure;

namespace Feedback.Api.Features.Health;

/// <summary>
/// A graceful stop on SIGTERM (a rolling deploy, a scale-in): first /health/ready answers 503 for
/// FEEDBACK_DRAIN_SECONDS while the instance keeps serving, so the load balancer's checks take it
/// out of rotation and nobody is sent to a closed port; then the server stops listening, requests
/// in flight finish and background work ends its round, within FEEDBACK_SHUTDOWN_SECONDS.
/// </summary>
public sealed class ShutdownDrain(FeedbackOptions options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    private volatile bool _draining;

    public bool Draining => _draining;

    // The host calls every StoppingAsync before it stops the web server (a StopAsync).
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        logger.LogInformation("Stopping: not ready for {Seconds} s so the load balancer stops sending, then finishing what is in flight",
            options.DrainDelay.TotalSeconds);
        await Task.Delay(options.DrainDelay, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

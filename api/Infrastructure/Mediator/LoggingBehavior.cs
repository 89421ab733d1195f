using System.Diagnostics;
using Mediator;

namespace Feedback.Api.Infrastructure.Mediator;

/// <summary>
/// Logs which message ran, how long it took and how it ended. It never logs the message itself:
/// messages carry citizens' contact details.
/// </summary>
public sealed class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private static readonly string MessageName = typeof(TMessage).FullName!.Replace("Feedback.Api.Features.", "").Replace('+', '.');

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            logger.LogInformation("{Message} handled in {ElapsedMs:F1} ms", MessageName, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("{Message} abandoned by the client after {ElapsedMs:F1} ms", MessageName,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
        catch (FluentValidation.ValidationException)
        {
            // The caller's mistake, answered with a 400: worth a line, not a warning.
            logger.LogInformation("{Message} refused as invalid after {ElapsedMs:F1} ms", MessageName,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
        catch (Exception exception)
        {
            logger.LogWarning("{Message} failed after {ElapsedMs:F1} ms with {Exception}", MessageName,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, exception.GetType().Name);
            throw;
        }
    }
}

using System.Diagnostics;
using Feedback.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Diagnostics;

namespace Feedback.Api.Infrastructure.Observability;

/// <summary>
/// One line per request, written when it has been answered: "GET /api/v1/complaints/{trackingCode}
/// answered 200 in 4.2 ms". The route's template, never the path (it holds tracking codes), and no
/// query string, header, body or client address. The first middleware, so it sees the status the
/// caller got, problems and all.
/// </summary>
public sealed partial class RequestLog(ILogger<RequestLog> logger)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            await next(context);
            failed = false;
        }
        finally
        {
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            var level = status >= 500 ? LogLevel.Warning : LogLevel.Information;
            if (logger.IsEnabled(level))
            {
                // The exception handler clears the endpoint before it answers; it keeps it for us in its feature.
                var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
                Answered(logger, level, AuthSetup.RouteTarget(context.Request.Method, (endpoint as RouteEndpoint)?.RoutePattern), status,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    // Generated: no boxing and no template parsing on the path every request takes.
    [LoggerMessage(Message = "{Request} answered {Status} in {ElapsedMs:F1} ms")]
    private static partial void Answered(ILogger logger, LogLevel level, string request, int status, double elapsedMs);
}

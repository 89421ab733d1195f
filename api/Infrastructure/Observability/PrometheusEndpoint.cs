using System.Security.Cryptography;
using System.Text;
using OpenTelemetry.Metrics;

namespace Feedback.Api.Infrastructure.Observability;

/// <summary>
/// Serves the metrics for Prometheus at /metrics on a listener of its own (FEEDBACK_PROMETHEUS_URL):
/// a second Kestrel server in the process whose pipeline holds nothing else. No public route can
/// reach the metrics, no API route is served here, and the public port's own addresses (--urls)
/// stay as they are. With FEEDBACK_PROMETHEUS_TOKEN a scrape must send "Authorization: Bearer".
/// </summary>
public sealed class PrometheusEndpoint(MeterProvider meters, FeedbackOptions options, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private const string Path = "/metrics";

    private readonly byte[]? _tokenHash = options.PrometheusToken is { } token ? SHA256.HashData(Encoding.UTF8.GetBytes(token)) : null;
    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls(options.PrometheusUrl!.GetLeftPart(UriPartial.Authority));
        builder.Services.AddSingleton(loggerFactory);
        // Started and stopped with the service, not by signals of its own.
        builder.Services.AddSingleton<IHostLifetime, LifetimeOfTheService>();
        _server = builder.Build();
        _server.Use(Admit);
        _server.UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: _ => true, path: null!, configureBranchedPipeline: null!, optionsName: null!);
        await _server.StartAsync(cancellationToken);
    }

    /// <summary>GET /metrics, with the token when one is set; anything else is refused before the exporter sees it.</summary>
    private Task Admit(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path != Path) return Refuse(context, StatusCodes.Status404NotFound);
        if (!HttpMethods.IsGet(context.Request.Method)) return Refuse(context, StatusCodes.Status405MethodNotAllowed);
        if (_tokenHash is not null && !Authorized(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Refuse(context, StatusCodes.Status401Unauthorized);
        }
        // Every scraper gets the classic text format (0.0.4), which the tests read strictly; OpenMetrics,
        // which Prometheus prefers when offered, would add only exemplars, and none are recorded.
        context.Request.Headers.Accept = "text/plain";
        return next(context);
    }

    private bool Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim())), _tokenHash);
    }

    private static Task Refuse(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null) await _server.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    private sealed class LifetimeOfTheService : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

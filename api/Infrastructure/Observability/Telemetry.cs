using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Feedback.Api.Infrastructure.Observability;

/// <summary>
/// Logs and metrics. Logs: JSON lines with the request's trace id (FEEDBACK_LOG_FORMAT), one line
/// per request (<see cref="RequestLog"/>). Metrics, with OpenTelemetry, served for Prometheus on a
/// port of their own (FEEDBACK_PROMETHEUS_URL, <see cref="PrometheusEndpoint"/>): requests by route
/// template, the database pools, rate-limit refusals, the runtime, and the service's own figures
/// (<see cref="ServiceMeter"/>, <see cref="DatabaseGauges"/>). Unset, nothing listens to the meters.
/// </summary>
public static class Telemetry
{
    /// <summary>The meters exported: the service's own (submissions, rate-limit refusals, the database gauges), then those of ASP.NET Core, Npgsql and the runtime.</summary>
    private static readonly string[] Meters =
    [
        ServiceMeter.Name,
        "Microsoft.AspNetCore.Hosting",          // http.server.request.duration by http.route (the template), method, status
        "Microsoft.AspNetCore.Server.Kestrel",   // connections, e.g. while an instance drains
        "Microsoft.AspNetCore.Diagnostics",      // exceptions the handler answered
        "Npgsql",                                // db.client.connection.count by pool and state, operation durations, timeouts
        "System.Runtime",                        // GC, heap, thread pool
    ];

    /// <param name="serve">False for the verbs that run and exit (migrate, admin, openapi): they export nothing.</param>
    public static void AddFeedbackTelemetry(this WebApplicationBuilder builder, FeedbackOptions options, bool serve)
    {
        if (options.LogFormat == LogFormat.Json)
        {
            builder.Logging.AddConsoleFormatter<JsonLineFormatter, ConsoleFormatterOptions>();
            builder.Services.Configure<ConsoleLoggerOptions>(console => console.FormatterName = JsonLineFormatter.FormatterName);
        }

        builder.Services.AddSingleton<ServiceMeter>();
        if (options.PrometheusUrl is null || !serve) return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("feedback"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters)
                    // Every scrape reads the figures as they are (collecting them costs microseconds).
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                // Only this host's meters and the process-wide ones (Npgsql, the runtime): not those of the
                // metrics listener's own host (a scrape is not a request to the service), nor those of
                // another host in the same process (the tests run several).
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, provider) =>
                {
                    var own = services.GetRequiredService<IMeterFactory>();
                    provider.AddView(instrument => instrument.Meter.Scope is { } scope && scope != own ? MetricStreamConfiguration.Drop : null);
                });
            });
        builder.Services.AddSingleton<DatabaseGauges>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DatabaseGauges>());
        builder.Services.AddHostedService<PrometheusEndpoint>();
    }

    /// <summary>The first middleware: the request's log line.</summary>
    public static void UseFeedbackTelemetry(this WebApplication app) =>
        app.Use(new RequestLog(app.Services.GetRequiredService<ILogger<RequestLog>>()).InvokeAsync);
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Support;

/// <summary>
/// The real API on a real Kestrel port, configured through the same environment settings as
/// production, serving the built web client when it exists.
/// </summary>
public sealed class FeedbackApp : WebApplicationFactory<Program>
{
    private readonly string _connectionString;
    private readonly string? _migrationConnectionString;
    private readonly TimeProvider? _time;

    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <param name="settings">Extra environment settings, e.g. FEEDBACK_CORS_ORIGINS.</param>
    /// <param name="migrationConnectionString">The schema owner, when the database is not migrated yet.</param>
    /// <param name="port">A loopback port chosen beforehand, for settings that name the app's own address (0: any free port).</param>
    public FeedbackApp(string connectionString, TimeProvider? time = null, IReadOnlyDictionary<string, string>? settings = null,
        string? migrationConnectionString = null, int port = 0)
    {
        _connectionString = connectionString;
        _migrationConnectionString = migrationConnectionString;
        _time = time;
        _settings = settings ?? new Dictionary<string, string>();
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
    }

    /// <summary>The server's address, e.g. http://127.0.0.1:41234.</summary>
    public Uri BaseAddress => new(Services.GetRequiredService<IServer>().Features
        .GetRequiredFeature<IServerAddressesFeature>().Addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));

    /// <summary>An HTTP client to the running server, speaking the given language.</summary>
    public HttpClient CreateHttpClient(string? language = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (language is not null) client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("FEEDBACK_DB", _connectionString);
        if (_migrationConnectionString is not null) builder.UseSetting("FEEDBACK_DB_MIGRATE", _migrationConnectionString);
        // Demo accounts (admin, leader, enforcement, enforcement.staff…) are the tests' staff;
        // reminders run only when a test asks, so no test sees one it did not cause.
        builder.UseSetting("FEEDBACK_DEMO", "1");
        builder.UseSetting("FEEDBACK_REMINDER_INTERVAL_SECONDS", "86400");
        builder.UseSetting("FEEDBACK_HOUSEKEEPING_INTERVAL_SECONDS", "86400");
        // Tests fold the metrics change log themselves (MetricsFolder.FoldAllAsync) when they mean to.
        builder.UseSetting("FEEDBACK_METRICS_FOLD_SECONDS", "86400");
        // Notification tests dispatch the outbox themselves (NotificationDispatcher.DispatchDueAsync).
        builder.UseSetting("FEEDBACK_NOTIFY_POLL_SECONDS", "86400");
        // Every test comes from 127.0.0.1: the rate limiter is tested where a test turns it on.
        builder.UseSetting("FEEDBACK_RATE_LIMIT_PER_MINUTE", "0");
        // No load balancer watches a test's instance: stop at once.
        builder.UseSetting("FEEDBACK_DRAIN_SECONDS", "0");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        if (Directory.Exists(RepositoryPaths.WebClientDist))
            builder.UseSetting("FEEDBACK_WEB_ROOT", RepositoryPaths.WebClientDist);
        builder.ConfigureTestServices(services =>
        {
            if (_time is not null) services.AddSingleton(_time);
            services.AddTransient<IStartupFilter, FaultEndpoint>();
        });
    }

    /// <summary>A route that fails the way a bug would, to prove a 500 reveals nothing.</summary>
    private sealed class FaultEndpoint : IStartupFilter
    {
        public const string Path = "/test/fault";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map(Path, fault => fault.Run(_ =>
                throw new InvalidOperationException("Host=db.internal;Password=hunter2 exploded")));
        };
    }
}

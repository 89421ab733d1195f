using System.Diagnostics.Metrics;
using Feedback.Api.Infrastructure.Database;
using Npgsql;

namespace Feedback.Api.Infrastructure.Observability;

/// <summary>A figure a feature reads from the database for a gauge: cases overdue, messages waiting, changes not folded.</summary>
public interface IDatabaseGauge
{
    /// <summary>The instrument's name, e.g. "feedback.cases.overdue" (feedback_cases_overdue in Prometheus).</summary>
    string Name { get; }

    /// <summary>UCUM, e.g. "{case}".</summary>
    string Unit { get; }

    string Description { get; }

    /// <summary>One cheap, index-backed query: every instance runs it every <see cref="DatabaseGauges.RefreshInterval"/>.</summary>
    Task<IReadOnlyList<Measurement<long>>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken);
}

/// <summary>
/// The gauges whose figures come from the database. A scrape never runs SQL: every 30 seconds one
/// background loop reads every figure on one connection to the read database, and the gauges report
/// that reading. A figure that could not be read is left out (its series goes stale in Prometheus)
/// rather than repeated as an old number. Runs only while the metrics are exported.
/// </summary>
public sealed class DatabaseGauges : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyList<IDatabaseGauge> _gauges;
    private readonly ReadDatabase _database;
    private readonly ILogger<DatabaseGauges> _logger;
    // One reading at a time, so the last one stored is the last one taken.
    private readonly SemaphoreSlim _reading = new(1, 1);
    private IReadOnlyDictionary<string, IReadOnlyList<Measurement<long>>> _readings = new Dictionary<string, IReadOnlyList<Measurement<long>>>();

    public DatabaseGauges(IEnumerable<IDatabaseGauge> gauges, ServiceMeter meter, ReadDatabase database, ILogger<DatabaseGauges> logger)
    {
        _gauges = [.. gauges];
        _database = database;
        _logger = logger;
        foreach (var gauge in _gauges)
            meter.Meter.CreateObservableGauge(gauge.Name, () => _readings.GetValueOrDefault(gauge.Name) ?? [], gauge.Unit, gauge.Description);
    }

    /// <summary>Reads every figure now (the loop does so every <see cref="RefreshInterval"/>).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _reading.WaitAsync(cancellationToken);
        try
        {
            var readings = new Dictionary<string, IReadOnlyList<Measurement<long>>>();
            try
            {
                await using var connection = await _database.OpenConnectionAsync(cancellationToken);
                foreach (var gauge in _gauges) readings[gauge.Name] = await gauge.ReadAsync(connection, cancellationToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                _logger.LogWarning("Database gauges not read this round: {Reason}", exception.Message);
            }
            _readings = readings;
        }
        finally
        {
            _reading.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        do await RefreshAsync(stoppingToken);
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override void Dispose()
    {
        _reading.Dispose();
        base.Dispose();
    }
}

public static class DatabaseGaugeRegistration
{
    /// <summary>Adds a feature's gauge to those <see cref="DatabaseGauges"/> reads.</summary>
    public static IServiceCollection AddDatabaseGauge<TGauge>(this IServiceCollection services) where TGauge : class, IDatabaseGauge =>
        services.AddSingleton<IDatabaseGauge, TGauge>();
}

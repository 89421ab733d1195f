using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Categories;

/// <summary>
/// Listens on the primary for "catalog_changed" (migration 0029: a trigger on every catalog table
/// and on the working-day calendar sends it when an edit commits) and reloads this instance's
/// <see cref="CategoryCatalog"/> and <see cref="WorkingDayCalendar"/>, so an administrator's edit
/// reaches every instance at once, not when its copy ages. On every
/// (re)connection it reloads too, for whatever changed while it was not listening; the catalog's
/// own age limit stays as the net under that.
/// </summary>
public sealed class CatalogChangeListener(
    NpgsqlDataSource primary, CategoryCatalog catalog, WorkingDayCalendar calendar, ILogger<CatalogChangeListener> logger) : BackgroundService
{
    public const string Channel = "catalog_changed";

    /// <summary>How long to wait for a notice before checking that the connection is still alive.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            // Whatever broke the session (the database went away, a reload failed), listening resumes: a
            // background service that threw would stop the whole host.
            catch (Exception failure) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Listening for catalog changes stopped ({Reason}); trying again in {Seconds} s", failure.Message, RetryAfter.TotalSeconds);
                await Task.Delay(RetryAfter, stoppingToken);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var changed = 0;
        // Its own connection for as long as it lives: a listening session cannot go back to the pool.
        await using var connection = await primary.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, _) => Interlocked.Exchange(ref changed, 1);
        await using (var listen = new NpgsqlCommand($"listen {Channel}", connection))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        await ReloadAsync();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(Heartbeat, stoppingToken))
            {
                // No notice for a while: make sure the session is still there to receive one.
                await using var ping = new NpgsqlCommand("select 1", connection);
                await ping.ExecuteScalarAsync(stoppingToken);
            }
            if (Interlocked.Exchange(ref changed, 0) == 1) await ReloadAsync();
        }
    }

    private Task ReloadAsync() => Task.WhenAll(catalog.ReloadAfterEditAsync(), calendar.ReloadAsync());
}

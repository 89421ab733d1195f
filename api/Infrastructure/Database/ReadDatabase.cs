using Dapper;
using Npgsql;

namespace Feedback.Api.Infrastructure.Database;

/// <summary>
/// Where queries read: the primary, or the standby FEEDBACK_DB_READ names while it is a
/// synchronous standby. The cluster commits with synchronous_commit = remote_apply, so a write is
/// applied on a synchronous standby before it is acknowledged: whoever just wrote reads it there
/// at once. A standby that is not synchronous (catching up after a restart, or stopped) may lag,
/// so reads go to the primary until the primary reports it synchronous again; the primary is asked
/// every second. Keeping reads behind this type means moving them is configuration, not code.
/// </summary>
public sealed class ReadDatabase(NpgsqlDataSource primary, NpgsqlDataSource? standby, ILogger<ReadDatabase> logger) : BackgroundService
{
    private volatile bool _standbyInSync;

    /// <summary>Whether reads go to the standby now.</summary>
    public bool ReadsFromStandby => standby is not null && _standbyInSync;

    public async ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (!ReadsFromStandby) return await primary.OpenConnectionAsync(cancellationToken);
        try
        {
            return await standby!.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            Switch(false, $"the standby cannot be reached ({exception.Message})");
            return await primary.OpenConnectionAsync(cancellationToken);
        }
    }

    /// <summary>Asks the primary whether every standby streaming from it is synchronous (the API's role needs pg_read_all_stats to see it).</summary>
    public async Task CheckStandbyAsync(CancellationToken cancellationToken)
    {
        if (standby is null) return;
        try
        {
            await using var connection = await primary.OpenConnectionAsync(cancellationToken);
            var inSync = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
                "select count(*) > 0 and bool_and(state = 'streaming' and sync_state = 'sync') from pg_stat_replication",
                cancellationToken: cancellationToken)) ?? false;
            Switch(inSync, inSync ? null : "the primary reports no synchronous standby (or the API's role lacks pg_read_all_stats to see it)");
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            Switch(false, $"the primary cannot be asked about its standby ({exception.Message})");
        }
    }

    private void Switch(bool toStandby, string? why)
    {
        if (_standbyInSync == toStandby) return;
        _standbyInSync = toStandby;
        if (toStandby) logger.LogInformation("Reads go to the synchronous standby");
        else logger.LogWarning("Reads go to the primary: {Reason}", why);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (standby is null) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            await CheckStandbyAsync(stoppingToken);
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

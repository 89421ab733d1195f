using Dapper;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// Each housekeeping round (<see cref="Housekeeping.Housekeeping"/>): uploads no case took within 24 hours are deleted,
/// row and file; then files older than 24 hours that no row names (an upload whose row never
/// committed, a file whose deletion failed) are deleted too. Safe with several instances: a row is
/// deleted by one statement that re-checks it is still unattached, and an attachment racing with
/// it either wins (the row stays) or finds nothing to attach (400).
/// </summary>
public sealed class PhotoCleanup(NpgsqlDataSource dataSource, IBlobStore blobs, BureauClock clock, ILogger<PhotoCleanup> logger)
{
    public static readonly TimeSpan UnattachedLifetime = TimeSpan.FromHours(24);

    /// <param name="Uploads">Unattached uploads deleted (row and file).</param>
    /// <param name="StrayFiles">Files deleted that had no row.</param>
    public sealed record Swept(int Uploads, int StrayFiles);

    public async Task<Swept> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.UtcNow - UnattachedLifetime;
        List<string> stale;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            stale = (await connection.QueryAsync<string>(new CommandDefinition(
                "delete from photos where complaint_id is null and uploaded_at < @cutoff returning blob_name",
                new { cutoff }, cancellationToken: cancellationToken))).ToList();
        foreach (var name in stale) await DeleteFileAsync(name, cancellationToken);

        var strays = 0;
        var batch = new List<string>();
        await foreach (var name in blobs.ListOlderThanAsync(cutoff, cancellationToken))
        {
            batch.Add(name);
            if (batch.Count == 500) strays += await DeleteStraysAsync(batch, cancellationToken);
        }
        if (batch.Count > 0) strays += await DeleteStraysAsync(batch, cancellationToken);
        return new Swept(stale.Count, strays);
    }

    private async Task<int> DeleteStraysAsync(List<string> names, CancellationToken cancellationToken)
    {
        HashSet<string> known;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            known = (await connection.QueryAsync<string>(new CommandDefinition(
                "select blob_name from photos where blob_name = any(@names)", new { names = names.ToArray() },
                cancellationToken: cancellationToken))).ToHashSet();
        var strays = names.Where(name => !known.Contains(name)).ToList();
        foreach (var name in strays) await DeleteFileAsync(name, cancellationToken);
        names.Clear();
        return strays.Count;
    }

    private async Task DeleteFileAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await blobs.DeleteAsync(name, cancellationToken);
        }
        catch (IOException exception)
        {
            // The next round finds it again among the files without a row.
            logger.LogWarning("Could not delete photo file {Name}: {Reason}", name, exception.Message);
        }
    }
}

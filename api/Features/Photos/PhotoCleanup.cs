using Dapper;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// Each housekeeping round (<see cref="Housekeeping.Housekeeping"/>): uploads no case took within
/// 24 hours are deleted, their bytes with them. Safe with several instances: a row is deleted by one
/// statement that re-checks it is still unattached, and an attachment racing with it either wins
/// (the row stays) or finds nothing to attach (400).
/// </summary>
public sealed class PhotoCleanup(NpgsqlDataSource dataSource, BureauClock clock)
{
    public static readonly TimeSpan UnattachedLifetime = TimeSpan.FromHours(24);

    /// <returns>How many unattached uploads were deleted.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "delete from photos where complaint_id is null and uploaded_at < @cutoff",
            new { cutoff = clock.UtcNow - UnattachedLifetime }, cancellationToken: cancellationToken));
    }
}

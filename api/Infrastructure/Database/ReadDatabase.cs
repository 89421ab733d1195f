using Npgsql;

namespace Feedback.Api.Infrastructure.Database;

/// <summary>
/// Where queries read. It is the primary unless FEEDBACK_DB_READ names a replica; keeping reads
/// behind this type means moving them off the primary is configuration, not a code change.
/// </summary>
public sealed class ReadDatabase(NpgsqlDataSource dataSource)
{
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        dataSource.OpenConnectionAsync(cancellationToken);
}

using Npgsql;

namespace Feedback.Api.Infrastructure.Database;

/// <summary>
/// The small second pool of <see cref="ConnectionDefaults.Side"/>, for what a request writes on the
/// side while it holds a connection of the main pool.
/// </summary>
public sealed class SideDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

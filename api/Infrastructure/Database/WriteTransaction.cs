using Dapper;
using Npgsql;

namespace Feedback.Api.Infrastructure.Database;

/// <summary>
/// The connection and transaction of the command being handled. <see cref="Mediator.TransactionBehavior{TMessage,TResponse}"/>
/// begins it before the handler and commits after it, so a command either stores everything or nothing.
/// </summary>
public sealed class WriteTransaction(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private List<Action>? _afterCommit;

    private NpgsqlTransaction Current =>
        _transaction ?? throw new InvalidOperationException("No transaction: only commands, inside the mediator pipeline, may write.");

    public async Task BeginAsync(CancellationToken cancellationToken)
    {
        _connection = await dataSource.OpenConnectionAsync(cancellationToken);
        _transaction = await _connection.BeginTransactionAsync(cancellationToken);
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Current.CommitAsync(cancellationToken);
        foreach (var action in _afterCommit ?? []) action();
        _afterCommit = null;
    }

    /// <summary>Runs once the transaction has committed, never when it rolls back: for counting only what was stored.</summary>
    public void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    public Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
        Current.Connection!.ExecuteAsync(Command(sql, parameters, cancellationToken));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
        Current.Connection!.QuerySingleOrDefaultAsync<T>(Command(sql, parameters, cancellationToken));

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
        Current.Connection!.QueryAsync<T>(Command(sql, parameters, cancellationToken));

    public Task<T> QuerySingleAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
        Current.Connection!.QuerySingleAsync<T>(Command(sql, parameters, cancellationToken));

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, Current, cancellationToken: cancellationToken);

    /// <summary>Rolls back whatever was not committed and returns the connection to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null) await _transaction.DisposeAsync();
        if (_connection is not null) await _connection.DisposeAsync();
        _transaction = null;
        _connection = null;
    }
}

using Feedback.Api.Infrastructure.Database;
using Mediator;

namespace Feedback.Api.Infrastructure.Mediator;

/// <summary>
/// Wraps every command in one database transaction: committed when the handler returns, rolled
/// back when it throws (the request scope disposes the uncommitted transaction). Queries do not
/// pass through here; they read via <see cref="ReadDatabase"/>.
/// </summary>
public sealed class TransactionBehavior<TMessage, TResponse>(WriteTransaction transaction)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        await transaction.BeginAsync(cancellationToken);
        var response = await next(message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return response;
    }
}

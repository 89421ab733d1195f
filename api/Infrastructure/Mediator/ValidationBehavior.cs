using FluentValidation;
using Mediator;

namespace Feedback.Api.Infrastructure.Mediator;

/// <summary>
/// Runs the message's validators before its handler; any failure becomes a 400 problem naming each
/// field (see ProblemExceptionHandler), and the handler — with its transaction — never starts.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        // Every validator runs, so the caller learns about every field at once.
        var errors = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
            errors.AddRange((await validator.ValidateAsync(message, cancellationToken)).Errors);
        if (errors.Count > 0) throw new ValidationException(errors);
        return await next(message, cancellationToken);
    }
}

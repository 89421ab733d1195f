using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Mediator;

namespace Feedback.Api.Features.Routing;

/// <summary>
/// Removes a rule; the ones after it move up. Past routing decisions keep the rule's id and name
/// in their timeline events, so they still say which rule made them.
/// </summary>
public static class DeleteRoutingRule
{
    public sealed record Command(long Id, int? ExpectedVersion = null) : ICommand;

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff admin) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            await database.ExecuteAsync("lock table routing_rules in share row exclusive mode", null, cancellationToken);
            var before = await ListRoutingRules.ReadAsync(database, command.Id, cancellationToken)
                ?? throw new ProblemException(StatusCodes.Status404NotFound, Lang.Pick("没有这条规则", "No such rule"));
            if (command.ExpectedVersion is { } expected && expected != before.Version) throw SaveRoutingRule.StaleRule();
            await database.ExecuteAsync("delete from routing_rules where id = @Id", command, cancellationToken);
            await database.ExecuteAsync("update routing_rules set position = position - 1 where position > @Position", before, cancellationToken);
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry("routing_rule.delete", "routing_rule",
                command.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Before: before), cancellationToken);
            return Unit.Value;
        }
    }
}

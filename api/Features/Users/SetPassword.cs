using Feedback.Api.Features.Auth;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Users;

/// <summary>An administrator sets a new password for someone who forgot theirs: it unlocks the account and ends its sessions.</summary>
public static class SetPassword
{
    public sealed record Command(long Id, string Password) : ICommand;

    /// <summary>The body of POST /admin/users/{id}/password.</summary>
    public sealed record Request(string Password);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Password).NewPassword();
    }

    public sealed class Handler(WriteTransaction database, StaffSessions sessions, AuditLog audit, CurrentStaff admin, BureauClock clock)
        : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var username = await database.QuerySingleOrDefaultAsync<string>(
                """
                update staff_users set password_hash = @hash, updated_at = @now, version = version + 1
                where id = @Id returning username
                """,
                new { command.Id, hash = PasswordHasher.Hash(command.Password), now = clock.UtcNow }, cancellationToken)
                ?? throw new ProblemException(StatusCodes.Status404NotFound, Lang.Pick("没有这个用户", "No such user"));
            await database.ExecuteAsync("delete from password_guesses where kind = 'username' and subject = @username", new { username }, cancellationToken);
            await sessions.RevokeAllAsync(command.Id, "password_changed", cancellationToken);
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry("user.password_reset", "staff_user", username), cancellationToken);
            return Unit.Value;
        }
    }
}

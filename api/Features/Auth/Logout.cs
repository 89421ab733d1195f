using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Auth;

/// <summary>Ends the session the refresh token belongs to; its access tokens stop working at once.</summary>
public static class Logout
{
    public sealed record Command(string RefreshToken) : ICommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.RefreshToken).NotEmpty().MaximumLength(128);
    }

    private sealed record Session(Guid SessionId, long UserId, string Username, string Role);

    public sealed class Handler(WriteTransaction database, StaffSessions sessions, AuditLog audit, CurrentStaff caller) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var session = await database.QuerySingleOrDefaultAsync<Session>(
                """
                select s.id as session_id, u.id as user_id, u.username, u.role
                from refresh_tokens t join staff_sessions s on s.id = t.session_id join staff_users u on u.id = s.user_id
                where t.token_hash = @hash and s.revoked_at is null
                """,
                new { hash = StaffTokens.HashRefreshToken(command.RefreshToken) }, cancellationToken);
            // An unknown or already-ended session is already logged out: nothing to do, nothing to reveal.
            if (session is null) return Unit.Value;

            await sessions.RevokeAsync(session.SessionId, "logout", cancellationToken);
            await audit.RecordAsync(new AuditActor(session.UserId, session.Username, session.Role, caller.IpAddress),
                new AuditEntry("auth.logout", "staff_session", session.SessionId.ToString()), cancellationToken);
            return Unit.Value;
        }
    }
}

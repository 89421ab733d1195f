using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Auth;

/// <summary>
/// Trades a refresh token for a new pair. Each refresh token works once: presenting a used one
/// means it was copied, so the whole session is revoked (and audited) and both holders must sign
/// in again.
/// </summary>
public static class Refresh
{
    public sealed record Command(string RefreshToken) : ICommand<TokenPair?>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.RefreshToken).NotEmpty().MaximumLength(128);
    }

    private sealed record Session(Guid SessionId, bool Open, long UserId, string Username, string Role, string? SectionCode);

    public sealed class Handler(WriteTransaction database, StaffSessions sessions, AuditLog audit, CurrentStaff caller, TimeProvider time)
        : ICommandHandler<Command, TokenPair?>
    {
        public async ValueTask<TokenPair?> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            // Marking the token used and reading its session is one statement, so two concurrent
            // refreshes with the same token cannot both succeed.
            var session = await database.QuerySingleOrDefaultAsync<Session>(
                """
                with used as (
                    update refresh_tokens set used_at = @now
                    where token_hash = @hash and used_at is null
                    returning session_id
                )
                select s.id as session_id, (s.revoked_at is null and s.expires_at > @now and u.active) as open,
                       u.id as user_id, u.username, u.role, u.section_code
                from used join staff_sessions s on s.id = used.session_id join staff_users u on u.id = s.user_id
                """,
                new { hash = StaffTokens.HashRefreshToken(command.RefreshToken), now }, cancellationToken);

            if (session is { Open: true })
                return await sessions.IssueAsync(new StaffSessions.Member(session.UserId, session.Username, session.Role, session.SectionCode),
                    session.SessionId, cancellationToken);
            if (session is not null) return null;

            var reused = await database.QuerySingleOrDefaultAsync<Session>(
                """
                select s.id as session_id, s.revoked_at is null as open, u.id as user_id, u.username, u.role, u.section_code
                from refresh_tokens t join staff_sessions s on s.id = t.session_id join staff_users u on u.id = s.user_id
                where t.token_hash = @hash
                """,
                new { hash = StaffTokens.HashRefreshToken(command.RefreshToken) }, cancellationToken);
            if (reused is { Open: true })
            {
                await sessions.RevokeAsync(reused.SessionId, "refresh_token_reused", cancellationToken);
                await audit.RecordAsync(new AuditActor(reused.UserId, reused.Username, reused.Role, caller.IpAddress),
                    new AuditEntry("auth.refresh", "staff_session", reused.SessionId.ToString(),
                        Reason: "a used refresh token was presented again: session revoked"), cancellationToken, "failed");
            }
            return null;
        }
    }
}

using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Auth;

/// <summary>
/// A staff member signs in. Five wrong passwords in a row lock the account for 15 minutes; an
/// unknown name, a disabled account and a wrong password get the same answer and take the same
/// time. Every success, failure and lockout is audited (never the password).
/// </summary>
public static class Login
{
    public sealed record Command(string Username, string Password) : ICommand<Result>;

    public enum Outcome { SignedIn, InvalidCredentials, Locked }

    public sealed record Result(Outcome Outcome, TokenPair? Tokens = null, TimeSpan? RetryAfter = null);

    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Username).NotEmpty().MaximumLength(64);
            RuleFor(c => c.Password).NotEmpty().MaximumLength(PasswordHasher.MaxLength);
        }
    }

    private sealed record Account(
        long Id, string Username, string Role, string? SectionCode, string PasswordHash, bool Active,
        int FailedLogins, DateTime? LockedUntil);

    public sealed class Handler(WriteTransaction database, StaffSessions sessions, AuditLog audit, CurrentStaff caller, BureauClock clock)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var username = command.Username.Trim().ToLowerInvariant();
            var now = clock.UtcNow;
            // Locked row: concurrent wrong guesses are all counted.
            var account = await database.QuerySingleOrDefaultAsync<Account>(
                """
                select id, username, role, section_code, password_hash, active, failed_logins, locked_until
                from staff_users where username = @username for update
                """,
                new { username }, cancellationToken);
            var actor = new AuditActor(account?.Id, username, account?.Role, caller.IpAddress);

            if (account?.LockedUntil is { } lockedAt && new DateTimeOffset(lockedAt, TimeSpan.Zero) is var lockedUntil && lockedUntil > now)
            {
                await audit.RecordAsync(actor, new AuditEntry("auth.login", "staff_user", username, Reason: "account locked"), cancellationToken, "failed");
                return new Result(Outcome.Locked, RetryAfter: lockedUntil - now);
            }

            var passwordMatches = PasswordHasher.Verify(command.Password, account?.PasswordHash ?? PasswordHasher.Decoy);
            if (account is null || !account.Active)
            {
                await audit.RecordAsync(actor, new AuditEntry("auth.login", "staff_user", username,
                    Reason: account is null ? "unknown user" : "account disabled"), cancellationToken, "failed");
                return new Result(Outcome.InvalidCredentials);
            }

            if (!passwordMatches)
            {
                var failures = account.FailedLogins + 1;
                var locks = failures >= MaxFailures;
                await database.ExecuteAsync(
                    "update staff_users set failed_logins = @failures, locked_until = @lockedUntil where id = @id",
                    new { id = account.Id, failures = locks ? 0 : failures, lockedUntil = locks ? now + LockoutDuration : (DateTimeOffset?)null },
                    cancellationToken);
                await audit.RecordAsync(actor, new AuditEntry("auth.login", "staff_user", username, Reason: "wrong password"), cancellationToken, "failed");
                if (!locks) return new Result(Outcome.InvalidCredentials);
                await audit.RecordAsync(actor, new AuditEntry("auth.lockout", "staff_user", username,
                    Reason: $"{MaxFailures} wrong passwords in a row"), cancellationToken);
                return new Result(Outcome.Locked, RetryAfter: LockoutDuration);
            }

            await database.ExecuteAsync(
                "update staff_users set failed_logins = 0, locked_until = null where id = @id", new { id = account.Id }, cancellationToken);
            var tokens = await sessions.OpenAsync(new StaffSessions.Member(account.Id, account.Username, account.Role, account.SectionCode), cancellationToken);
            await audit.RecordAsync(actor, new AuditEntry("auth.login", "staff_user", username), cancellationToken);
            return new Result(Outcome.SignedIn, tokens);
        }
    }
}

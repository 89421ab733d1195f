using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Auth;

/// <summary>
/// A staff member signs in. Five failed sign-ins in a row from one address lock that address out of
/// that username for 15 minutes (<see cref="LoginThrottle"/>), whether or not it exists; an unknown name, a disabled account and a wrong password get the same
/// answer and take the same time. Every success, failure and lockout is audited (never the password).
/// </summary>
public static class Login
{
    public sealed record Command(string Username, string Password) : ICommand<Result>;

    public enum Outcome { SignedIn, InvalidCredentials, Locked }

    /// <param name="Wait">Set when this address must wait before trying this username again.</param>
    public sealed record Result(Outcome Outcome, TokenPair? Tokens = null, PasswordGuesses.Wait? Wait = null);


    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Username).NotEmpty().MaximumLength(64);
            RuleFor(c => c.Password).NotEmpty().MaximumLength(PasswordHasher.MaxLength);
        }
    }

    private sealed record Account(long Id, string Username, string Role, string? SectionCode, string PasswordHash, bool Active);

    public sealed class Handler(WriteTransaction database, LoginThrottle throttle, StaffSessions sessions, AuditLog audit, CurrentStaff caller)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var username = command.Username.Trim().ToLowerInvariant();
            var account = await database.QuerySingleOrDefaultAsync<Account>(
                "select id, username, role, section_code, password_hash, active from staff_users where username = @username",
                new { username }, cancellationToken);
            var actor = new AuditActor(account?.Id, username, account?.Role, caller.IpAddress);

            if (await throttle.BeginAttemptAsync(username, cancellationToken) is { } remaining)
            {
                // Anyone can repeat this at will, so its repeats are tallied rather than written one by one.
                await audit.RecordRepeatableRefusalAsync(actor, new AuditEntry("auth.login", "staff_user", username,
                    Reason: remaining.Locked ? "locked for this address" : "paused: many failures from many addresses"), "failed", cancellationToken);
                return new Result(Outcome.Locked, Wait: remaining);
            }

            var passwordMatches = PasswordHasher.Verify(command.Password, account?.PasswordHash ?? PasswordHasher.Decoy);
            if (account is null || !account.Active || !passwordMatches)
            {
                await audit.RecordAsync(actor, new AuditEntry("auth.login", "staff_user", username,
                    Reason: account is null ? "unknown user" : !account.Active ? "account disabled" : "wrong password"), cancellationToken, "failed");
                return await throttle.CountFailureAsync(username, actor, cancellationToken) is { } lockedFor
                    ? new Result(Outcome.Locked, Wait: lockedFor)
                    : new Result(Outcome.InvalidCredentials);
            }

            await throttle.ForgetAsync(username, cancellationToken);
            var tokens = await sessions.OpenAsync(new StaffSessions.Member(account.Id, account.Username, account.Role, account.SectionCode), cancellationToken);
            await audit.RecordAsync(actor, new AuditEntry("auth.login", "staff_user", username), cancellationToken);
            return new Result(Outcome.SignedIn, tokens);
        }
    }
}

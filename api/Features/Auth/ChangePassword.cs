using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Auth;

/// <summary>
/// A staff member changes their own password; every session of theirs ends, this one included.
/// A wrong current password counts towards the same lock as a failed sign-in, so a stolen token
/// is no way to guess the password.
/// </summary>
public static class ChangePassword
{
    public sealed record Command(string CurrentPassword, string NewPassword) : ICommand<Outcome>;

    /// <param name="Wait">Set when this address must (now) wait before trying again.</param>
    public sealed record Outcome(bool Changed, PasswordGuesses.Wait? Wait = null);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.CurrentPassword).NotEmpty().MaximumLength(PasswordHasher.MaxLength);
            RuleFor(c => c.NewPassword).NewPassword();
        }
    }

    public sealed class Handler(WriteTransaction database, LoginThrottle throttle, StaffSessions sessions, AuditLog audit, CurrentStaff staff, BureauClock clock)
        : ICommandHandler<Command, Outcome>
    {
        public async ValueTask<Outcome> Handle(Command command, CancellationToken cancellationToken)
        {
            if (await throttle.BeginAttemptAsync(staff.Username, cancellationToken) is { } remaining)
                return new Outcome(false, remaining);
            var hash = await database.QuerySingleAsync<string>(
                "select password_hash from staff_users where id = @id for update", new { id = staff.Id }, cancellationToken);
            if (!PasswordHasher.Verify(command.CurrentPassword, hash))
            {
                // Stored, not thrown: the count must survive, so the endpoint answers the 400.
                await audit.RecordAsync(AuditActor.Of(staff), new AuditEntry("auth.password_change", "staff_user", staff.Username,
                    Reason: "wrong current password"), cancellationToken, "failed");
                return new Outcome(false, await throttle.CountFailureAsync(staff.Username, AuditActor.Of(staff), cancellationToken));
            }

            await database.ExecuteAsync(
                "update staff_users set password_hash = @hash, updated_at = @now, version = version + 1 where id = @id",
                new { id = staff.Id, hash = PasswordHasher.Hash(command.NewPassword), now = clock.UtcNow }, cancellationToken);
            await throttle.ForgetAsync(staff.Username, cancellationToken);
            await sessions.RevokeAllAsync(staff.Id, "password_changed", cancellationToken);
            await audit.RecordAsync(AuditActor.Of(staff), new AuditEntry("auth.password_change", "staff_user", staff.Username), cancellationToken);
            return new Outcome(true);
        }
    }
}

public static class PasswordRules
{
    /// <summary>8–128 characters and not only one kind: long enough to resist guessing, short enough to hash cheaply.</summary>
    public static IRuleBuilderOptions<T, string> NewPassword<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage(_ => Lang.Pick("请输入新密码", "Enter a new password"))
            .Length(PasswordHasher.MinLength, PasswordHasher.MaxLength)
            .WithMessage(_ => Lang.Pick($"密码长度须为 {PasswordHasher.MinLength}–{PasswordHasher.MaxLength} 个字符",
                $"A password has {PasswordHasher.MinLength}–{PasswordHasher.MaxLength} characters"))
            .Must(password => password is null || (password.Any(char.IsLetter) && password.Any(c => !char.IsLetter(c))))
            .WithMessage(_ => Lang.Pick("密码须同时包含字母和数字或符号", "A password needs letters and digits or symbols"));
}

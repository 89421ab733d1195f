using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Security;

namespace Feedback.Api.Features.Auth;

/// <summary>
/// Failed password checks of a username — at sign-in, or when changing one's password — counted by
/// <see cref="PasswordGuesses"/> per username and client address: five in a row lock that address out
/// of that name for 15 minutes; the owner signing in from elsewhere is not locked out. Counted per
/// name typed, whether or not the account exists, so a lock reveals nothing about which names are real.
/// </summary>
public sealed class LoginThrottle(PasswordGuesses guesses, WriteTransaction database, AuditLog audit)
{
    /// <summary>
    /// Holds this address's count for the name until the command ends (tries from one address run one
    /// after another), and says how long the address must wait, or null when it may try now.
    /// </summary>
    public Task<PasswordGuesses.Wait?> BeginAttemptAsync(string username, CancellationToken cancellationToken) =>
        guesses.HoldAsync(database, GuessedSubject.Username, username, cancellationToken);

    /// <summary>Counts one failure; returns the wait it leaves this address with, if any. A new lock is audited.</summary>
    public async Task<PasswordGuesses.Wait?> CountFailureAsync(string username, AuditActor actor, CancellationToken cancellationToken)
    {
        var failure = await guesses.CountFailureAsync(database, GuessedSubject.Username, username, cancellationToken);
        if (failure.LockedNow)
            await audit.RecordAsync(actor, new AuditEntry("auth.lockout", "staff_user", username,
                Reason: $"{PasswordGuesses.MaxFailuresPerAddress} failed password checks in a row from one address"), cancellationToken);
        return failure.Wait;
    }

    /// <summary>After a success: this address's count starts again.</summary>
    public Task ForgetAsync(string username, CancellationToken cancellationToken) =>
        guesses.ForgetAsync(database, GuessedSubject.Username, username, cancellationToken);
}

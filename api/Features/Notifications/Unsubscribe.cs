using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Mediator;

namespace Feedback.Api.Features.Notifications;

/// <summary>
/// The unsubscribe link of an email, which works without signing in: its token is the message's
/// own random id. A citizen's address stops receiving email about every case it was given for; a
/// member of staff stops receiving that kind of email (their preferences say so, and they can
/// switch it back). Messages still waiting are cancelled. An SMS stop request (退订) does the same
/// as a citizen's link for a mobile number.
/// </summary>
public static class Unsubscribe
{
    /// <param name="Token">The token from the email's link.</param>
    public sealed record Request(string? Token);

    public sealed record Command(string? Token) : ICommand<Result>;

    /// <param name="Channel">The channel that stopped.</param>
    /// <param name="Cases">For a citizen: how many cases will no longer send to this address.</param>
    /// <param name="Kind">For staff: the kind of email switched off (its name in the reader's language).</param>
    public sealed record Result(NotifyChannel Channel, int Cases, string? Kind = null);

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff caller) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var message = Guid.TryParse(command.Token, out var id)
                ? await database.QuerySingleOrDefaultAsync<(string Channel, string Recipient, string Kind, long? StaffUserId)?>(
                    "select channel, recipient, kind, staff_user_id from notifications where id = @id", new { id }, cancellationToken)
                : null;
            if (message is not { } found)
                throw new ProblemException(StatusCodes.Status404NotFound,
                    Lang.Pick("退订链接无效，请使用邮件中的完整链接", "This unsubscribe link is not valid: use the whole link from the email"));

            var channel = NotifyChannels.Parse(found.Channel);
            if (found.StaffUserId is { } user)
            {
                await database.ExecuteAsync(
                    """
                    insert into staff_notification_preferences (user_id, kind, enabled) values (@user, @kind, false)
                    on conflict (user_id, kind) do update set enabled = false;
                    update notifications set state = 'cancelled', lease_until = null, last_error = 'unsubscribed'
                    where staff_user_id = @user and kind = @kind and state = 'pending';
                    """, new { user, kind = found.Kind }, cancellationToken);
                await audit.RecordAsync(AuditActor.Of(caller), new AuditEntry("notification.unsubscribe", "notification", id.ToString(),
                    After: new { kind = found.Kind, staffUserId = user }), cancellationToken);
                var kind = NotificationKinds.Find(found.Kind);
                return new Result(channel, 0, kind is null ? found.Kind : Lang.Pick(kind.Name.Zh, kind.Name.En));
            }
            var cases = await StopAsync(database, channel, found.Recipient, cancellationToken);
            await audit.RecordAsync(AuditActor.Of(caller), new AuditEntry("notification.unsubscribe", "notification", id.ToString(),
                After: new { channel = found.Channel, cases }), cancellationToken);
            return new Result(channel, cases);
        }
    }

    /// <summary>Takes the channel out of every case's consent for this contact and cancels what waits for it; returns the cases changed.</summary>
    public static async Task<int> StopAsync(WriteTransaction database, NotifyChannel channel, string recipient, CancellationToken cancellationToken)
    {
        var code = channel.ToCode();
        var cases = await database.ExecuteAsync(
            $$"""
             update complaints set notify_by = array_remove(notify_by, @code)
             where {{(channel == NotifyChannel.Sms ? "contact_phone" : "lower(contact_email)")}} = @recipient
               and notify_by <> '{}' and @code = any (notify_by)
             """,
            new { code, recipient = channel == NotifyChannel.Sms ? recipient : recipient.ToLowerInvariant() }, cancellationToken);
        await database.ExecuteAsync(
            """
            update notifications set state = 'cancelled', lease_until = null, last_error = 'unsubscribed'
            where channel = @code and lower(recipient) = lower(@recipient) and state = 'pending' and staff_user_id is null
            """,
            new { code, recipient }, cancellationToken);
        return cases;
    }
}

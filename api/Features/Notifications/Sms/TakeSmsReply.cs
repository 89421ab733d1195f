using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Mediator;

namespace Feedback.Api.Features.Notifications.Sms;

/// <summary>
/// A citizen answered one of our text messages. A stop request (退订, TD…) takes SMS out of every
/// case's consent for that number and cancels what still waits for it; any other reply is only
/// acknowledged (the bureau's hotline, not an SMS conversation, takes questions).
/// </summary>
public static class TakeSmsReply
{
    public sealed record Command(TencentSmsReplies.Reply Reply) : ICommand<Result>;

    /// <param name="Stopped">Cases that no longer send text messages to the number.</param>
    public sealed record Result(bool StopRequest, int Stopped);

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff caller) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            if (!TencentSmsReplies.IsStopRequest(command.Reply.Text)) return new Result(false, 0);
            var stopped = await Unsubscribe.StopAsync(database, NotifyChannel.Sms, command.Reply.Phone, cancellationToken);
            await audit.RecordAsync(AuditActor.Of(caller), new AuditEntry("notification.sms_stop", "phone",
                // The number, masked: the audit names the request, not the person.
                NotificationOutboxAdmin.Mask("sms", command.Reply.Phone), After: new { cases = stopped }), cancellationToken);
            return new Result(true, stopped);
        }
    }
}

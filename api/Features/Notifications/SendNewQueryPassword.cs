using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Notifications;

/// <summary>
/// A citizen who lost the query password asks for a new one, sent to the phone or email they gave
/// with consent to be told. The new password replaces the old one. The answer is the same whether
/// or not the code exists, has that contact, or is over its limit (three a day per case; the
/// address is limited like every anonymous write), so it reveals nothing about any case. Every
/// request is audited with what came of it.
/// </summary>
public static class SendNewQueryPassword
{
    public const int PerCasePerDay = 3;

    /// <param name="Channel">Where to send it: sms (the mobile number given) or email (the address given).</param>
    public sealed record Request(NotifyChannel Channel);

    public sealed record Command(string TrackingCode, NotifyChannel Channel) : ICommand<Result>;

    /// <param name="Message">What to tell the citizen: the same words whatever happened.</param>
    public sealed record Result(string Message);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Channel).IsInEnum().WithMessage(_ => Lang.Pick("请选择短信或邮件", "Choose sms or email"));
    }

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff caller, BureauClock clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var code = SecretCode.Normalize(command.TrackingCode);
            var password = SecretCode.New();
            var now = clock.UtcNow;
            var channel = command.Channel.ToCode();
            // Only a case with a consented contact on that channel, under its daily limit; the old password stops working.
            var sent = code is not null && await database.QuerySingleOrDefaultAsync<long?>(
                """
                with target as (
                    select c.id, case @channel when 'sms' then c.contact_phone else c.contact_email end as recipient, c.language
                    from complaints c
                    where c.tracking_code = @code and @channel = any (c.notify_by)
                      and (select count(*) from notifications n
                           where n.complaint_id = c.id and n.kind = @kind and n.created_at > @since) < @limit
                    for update
                ), changed as (
                    update complaints set query_password_hash = @hash where id in (select id from target)
                )
                insert into notifications (kind, channel, complaint_id, recipient, language, payload, created_at, next_attempt_at)
                select @kind, @channel, id, recipient, language, jsonb_build_object('trackingCode', @code, 'password', @password), @now, @now
                from target
                returning complaint_id
                """,
                new
                {
                    code, channel, kind = CitizenNotices.PasswordReset.Code, since = now.AddDays(-1), limit = PerCasePerDay,
                    hash = QueryPasswordHash.Create(password), password, now,
                }, cancellationToken) is not null;

            await audit.RecordAsync(AuditActor.Of(caller), new AuditEntry("complaint.new_query_password", "complaint", code ?? "(not a code)",
                After: new { channel, sent }, Reason: sent ? null : "no such case, no consented contact on this channel, or over the daily limit"),
                cancellationToken, outcome: sent ? "succeeded" : "failed");
            return new Result(command.Channel == NotifyChannel.Sms
                ? Lang.Pick("如果该查询编号存在并留有同意接收通知的手机号码，新的查询密码已发送到该号码，原密码随之失效。",
                    "If this tracking code exists and has a mobile number that agreed to be told, a new query password has been sent to it and the old one no longer works.")
                : Lang.Pick("如果该查询编号存在并留有同意接收通知的电子邮箱，新的查询密码已发送到该邮箱，原密码随之失效。",
                    "If this tracking code exists and has an email address that agreed to be told, a new query password has been sent to it and the old one no longer works."));
        }
    }
}

using System.Text.Json;
using Feedback.Api.Infrastructure.Database;

namespace Feedback.Api.Features.Notifications;

/// <summary>A notice an event causes: its kind and the facts its wording needs.</summary>
public sealed record Notice(NotificationKind Kind, object Facts);

/// <summary>
/// Writes notices to the outbox in the command's own transaction, so a notice exists exactly when
/// the event that caused it is committed. Delivery is <see cref="NotificationDispatcher"/>'s,
/// later and elsewhere: nothing here talks to a provider, so an outage never fails or slows a case.
/// </summary>
public sealed class NotificationOutbox(WriteTransaction database)
{
    private static readonly JsonSerializerOptions FactsJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// One message per channel the case's citizen consented to (none when they did not), to the
    /// contact they gave for it, in the language they wrote in. The case's tracking code is added
    /// to the facts.
    /// </summary>
    public Task<int> ToCitizenAsync(long complaintId, Notice notice, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            """
            insert into notifications (kind, channel, complaint_id, recipient, language, payload, created_at, next_attempt_at)
            select @kind, consent.channel, c.id, case consent.channel when 'sms' then c.contact_phone else c.contact_email end, c.language,
                   @facts::jsonb || jsonb_build_object('trackingCode', c.tracking_code), @now, @now
            from complaints c cross join unnest(c.notify_by) as consent (channel)
            where c.id = @complaintId
            """,
            new { kind = notice.Kind.Code, facts = JsonSerializer.Serialize(notice.Facts, FactsJson), complaintId, now },
            cancellationToken);
}

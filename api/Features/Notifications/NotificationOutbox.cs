using System.Text.Json;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Npgsql;
using Dapper;

namespace Feedback.Api.Features.Notifications;

/// <summary>A notice an event causes: its kind and the facts its wording needs.</summary>
public sealed record Notice(NotificationKind Kind, object Facts);

/// <summary>
/// Writes notices to the outbox in the command's own transaction, so a notice exists exactly when
/// the event that caused it is committed. Delivery is <see cref="NotificationDispatcher"/>'s,
/// later and elsewhere: nothing here talks to a provider, so an outage never fails or slows a case.
/// </summary>
public sealed class NotificationOutbox(WriteTransaction database, FeedbackOptions options)
{
    private static readonly JsonSerializerOptions FactsJson = new(JsonSerializerDefaults.Web);

    /// <summary>To the case's citizen, or to the staff the kind's audience names.</summary>
    /// <param name="actor">The staff member whose action caused it: never told of their own action.</param>
    public Task<int> WriteAsync(long complaintId, Notice notice, DateTimeOffset now, long? actor, CancellationToken cancellationToken) =>
        notice.Kind.Staff is null
            ? ToCitizenAsync(complaintId, notice, now, cancellationToken)
            : database.ExecuteAsync(StaffSql(notice.Kind, "complaints c", "c.id = @complaintId"),
                StaffParameters(notice, now, actor, options, complaintId), cancellationToken);

    /// <summary>
    /// One message per channel the case's citizen consented to (none when they did not), to the
    /// contact they gave for it, in the language they wrote in. The case's tracking code is added
    /// to the facts.
    /// </summary>
    private Task<int> ToCitizenAsync(long complaintId, Notice notice, DateTimeOffset now, CancellationToken cancellationToken) =>
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

    /// <summary>A staff kind for many cases at once (the background reminders), in their own transaction.</summary>
    public static Task<int> ToStaffAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NotificationKind kind, long[] complaintIds,
        DateTimeOffset now, FeedbackOptions options, CancellationToken cancellationToken) =>
        complaintIds.Length == 0 ? Task.FromResult(0)
            : connection.ExecuteAsync(new CommandDefinition(StaffSql(kind, "complaints c", "c.id = any(@complaintIds)"),
                StaffParameters(new Notice(kind, new { }), now, null, options, null, complaintIds), transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// One email to each active account with an address that the kind's audience names for the
    /// case, whose role may receive it and who has it on (by choice or by default), and — for a
    /// conduct case — that is discipline inspection or a leader. A digest kind waits for the
    /// recipient's digest hour, unless the case's category is urgent.
    /// </summary>
    /// <param name="cases">Where the cases come from, as "c": the complaints table, or a statement's own new row.</param>
    /// <param name="which">Which of them.</param>
    public static string StaffSql(NotificationKind kind, string cases, string which)
    {
        var audience = kind.Staff!;
        string Roles(IEnumerable<StaffRole> roles) => "array[" + string.Join(", ", roles.Select(role => $"'{role.ToCode()}'")) + "]::text[]";
        var digest = audience.Digest ? "not c.urgent" : "false";
        return $"""
            insert into notifications (kind, channel, complaint_id, staff_user_id, recipient, language, payload, created_at, next_attempt_at, digest)
            select '{kind.Code}', 'email', c.id, u.id, u.email, 'zh-CN',
                   jsonb_build_object('trackingCode', c.tracking_code, 'categoryZh', k.name_zh, 'categoryEn', k.name_en, 'dueOn', c.due_on)
                       || @facts::jsonb,
                   @now,
                   case when {digest} then {NextDigestSql("u.digest_hour")} else @now end,
                   {digest}
            from {cases}
            join categories k on k.code = c.category_code
            join category_groups g on g.code = k.group_code
            join staff_users u on ({audience.Condition})
            left join staff_notification_preferences p on p.user_id = u.id and p.kind = '{kind.Code}'
            where {which} and u.active and u.email is not null
              and u.role = any ({Roles(audience.Roles)})
              and coalesce(p.enabled, u.role = any ({Roles(audience.OnByDefault)}))
              and (not g.confidential or u.section_code = 'discipline' or u.role in ('discipline', 'leader'))
              and u.id is distinct from @actor
            """;
    }

    /// <summary>
    /// The first time at <paramref name="hour"/> o'clock, bureau time (@timeZone), after @now: where
    /// a digest message waits. Wall-clock hours, so a time zone with daylight saving keeps the hour.
    /// </summary>
    public static string NextDigestSql(string hour) =>
        $"""
         (select case when (day + make_interval(hours => {hour})) at time zone @timeZone > @now
                      then (day + make_interval(hours => {hour})) at time zone @timeZone
                      else (day + 1 + make_interval(hours => {hour})) at time zone @timeZone end
          from (select (@now at time zone @timeZone)::date as day) local)
         """;

    public static DynamicParameters StaffParameters(Notice notice, DateTimeOffset now, long? actor, FeedbackOptions options,
        long? complaintId, long[]? complaintIds = null)
    {
        var parameters = new DynamicParameters(new
        {
            facts = JsonSerializer.Serialize(notice.Facts, FactsJson), now, actor, timeZone = options.TimeZone.Id,
        });
        if (complaintId is { } id) parameters.Add("complaintId", id);
        if (complaintIds is not null) parameters.Add("complaintIds", complaintIds);
        return parameters;
    }
}

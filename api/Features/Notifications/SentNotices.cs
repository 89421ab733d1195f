using System.Text.Json;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Notifications;

/// <param name="Kind">receipt, accepted, rejected, reply, resolved, reviewed, merged, evaluation_reminder or password_reset.</param>
/// <param name="Name">The kind in the reader's language.</param>
/// <param name="Channel">sms or email.</param>
/// <param name="Status">waiting (not sent yet), sent (handed to the provider), failed (given up) or cancelled (unsubscribed).</param>
/// <param name="CreatedAt">When the event caused it.</param>
/// <param name="SentAt">When the provider took it.</param>
public sealed record SentNotice(string Kind, string Name, NotifyChannel Channel, string Status, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

/// <summary>
/// What a case's citizen was sent, and when — kinds and channels, never the contents or the
/// contact — for the tracking page: one sub-select for the case's query, and its reading.
/// </summary>
public static class SentNotices
{
    /// <summary>A JSON array of the case's messages; the outer query names the case "c".</summary>
    public const string Sql =
        """
        (select coalesce(json_agg(json_build_object('kind', n.kind, 'channel', n.channel, 'state', n.state,
                                                    'createdAt', n.created_at, 'sentAt', n.sent_at) order by n.created_at, n.channel), '[]')
         from notifications n where n.complaint_id = c.id and n.staff_user_id is null)::text
        """;

    private sealed record Row(string Kind, string Channel, string State, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<SentNotice> Parse(string json) =>
        JsonSerializer.Deserialize<List<Row>>(json, Json)!.Select(row => new SentNotice(
            row.Kind,
            NotificationKinds.Find(row.Kind) is { } kind ? Lang.Pick(kind.Name.Zh, kind.Name.En) : row.Kind,
            NotifyChannels.Parse(row.Channel),
            row.State switch { "pending" or "sending" => "waiting", "dead" => "failed", var state => state },
            row.CreatedAt.ToUniversalTime(),
            row.SentAt?.ToUniversalTime())).ToList();
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace Feedback.Api.Features.Notifications;

/// <summary>
/// One kind of notification, described once: its code (stored with each message, the key of its
/// SMS template), its name for lists, who receives it, and how each channel words it in both
/// languages. The SMS wording is the template text the bureau registers with its provider ({1},
/// {2}… are the parameters, in order); the provider adds the 【signature】. Citizens' kinds go to
/// the channels the citizen consented to; staff kinds (<see cref="Staff"/>) go by email to the
/// staff the audience names who have not switched the kind off.
/// </summary>
public sealed record NotificationKind
{
    public required string Code { get; init; }

    /// <summary>The kind's name in lists: the tracking page's "what was sent", the administrator's outbox, the staff's preferences.</summary>
    public required (string Zh, string En) Name { get; init; }

    /// <summary>The text message; null for a kind sent by email only.</summary>
    public SmsWording? Sms { get; init; }

    public required EmailWording Email { get; init; }

    /// <summary>Null for a citizen's kind; for a staff kind, who receives it.</summary>
    public StaffAudience? Staff { get; init; }

    /// <summary>Facts removed from the stored message once it is sent or given up (a new query password).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}

/// <param name="Zh">The Chinese template, as registered with the provider.</param>
/// <param name="En">The English template.</param>
/// <param name="Parameters">The template's parameters from the message's facts, in order.</param>
public sealed record SmsWording(string Zh, string En, Func<NoticeFacts, IReadOnlyList<string>> Parameters)
{
    /// <summary>The text the recipient reads (without the provider's 【signature】).</summary>
    public string Render(NoticeFacts facts)
    {
        var text = facts.English ? En : Zh;
        var parameters = Parameters(facts);
        for (var i = 0; i < parameters.Count; i++) text = text.Replace("{" + (i + 1).ToString(CultureInfo.InvariantCulture) + "}", parameters[i]);
        return text;
    }
}

/// <param name="Subject">The subject line.</param>
/// <param name="Paragraphs">The body, paragraph by paragraph, as plain text.</param>
/// <param name="Action">The link the message leads to (its words and its address), if any.</param>
public sealed record EmailWording(
    Func<NoticeFacts, string> Subject,
    Func<NoticeFacts, IReadOnlyList<string>> Paragraphs,
    Func<NoticeFacts, (string Words, string Url)?> Action);

/// <summary>
/// The staff who receive a kind: a condition on the account (u, in staff_users) and the case (c,
/// in complaints), fixed in code; the roles that may receive it and choose (the preferences page
/// shows them the kind), and those for which it is on until they switch it off. Of a conduct case,
/// only discipline inspection and leaders are ever told.
/// </summary>
/// <param name="Digest">Sent in the recipient's daily digest, unless the case's category is urgent.</param>
public sealed record StaffAudience(
    string Condition, IReadOnlyList<Infrastructure.Auth.StaffRole> Roles, IReadOnlyList<Infrastructure.Auth.StaffRole> OnByDefault, bool Digest = false)
{
    /// <summary>One line of a digest for a message of this kind.</summary>
    public Func<NoticeFacts, string> DigestLine { get; init; } = f => f.TrackingCode;
}

/// <summary>What one message says, read for its recipient's language: the facts stored with it and the service's links.</summary>
public sealed class NoticeFacts(JsonObject payload, string language, string publicUrl)
{
    public bool English { get; } = language == "en";

    public string Pick(string chinese, string english) => English ? english : chinese;

    public string Text(string key) => payload[key]?.ToString() ?? "";

    public string TrackingCode => Text("trackingCode");

    /// <summary>A date, short as SMS want it: 12月18日 / 18 Dec.</summary>
    public string ShortDay(string key) => DateOnly.TryParse(Text(key), CultureInfo.InvariantCulture, out var day)
        ? Pick(day.ToString("M月d日", CultureInfo.InvariantCulture), day.ToString("d MMM", CultureInfo.InvariantCulture))
        : Text(key);

    /// <summary>A date in full: 2026年12月18日 / 18 December 2026.</summary>
    public string Day(string key) => DateOnly.TryParse(Text(key), CultureInfo.InvariantCulture, out var day)
        ? Infrastructure.Localization.Lang.LongDate(day, English)
        : Text(key);

    /// <summary>The case's tracking page, with the code filled in (the password is never in a link).</summary>
    public string TrackingLink => $"{publicUrl}/#/track?code={TrackingCode}";

    /// <summary>The case in the staff console (which asks the reader to sign in).</summary>
    public string CaseLink => $"{publicUrl}/#/staff/cases/{TrackingCode}";

    /// <summary>The queue in the staff console.</summary>
    public string QueueLink => $"{publicUrl}/#/staff";

    /// <summary>The page that stops this message's kind of email, by the message's own id.</summary>
    public string UnsubscribeLink(Guid messageId) => $"{publicUrl}/#/unsubscribe?token={messageId:N}";
}

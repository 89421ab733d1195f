namespace Feedback.Api.Features.Notifications;

/// <summary>
/// What a channel says after one attempt to hand a message to its provider. The dispatcher
/// decides from it: sent is done, retry waits and tries again, rejected goes to the dead letters
/// at once (the provider will never accept this message: a wrong number, a refused address).
/// </summary>
public abstract record Delivery
{
    /// <param name="ProviderId">The provider's own id for the message (an SMS serial number, an SMTP queue id), kept for enquiries.</param>
    public sealed record Sent(string? ProviderId) : Delivery;

    /// <param name="Error">What went wrong, for the administrator; never contains the message's text.</param>
    public sealed record Retry(string Error) : Delivery;

    public sealed record Rejected(string Error) : Delivery;
}

/// <summary>One text message, as SMS providers take it: a template registered with the provider and its parameters.</summary>
/// <param name="MessageId">The outbox message's stable id, passed to the provider so a retry can be matched with the first try.</param>
/// <param name="Phone">An 11-digit mainland mobile number (already normalised).</param>
/// <param name="Template">The notification kind's template key, e.g. "accepted" or "accepted.en".</param>
/// <param name="Parameters">The template's parameters, in order.</param>
public sealed record TextMessage(Guid MessageId, string Phone, string Template, IReadOnlyList<string> Parameters);

/// <summary>A provider that sends text messages. One implementation per provider's wire protocol.</summary>
public interface ISmsGateway
{
    Task<Delivery> SendAsync(TextMessage message, CancellationToken cancellationToken);
}

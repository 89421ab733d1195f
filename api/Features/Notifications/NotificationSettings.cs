using Feedback.Api.Features.Notifications.Email;

namespace Feedback.Api.Features.Notifications;

/// <summary>
/// How notifications are delivered, from the environment: the address citizens open
/// (FEEDBACK_PUBLIC_URL, where every link in a message starts), the SMTP server (FEEDBACK_SMTP_*),
/// and the dispatcher's pace (FEEDBACK_NOTIFY_*). The SMS provider has its own settings.
/// </summary>
public sealed record NotificationSettings(string? PublicUrl, SmtpSettings? Smtp, int MaxAttempts, TimeSpan PollInterval)
{
    /// <summary>Messages one dispatcher claims at once.</summary>
    public const int BatchSize = 200;

    public static NotificationSettings FromConfiguration(IConfiguration configuration, bool smsConfigured)
    {
        var smtp = SmtpSettings.FromConfiguration(configuration);
        var publicUrl = configuration["FEEDBACK_PUBLIC_URL"]?.Trim().TrimEnd('/');
        if (string.IsNullOrEmpty(publicUrl)) publicUrl = null;
        if (publicUrl is not null && !(Uri.TryCreate(publicUrl, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" && url.Query == "" && url.Fragment == ""))
            throw new InvalidOperationException($"FEEDBACK_PUBLIC_URL must be the http(s) address citizens open, like https://feedback.example.gov.cn, not '{publicUrl}'.");
        if (publicUrl is null && (smtp is not null || smsConfigured))
            throw new InvalidOperationException("FEEDBACK_PUBLIC_URL is not set: notifications link to the tracking page, so they need the address citizens open, like https://feedback.example.gov.cn.");
        return new NotificationSettings(publicUrl, smtp,
            Whole(configuration, "FEEDBACK_NOTIFY_MAX_ATTEMPTS", 72, minimum: 1),
            TimeSpan.FromSeconds(Whole(configuration, "FEEDBACK_NOTIFY_POLL_SECONDS", 1, minimum: 1)));
    }

    private static int Whole(IConfiguration configuration, string name, int fallback, int minimum)
    {
        var text = configuration[name];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return int.TryParse(text, out var value) && value >= minimum ? value
            : throw new InvalidOperationException($"{name} must be a whole number of at least {minimum}, not '{text}'.");
    }
}

/// <summary>The channels this installation can send by; a channel not configured is not offered anywhere.</summary>
public sealed record NotificationChannels(IReadOnlyList<NotifyChannel> Offered)
{
    public bool Offers(NotifyChannel channel) => Offered.Contains(channel);
}

using MailKit.Security;
using MimeKit;

namespace Feedback.Api.Features.Notifications.Email;

/// <summary>
/// The SMTP server that sends email, from FEEDBACK_SMTP_*; null (email off) when FEEDBACK_SMTP_HOST
/// is unset. A half-configured server stops the start with a message naming the variable.
/// </summary>
public sealed record SmtpSettings(
    string Host, int Port, SecureSocketOptions Security, string? User, string? Password, MailboxAddress From, int Connections, TimeSpan Timeout)
{
    public static SmtpSettings? FromConfiguration(IConfiguration configuration)
    {
        var host = Value(configuration, "FEEDBACK_SMTP_HOST");
        if (host is null) return null;

        var security = Value(configuration, "FEEDBACK_SMTP_TLS")?.ToLowerInvariant() switch
        {
            null or "starttls" => SecureSocketOptions.StartTls,
            "tls" => SecureSocketOptions.SslOnConnect,
            "none" => SecureSocketOptions.None,
            var other => throw new InvalidOperationException($"FEEDBACK_SMTP_TLS must be none, starttls or tls, not '{other}'."),
        };
        var port = Value(configuration, "FEEDBACK_SMTP_PORT") is { } text
            ? int.TryParse(text, out var number) && number is > 0 and < 65536 ? number
                : throw new InvalidOperationException($"FEEDBACK_SMTP_PORT must be a port number, not '{text}'.")
            : security switch { SecureSocketOptions.SslOnConnect => 465, SecureSocketOptions.StartTls => 587, _ => 25 };

        var user = Value(configuration, "FEEDBACK_SMTP_USER");
        var password = Value(configuration, "FEEDBACK_SMTP_PASSWORD");
        if ((user is null) != (password is null))
            throw new InvalidOperationException("FEEDBACK_SMTP_USER and FEEDBACK_SMTP_PASSWORD are set together, or neither (a server that needs no sign-in).");

        var fromText = Value(configuration, "FEEDBACK_SMTP_FROM")
            ?? throw new InvalidOperationException("FEEDBACK_SMTP_FROM is not set: the address email is sent from, e.g. \"嵊州市生态环境局 <noreply@example.gov.cn>\".");
        if (!MailboxAddress.TryParse(fromText, out var from) || !from.Address.Contains('@'))
            throw new InvalidOperationException($"FEEDBACK_SMTP_FROM must be an address like \"Name <noreply@example.gov.cn>\", not '{fromText}'.");

        var connections = Value(configuration, "FEEDBACK_SMTP_CONNECTIONS") is { } count
            ? int.TryParse(count, out var n) && n is >= 1 and <= 32 ? n
                : throw new InvalidOperationException($"FEEDBACK_SMTP_CONNECTIONS must be from 1 to 32, not '{count}'.")
            : 4;
        return new SmtpSettings(host, port, security, user, password, from, connections, TimeSpan.FromSeconds(30));
    }

    private static string? Value(IConfiguration configuration, string name) =>
        string.IsNullOrWhiteSpace(configuration[name]) ? null : configuration[name]!.Trim();
}

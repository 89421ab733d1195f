using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKit.Security;
using MimeKit;

namespace Feedback.Api.Features.Notifications.Email;

/// <summary>
/// The SMTP server that sends email, from FEEDBACK_SMTP_*; null (email off) when FEEDBACK_SMTP_HOST
/// is unset. A half-configured server stops the start with a message naming the variable.
/// </summary>
/// <param name="TrustedAuthority">FEEDBACK_SMTP_CA_FILE: a certificate authority (PEM) trusted for the server's certificate
/// besides the system's, for a mail relay with a certificate from the organisation's own authority.</param>
public sealed record SmtpSettings(
    string Host, int Port, SecureSocketOptions Security, string? User, string? Password, MailboxAddress From, int Connections, TimeSpan Timeout,
    X509Certificate2? TrustedAuthority)
{
    /// <summary>
    /// The server's certificate is good when the system trusts it, or when it chains to the
    /// trusted authority; its name must match the host either way.
    /// </summary>
    public bool Accepts(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (TrustedAuthority is null || errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(TrustedAuthority);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null) custom.ChainPolicy.ExtraStore.AddRange(chain.ChainElements.Select(element => element.Certificate).ToArray());
        return custom.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

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
        var authority = Value(configuration, "FEEDBACK_SMTP_CA_FILE") is { } file
            ? File.Exists(file) ? X509Certificate2.CreateFromPem(File.ReadAllText(file))
                : throw new InvalidOperationException($"FEEDBACK_SMTP_CA_FILE: there is no file '{file}'.")
            : null;
        return new SmtpSettings(host, port, security, user, password, from, connections, TimeSpan.FromSeconds(30), authority);
    }

    private static string? Value(IConfiguration configuration, string name) =>
        string.IsNullOrWhiteSpace(configuration[name]) ? null : configuration[name]!.Trim();
}

using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Feedback.Api.Features.Notifications.Email;

/// <summary>
/// Hands email to the SMTP server over a few connections at once (FEEDBACK_SMTP_CONNECTIONS), each
/// opened for a batch and reused for every message in it. Messages to one address go over one
/// connection in the order given, so a citizen reads "accepted" after "received". A temporary failure (4xx, a dropped or
/// refused connection, a timeout) is retried later; a permanent refusal of the recipient or the
/// message (5xx) is not.
/// </summary>
public sealed class SmtpMailer(SmtpSettings settings, ILogger<SmtpMailer> logger)
{
    public async Task<IReadOnlyList<Delivery>> SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken cancellationToken)
    {
        var results = new Delivery[messages.Count];
        var byRecipient = Enumerable.Range(0, messages.Count)
            .GroupBy(i => messages[i].To.Mailboxes.FirstOrDefault()?.Address.ToLowerInvariant(), StringComparer.Ordinal)
            .Select(group => group.ToArray()).ToArray();
        var next = -1;
        async Task WorkAsync()
        {
            SmtpClient? client = null;
            try
            {
                int group;
                while ((group = Interlocked.Increment(ref next)) < byRecipient.Length)
                foreach (var index in byRecipient[group])
                {
                    try
                    {
                        client ??= await ConnectAsync(cancellationToken);
                        var answer = await client.SendAsync(messages[index], cancellationToken);
                        results[index] = new Delivery.Sent(answer.Length > 200 ? answer[..200] : answer);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        results[index] = Classify(exception);
                        // A broken connection is not reused; a refused recipient leaves it usable.
                        if (client is { IsConnected: false } || exception is not SmtpCommandException)
                        {
                            client?.Dispose();
                            client = null;
                        }
                    }
                }
            }
            finally
            {
                if (client is not null)
                {
                    try { await client.DisconnectAsync(quit: true, CancellationToken.None); }
                    catch (Exception exception) when (exception is IOException or SocketException or ProtocolException or ServiceNotConnectedException) { }
                    client.Dispose();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(settings.Connections, byRecipient.Length)).Select(_ => WorkAsync()));
        return results;
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds, ServerCertificateValidationCallback = (_, certificate, chain, errors) => settings.Accepts(certificate, chain, errors) };
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
            if (settings is { User: { } user, Password: { } password }) await client.AuthenticateAsync(user, password, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private Delivery Classify(Exception exception)
    {
        switch (exception)
        {
            case SmtpCommandException refused when (int)refused.StatusCode >= 500
                && refused.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted:
                return new Delivery.Rejected($"SMTP {(int)refused.StatusCode}: {refused.Message}");
            case SmtpCommandException command:
                return new Delivery.Retry($"SMTP {(int)command.StatusCode}: {command.Message}");
            case AuthenticationException or SslHandshakeException or SmtpProtocolException or ServiceNotConnectedException
                or ServiceNotAuthenticatedException or IOException or SocketException or TimeoutException or OperationCanceledException:
                return new Delivery.Retry($"{exception.GetType().Name}: {exception.Message}");
            default:
                logger.LogError(exception, "Unexpected failure sending email");
                return new Delivery.Retry($"{exception.GetType().Name}: {exception.Message}");
        }
    }
}

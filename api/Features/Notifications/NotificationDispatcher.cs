using System.Diagnostics;
using System.Text.Json.Nodes;
using Dapper;
using Feedback.Api.Features.Notifications.Email;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Notifications;

/// <summary>
/// Delivers the outbox. Every FEEDBACK_NOTIFY_POLL_SECONDS (and at once again while there is more)
/// it claims up to <see cref="NotificationSettings.BatchSize"/> due messages with FOR UPDATE SKIP
/// LOCKED — so any number of instances share the work and no message is taken by two — sends
/// them, and records each attempt. A failed message waits (<see cref="Backoff"/>) and is tried
/// again; a refused one, or one that failed <see cref="NotificationSettings.MaxAttempts"/> times,
/// is dead until an administrator retries it. When a provider fails, the rest of its batch waits
/// for the next round instead of queueing behind timeouts. A claim expires after five minutes, so
/// the messages of an instance that died mid-send are taken up by another.
/// </summary>
public sealed class NotificationDispatcher(
    NpgsqlDataSource dataSource, BureauClock clock, NotificationSettings settings, ILogger<NotificationDispatcher> logger,
    SmtpMailer? mailer = null, ISmsGateway? sms = null) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly string[] Secrets = NotificationKinds.All.SelectMany(kind => kind.Secrets).Distinct().ToArray();

    /// <param name="Sent">Handed to the provider.</param>
    /// <param name="Failed">To be tried again.</param>
    /// <param name="Dead">Given up: refused, or out of attempts.</param>
    /// <param name="Deferred">Not tried: their provider was failing this round.</param>
    public sealed record Round(int Sent, int Failed, int Dead, int Deferred)
    {
        public int Claimed => Sent + Failed + Dead + Deferred;
    }

    private sealed record Claimed(
        Guid Id, string Kind, string Channel, string Recipient, string Language, string Payload, int Attempts, int AttemptsBeforeRetry,
        DateTime CreatedAt, DateTime? RetriedAt, bool Digest);

    private sealed record Outcome(Claimed Message, Delivery? Delivery, DateTimeOffset StartedAt, int DurationMs);

    /// <summary>One round: claim what is due, send it, record what happened.</summary>
    public async Task<Round> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(cancellationToken);
        if (claimed.Count == 0) return new Round(0, 0, 0, 0);
        var outcomes = await Task.WhenAll(
            SendEmailAsync(claimed.Where(m => m.Channel == "email").ToList(), cancellationToken),
            SendSmsAsync(claimed.Where(m => m.Channel == "sms").ToList(), cancellationToken));
        return await RecordAsync(outcomes.SelectMany(o => o).ToList(), cancellationToken);
    }

    private async Task<List<Claimed>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var now = clock.UtcNow;
        var rows = await connection.QueryAsync<Claimed>(new CommandDefinition(
            """
            update notifications n set state = 'sending', lease_until = @leaseUntil
            where n.id in (
                select id from notifications
                where state in ('pending', 'sending') and next_attempt_at <= @now and (state = 'pending' or lease_until < @now)
                order by next_attempt_at
                limit @batch
                for update skip locked)
            returning n.id, n.kind, n.channel, n.recipient, n.language, n.payload::text as payload, n.attempts,
                      n.attempts_before_retry, n.created_at, n.retried_at, n.digest
            """,
            new { now, leaseUntil = now + Lease, batch = NotificationSettings.BatchSize }, cancellationToken: cancellationToken));
        // In the order they were written, so one person's messages leave in the order of their events.
        return rows.OrderBy(row => row.CreatedAt).ToList();
    }

    private NoticeFacts FactsOf(Claimed message) =>
        new(JsonNode.Parse(message.Payload)!.AsObject(), message.Language, settings.PublicUrl ?? "");

    private async Task<List<Outcome>> SendEmailAsync(List<Claimed> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0) return [];
        var started = clock.UtcNow;
        if (mailer is null || settings.Smtp is null)
            return messages.Select(m => new Outcome(m, new Delivery.Retry("Email is not configured (FEEDBACK_SMTP_HOST)"), started, 0)).ToList();

        var outcomes = new List<Outcome>();
        // Each email with the messages it carries: one, or a member of staff's digest.
        var composed = new List<(IReadOnlyList<Claimed> Messages, MimeKit.MimeMessage Email)>();
        foreach (var message in messages.Where(m => !m.Digest))
        {
            if (NotificationKinds.Find(message.Kind) is not { } kind)
                outcomes.Add(new Outcome(message, new Delivery.Rejected($"Unknown kind '{message.Kind}'"), started, 0));
            else if (!MimeKit.MailboxAddress.TryParse(message.Recipient, out _))
                outcomes.Add(new Outcome(message, new Delivery.Rejected("Not an email address"), started, 0));
            else
                composed.Add(([message], EmailComposer.Compose(kind, message.Id, message.Recipient, FactsOf(message), settings.Smtp.From)));
        }
        foreach (var digest in messages.Where(m => m.Digest).GroupBy(m => m.Recipient.ToLowerInvariant()))
        {
            var items = digest.Where(m => NotificationKinds.Find(m.Kind)?.Staff is not null).ToList();
            outcomes.AddRange(digest.Except(items).Select(m => new Outcome(m, new Delivery.Rejected($"Not a digest kind '{m.Kind}'"), started, 0)));
            if (items.Count > 0 && MimeKit.MailboxAddress.TryParse(items[0].Recipient, out _))
                composed.Add((items, EmailComposer.ComposeDigest(
                    items.Select(m => (NotificationKinds.Find(m.Kind)!, m.Id, FactsOf(m))).ToList(), items[0].Recipient, settings.Smtp.From)));
            else
                outcomes.AddRange(items.Select(m => new Outcome(m, new Delivery.Rejected("Not an email address"), started, 0)));
        }
        var timer = Stopwatch.StartNew();
        var deliveries = await mailer.SendAsync(composed.Select(c => c.Email).ToList(), cancellationToken);
        var each = composed.Count == 0 ? 0 : (int)(timer.ElapsedMilliseconds / composed.Count);
        outcomes.AddRange(composed.SelectMany((c, i) => c.Messages.Select(m => new Outcome(m, deliveries[i], started, each))));
        return outcomes;
    }

    private async Task<List<Outcome>> SendSmsAsync(List<Claimed> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0) return [];
        if (sms is null)
            return messages.Select(m => new Outcome(m, new Delivery.Retry("SMS is not configured (FEEDBACK_SMS_PROVIDER)"), clock.UtcNow, 0)).ToList();

        var outcomes = new Outcome[messages.Count];
        var failing = false;
        // One number's messages one after the other, in order, so "accepted" never overtakes "received".
        var byRecipient = Enumerable.Range(0, messages.Count).GroupBy(i => messages[i].Recipient).Select(group => group.ToArray()).ToArray();
        var next = -1;
        async Task WorkAsync()
        {
            int group;
            while ((group = Interlocked.Increment(ref next)) < byRecipient.Length)
            foreach (var index in byRecipient[group])
            {
                var message = messages[index];
                // Once the provider fails, the rest wait for the next round (null: not tried).
                if (Volatile.Read(ref failing)) { outcomes[index] = new Outcome(message, null, clock.UtcNow, 0); continue; }
                var started = clock.UtcNow;
                var timer = Stopwatch.StartNew();
                var delivery = NotificationKinds.Find(message.Kind) is { Sms: { } wording } kind
                    ? await sms.SendAsync(new TextMessage(message.Id, message.Recipient, kind.Code + (message.Language == "en" ? ".en" : ""),
                        wording.Parameters(FactsOf(message))), cancellationToken)
                    : new Delivery.Rejected($"No text message for kind '{message.Kind}'");
                if (delivery is Delivery.Retry) Volatile.Write(ref failing, true);
                outcomes[index] = new Outcome(message, delivery, started, (int)timer.ElapsedMilliseconds);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(4, byRecipient.Length)).Select(_ => WorkAsync()));
        return outcomes.ToList();
    }

    private async Task<Round> RecordAsync(List<Outcome> outcomes, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var tried = outcomes.Where(o => o.Delivery is not null).ToList();
        var states = tried.Select(o => o.Delivery switch
        {
            Delivery.Sent => "sent",
            Delivery.Rejected => "dead",
            _ => o.Message.Attempts + 1 - o.Message.AttemptsBeforeRetry >= settings.MaxAttempts ? "dead" : "pending",
        }).ToArray();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Not tried: waiting again, a few seconds, without counting an attempt.
        await connection.ExecuteAsync(new CommandDefinition(
            "update notifications set state = 'pending', lease_until = null, next_attempt_at = @later where id = any(@ids) and state = 'sending'",
            new { ids = outcomes.Where(o => o.Delivery is null).Select(o => o.Message.Id).ToArray(), later = now + Backoff.After(1, TimeSpan.Zero) },
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            with result as (
                select * from unnest(@ids, @states, @nextAttempts, @errors, @providerIds, @startedAt, @durations, @outcomes)
                    as r (id, state, next_attempt_at, error, provider_id, started_at, duration_ms, outcome)
            ), updated as (
                update notifications n
                set state = r.state, attempts = n.attempts + 1, lease_until = null, next_attempt_at = r.next_attempt_at,
                    sent_at = case when r.state = 'sent' then @now end, last_error = left(r.error, 1000),
                    provider_id = coalesce(r.provider_id, n.provider_id),
                    payload = case when r.state in ('sent', 'dead') then n.payload - @secrets else n.payload end
                from result r
                where n.id = r.id and n.state = 'sending'
                returning n.id, n.attempts
            )
            insert into notification_attempts (notification_id, number, started_at, duration_ms, outcome, error)
            select u.id, u.attempts, r.started_at, r.duration_ms, r.outcome, left(r.error, 1000)
            from updated u join result r on r.id = u.id
            """,
            new
            {
                now,
                secrets = Secrets,
                ids = tried.Select(o => o.Message.Id).ToArray(),
                states,
                nextAttempts = tried.Select(o => now + Backoff.After(o.Message.Attempts + 1 - o.Message.AttemptsBeforeRetry,
                    now.UtcDateTime - (o.Message.RetriedAt ?? o.Message.CreatedAt))).ToArray(),
                errors = tried.Select(o => o.Delivery switch { Delivery.Retry r => r.Error, Delivery.Rejected r => r.Error, _ => null }).ToArray(),
                providerIds = tried.Select(o => (o.Delivery as Delivery.Sent)?.ProviderId).ToArray(),
                startedAt = tried.Select(o => o.StartedAt).ToArray(),
                durations = tried.Select(o => o.DurationMs).ToArray(),
                outcomes = tried.Select(o => o.Delivery switch { Delivery.Sent => "sent", Delivery.Rejected => "rejected", _ => "retry" }).ToArray(),
            }, cancellationToken: cancellationToken));

        var round = new Round(states.Count(s => s == "sent"), states.Count(s => s == "pending"), states.Count(s => s == "dead"),
            outcomes.Count - tried.Count);
        if (round.Failed + round.Dead > 0) logger.LogWarning("Notifications: {Round}", round);
        return round;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.PollInterval);
        do
        {
            try
            {
                // A full batch means more may be waiting: go on at once.
                while ((await DispatchDueAsync(stoppingToken)).Claimed == NotificationSettings.BatchSize) { }
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Notifications not dispatched this round: {Reason}", exception.Message);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // A fault in one round must not stop delivery (or the service): the next round tries again.
                logger.LogError(exception, "Notifications round failed");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>
/// When a failed message is tried again: 5 s after the first failure, doubling to at most a minute
/// while the series of attempts is under an hour old, then every 30 minutes.
/// </summary>
public static class Backoff
{
    public static TimeSpan After(int failures, TimeSpan age) =>
        age >= TimeSpan.FromHours(1) ? TimeSpan.FromMinutes(30)
        : TimeSpan.FromSeconds(Math.Min(60, 5 * Math.Pow(2, Math.Min(failures, 10) - 1)));
}

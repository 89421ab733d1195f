using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Notifications;

/// <summary>
/// The administrator's view of the outbox: messages by state, channel, kind and date, each with
/// its attempts and errors, a retry for a dead one, and delivery figures. Recipients are masked
/// and messages carry no text, so the view shows delivery, not who complained about what; a
/// conduct case's tracking code is not shown at all (only discipline inspection and leaders may
/// know of such a case).
/// </summary>
public static class NotificationOutboxAdmin
{
    public const int PageSize = 50;

    /// <param name="State">pending, sending, sent, dead or cancelled.</param>
    /// <param name="Channel">sms or email.</param>
    /// <param name="Kind">A notification kind, e.g. receipt.</param>
    /// <param name="From">Written on or after this day (the bureau's dates).</param>
    /// <param name="To">Written on or before this day.</param>
    /// <param name="Before">The next page: the "next" of the previous answer.</param>
    public sealed record Query(string? State, string? Channel, string? Kind, DateOnly? From, DateOnly? To, string? Before) : IQuery<Page>;

    /// <param name="Recipient">Masked: 138****8000, w***@example.cn.</param>
    /// <param name="TrackingCode">The case's code; null for a conduct case.</param>
    /// <param name="LastError">The provider's last error, for the administrator; never the message's text.</param>
    public sealed record Message(
        Guid Id, string Kind, string Name, NotifyChannel Channel, string Recipient, string? TrackingCode, string State, int Attempts,
        DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? SentAt, string? LastError, string? ProviderId);

    /// <param name="Next">Pass as before= for the next page; null on the last.</param>
    public sealed record Page(IReadOnlyList<Message> Items, string? Next);

    /// <param name="Outcome">sent, retry or rejected.</param>
    public sealed record Attempt(int Number, DateTimeOffset StartedAt, int DurationMs, string Outcome, string? Error);

    public sealed record Details(Message Message, IReadOnlyList<Attempt> Attempts);

    public static readonly string[] States = ["pending", "sending", "sent", "dead", "cancelled"];

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.State).Must(state => state is null || States.Contains(state))
                .WithMessage(_ => Lang.Pick("状态应为 pending、sending、sent、dead 或 cancelled", "state must be pending, sending, sent, dead or cancelled"));
            RuleFor(q => q.Channel).Must(channel => channel is null or "sms" or "email")
                .WithMessage(_ => Lang.Pick("渠道应为 sms 或 email", "channel must be sms or email"));
            RuleFor(q => q.Kind).Must(kind => kind is null || NotificationKinds.Find(kind) is not null)
                .WithMessage(_ => Lang.Pick("没有这种通知", "No such kind of notification"));
            RuleFor(q => q.From).WithinServiceYears();
            RuleFor(q => q.To).WithinServiceYears();
            RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).When(q => q is { From: not null, To: not null })
                .WithMessage(_ => Lang.Pick("结束日期不能早于开始日期", "The end date is before the start date"));
            RuleFor(q => q.Before).Must(before => before is null || Cursor.Parse(before) is not null)
                .WithMessage(_ => Lang.Pick("翻页参数无效", "Not a page cursor from this list"));
        }
    }

    /// <summary>Keyset position: the last row's creation time and id.</summary>
    private static class Cursor
    {
        public static string Of(DateTimeOffset at, Guid id) => $"{at.UtcTicks}_{id:N}";

        public static (DateTimeOffset At, Guid Id)? Parse(string text) =>
            text.Split('_') is [var ticks, var id] && long.TryParse(ticks, out var t) && t is > 0 and < 3155378975999999999
                && Guid.TryParseExact(id, "N", out var guid)
                ? (new DateTimeOffset(t, TimeSpan.Zero), guid) : null;
    }

    private sealed record Row(
        Guid Id, string Kind, string Channel, string Recipient, string? TrackingCode, string? CategoryCode, string State, int Attempts,
        DateTime CreatedAt, DateTime NextAttemptAt, DateTime? SentAt, string? LastError, string? ProviderId);

    private const string Select =
        """
        select n.id, n.kind, n.channel, n.recipient, c.tracking_code, c.category_code, n.state, n.attempts, n.created_at,
               n.next_attempt_at, n.sent_at, n.last_error, n.provider_id
        from notifications n left join complaints c on c.id = n.complaint_id
        """;

    private static async Task<Message> ToMessageAsync(Row row, CategoryCatalog catalog)
    {
        var confidential = row.CategoryCode is { } category && (await catalog.GetCategoryAsync(category)).Confidential;
        DateTimeOffset Utc(DateTime at) => new(at, TimeSpan.Zero);
        return new Message(row.Id, row.Kind, NotificationKinds.Find(row.Kind) is { } kind ? Lang.Pick(kind.Name.Zh, kind.Name.En) : row.Kind,
            NotifyChannels.Parse(row.Channel), Mask(row.Channel, row.Recipient), confidential ? null : row.TrackingCode, row.State, row.Attempts,
            Utc(row.CreatedAt), row.State is "pending" or "sending" ? Utc(row.NextAttemptAt) : null, row.SentAt is { } sent ? Utc(sent) : null,
            row.LastError, row.ProviderId);
    }

    /// <summary>Enough to tell messages apart and spot a typo, not enough to reach the person.</summary>
    public static string Mask(string channel, string recipient)
    {
        if (channel == "sms") return recipient.Length == 11 ? recipient[..3] + "****" + recipient[7..] : "***";
        var at = recipient.IndexOf('@');
        return at <= 0 ? "***" : recipient[..1] + "***" + recipient[at..];
    }

    public sealed class Handler(ReadDatabase database, CategoryCatalog catalog, BureauClock clock) : IQueryHandler<Query, Page>
    {
        public async ValueTask<Page> Handle(Query query, CancellationToken cancellationToken)
        {
            var cursor = query.Before is null ? null : Cursor.Parse(query.Before);
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
                $"""
                 {Select}
                 where (@state::text is null or n.state = @state) and (@channel::text is null or n.channel = @channel)
                   and (@kind::text is null or n.kind = @kind)
                   and (@from::timestamptz is null or n.created_at >= @from) and (@to::timestamptz is null or n.created_at < @to)
                   and (@beforeAt::timestamptz is null or (n.created_at, n.id) < (@beforeAt, @beforeId))
                 order by n.created_at desc, n.id desc
                 limit @limit
                 """,
                new
                {
                    query.State, query.Channel, query.Kind,
                    from = query.From is { } from ? clock.StartOf(from) : (DateTimeOffset?)null,
                    to = query.To is { } to ? clock.StartOf(to.AddDays(1)) : (DateTimeOffset?)null,
                    beforeAt = cursor?.At, beforeId = cursor?.Id, limit = PageSize + 1,
                }, cancellationToken: cancellationToken))).ToList();
            var items = new List<Message>();
            foreach (var row in rows.Take(PageSize)) items.Add(await ToMessageAsync(row, catalog));
            return new Page(items, rows.Count > PageSize ? Cursor.Of(items[^1].CreatedAt, items[^1].Id) : null);
        }
    }

    public sealed record GetQuery(Guid Id) : IQuery<Details>;

    public sealed class GetHandler(ReadDatabase database, CategoryCatalog catalog) : IQueryHandler<GetQuery, Details>
    {
        public async ValueTask<Details> Handle(GetQuery query, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"{Select} where n.id = @id", new { id = query.Id },
                cancellationToken: cancellationToken)) ?? throw NotFound();
            var attempts = await connection.QueryAsync<(int Number, DateTime StartedAt, int DurationMs, string Outcome, string? Error)>(new CommandDefinition(
                "select number, started_at, duration_ms, outcome, error from notification_attempts where notification_id = @id order by number",
                new { id = query.Id }, cancellationToken: cancellationToken));
            return new Details(await ToMessageAsync(row, catalog),
                attempts.Select(a => new Attempt(a.Number, new DateTimeOffset(a.StartedAt, TimeSpan.Zero), a.DurationMs, a.Outcome, a.Error)).ToList());
        }
    }

    public sealed record RetryCommand(Guid Id) : ICommand<Message>;

    /// <summary>A dead message gets a new series of attempts, from now; anything else is refused (409).</summary>
    public sealed class RetryHandler(WriteTransaction database, AuditLog audit, CurrentStaff staff, BureauClock clock, CategoryCatalog catalog)
        : ICommandHandler<RetryCommand, Message>
    {
        public async ValueTask<Message> Handle(RetryCommand command, CancellationToken cancellationToken)
        {
            var now = clock.UtcNow;
            var state = await database.QuerySingleOrDefaultAsync<string>("select state from notifications where id = @id for update",
                new { id = command.Id }, cancellationToken) ?? throw NotFound();
            if (state != "dead")
                throw new ProblemException(StatusCodes.Status409Conflict,
                    Lang.Pick("只有已放弃的消息可以重试", "Only a message that was given up can be retried"));
            await database.ExecuteAsync(
                """
                update notifications set state = 'pending', next_attempt_at = @now, retried_at = @now, attempts_before_retry = attempts
                where id = @id
                """, new { id = command.Id, now }, cancellationToken);
            await audit.RecordAsync(AuditActor.Of(staff), new AuditEntry("notification.retry", "notification", command.Id.ToString(),
                Before: new { state }, After: new { state = "pending" }), cancellationToken);
            var row = await database.QuerySingleAsync<Row>($"{Select} where n.id = @id", new { id = command.Id }, cancellationToken);
            return await ToMessageAsync(row, catalog);
        }
    }

    /// <param name="Sent">Handed to the provider.</param>
    /// <param name="Failed">Given up (dead).</param>
    /// <param name="Waiting">Not sent yet (waiting for a first try or a retry).</param>
    /// <param name="Cancelled">Stopped by an unsubscribe.</param>
    /// <param name="MedianDelaySeconds">From the event to the provider's acceptance, for the messages sent; null when none.</param>
    /// <param name="SlowestDelaySeconds">The 90th percentile of the same.</param>
    public sealed record ChannelFigures(NotifyChannel Channel, int Sent, int Failed, int Waiting, int Cancelled, double? MedianDelaySeconds, double? SlowestDelaySeconds);

    /// <param name="Since">The start of the period: seven days ago.</param>
    public sealed record Figures(DateTimeOffset Since, IReadOnlyList<ChannelFigures> Channels);

    public sealed record FiguresQuery : IQuery<Figures>;

    public sealed class FiguresHandler(ReadDatabase database, BureauClock clock) : IQueryHandler<FiguresQuery, Figures>
    {
        public async ValueTask<Figures> Handle(FiguresQuery query, CancellationToken cancellationToken)
        {
            var since = clock.UtcNow.AddDays(-7);
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<(string Channel, int Sent, int Failed, int Waiting, int Cancelled, double? Median, double? Slowest)>(new CommandDefinition(
                """
                select channel,
                       count(*) filter (where state = 'sent')::int, count(*) filter (where state = 'dead')::int,
                       count(*) filter (where state in ('pending', 'sending'))::int, count(*) filter (where state = 'cancelled')::int,
                       percentile_cont(0.5) within group (order by extract(epoch from sent_at - created_at)) filter (where state = 'sent'),
                       percentile_cont(0.9) within group (order by extract(epoch from sent_at - created_at)) filter (where state = 'sent')
                from notifications where created_at >= @since
                group by channel
                """, new { since }, cancellationToken: cancellationToken))).ToDictionary(r => r.Channel);
            return new Figures(since, [.. new[] { NotifyChannel.Sms, NotifyChannel.Email }.Select(channel =>
                rows.TryGetValue(channel.ToCode(), out var r)
                    ? new ChannelFigures(channel, r.Sent, r.Failed, r.Waiting, r.Cancelled, Round(r.Median), Round(r.Slowest))
                    : new ChannelFigures(channel, 0, 0, 0, 0, null, null))]);
        }

        private static double? Round(double? seconds) => seconds is { } value ? Math.Round(value, 1) : null;
    }

    /// <param name="Kind">The code the list's kind filter takes.</param>
    /// <param name="Name">Its name in the reader's language.</param>
    /// <param name="Audience">citizen or staff.</param>
    public sealed record KindName(string Kind, string Name, string Audience);

    /// <summary>Every kind of notification, citizens' first, for the list's filter.</summary>
    public static IReadOnlyList<KindName> KindNames() =>
        NotificationKinds.All.Select(kind => new KindName(kind.Code, Lang.Pick(kind.Name.Zh, kind.Name.En), kind.Staff is null ? "citizen" : "staff")).ToList();

    private static ProblemException NotFound() => new(StatusCodes.Status404NotFound, Lang.Pick("没有这条消息", "No such message"));
}

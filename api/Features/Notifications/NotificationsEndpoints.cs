using Feedback.Api.Features.Notifications.Email;
using Feedback.Api.Features.Notifications.Sms;
using System.Security.Cryptography;
using System.Text;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Observability;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Notifications;

public static class NotificationsEndpoints
{
    /// <summary>The outbox, its dispatcher (in the background when <paramref name="dispatch"/>) and the channels configured.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration, bool dispatch)
    {
        // Every text message's Chinese template must be registered; an English one falls back to it.
        var sms = SmsSettings.FromConfiguration(configuration, NotificationKinds.All.Where(kind => kind.Sms is not null).Select(kind => kind.Code));
        var settings = NotificationSettings.FromConfiguration(configuration, smsConfigured: sms is not null);
        services.AddSingleton(settings);
        List<NotifyChannel> offered = [];
        if (sms is not null)
        {
            services.AddSingleton(sms);
            // One client for the dispatcher's lifetime; pooled connections are renewed so a changed DNS answer is followed.
            // Requests are signed with the wall clock, which the provider checks them against.
            services.AddSingleton<ISmsGateway>(_ => new TencentCloudSms(
                new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }), sms, TimeProvider.System));
            offered.Add(NotifyChannel.Sms);
        }
        if (settings.Smtp is { } smtp)
        {
            services.AddSingleton(smtp);
            services.AddSingleton<SmtpMailer>();
            offered.Add(NotifyChannel.Email);
        }
        services.AddSingleton(new NotificationChannels(offered));
        services.AddScoped<NotificationOutbox>();
        services.AddDatabaseGauge<WaitingNotificationsGauge>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<EvaluationReminders>();
        if (dispatch) services.AddHostedService(provider => provider.GetRequiredService<NotificationDispatcher>());
        return services;
    }

    /// <param name="Channels">The ways a citizen may ask to be told of their case's progress: sms, email, both or none.</param>
    public sealed record ChannelsResult(IReadOnlyList<NotifyChannel> Channels);

    public static void MapNotificationsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/notification-channels", (NotificationChannels channels) => TypedResults.Ok(new ChannelsResult(channels.Offered)))
            .WithTags("Notifications")
            .WithName("ListNotificationChannels")
            .WithSummary("How citizens may be told of their case's progress")
            .WithDescription("The channels this installation sends by. The submission form offers exactly these; notifyBy accepts only these.");

        routes.MapPost("/api/v1/complaints/{trackingCode}/new-query-password", SendNewQueryPasswordAsync)
            .WithTags("Complaints")
            .WithName("SendNewQueryPassword")
            .SpendsFrom(RateLimiting.AnonymousWrites)
            .WithSummary("Lost query password: send a new one to the phone or email given with consent")
            .WithDescription($"Always 202 with the same message, whether or not the code exists or has such a contact, so it reveals nothing. "
                + $"When it does, a new password replaces the old one and is sent on that channel; at most {SendNewQueryPassword.PerCasePerDay} a day per case.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        routes.MapPost("/api/v1/notifications/sms-replies/{token}", TakeSmsReplyAsync)
            .WithTags("Notifications")
            .WithName("TakeSmsReply")
            .WithSummary("Tencent Cloud SMS reply callback (回复短信回调): a 退订/TD reply stops SMS to that number")
            .WithDescription("For the provider, not for people: the address ends in FEEDBACK_SMS_REPLY_TOKEN (404 otherwise, and when SMS is off). "
                + "Body as Tencent Cloud sends it (mobile, nationcode, text, time, sign, extend). A stop request takes SMS out of every case's consent "
                + "for that number and cancels what waits; any other reply is only acknowledged.")
            .Accepts<TencentSmsReplies.Payload>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapPost("/api/v1/notifications/unsubscribe", UnsubscribeAsync)
            .WithTags("Notifications")
            .WithName("Unsubscribe")
            .SpendsFrom(RateLimiting.AnonymousWrites)
            .WithSummary("Stop email (the link at the foot of every email; no sign-in)")
            .WithDescription("The address stops receiving email about every case it was given for; messages still waiting for it are cancelled. 404 for a token that is not a message's.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        MapOutboxAdministration(routes);

        var mine = routes.MapGroup("/api/v1/me/notifications").WithTags("Staff")
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        mine.MapGet("/", (IMediator mediator, CancellationToken cancellationToken) => SendAsync(mediator, new StaffPreferences.Query(), cancellationToken))
            .WithName("GetMyNotificationSettings")
            .WithSummary("My email address for notifications, my digest hour, and which kinds I am told of");
        mine.MapPut("/", async (StaffPreferences.Command command, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(command, cancellationToken)))
            .WithName("SetMyNotificationSettings")
            .WithSummary("Change my notification settings")
            .WithDescription("Only kinds that concern one's role may be listed; a kind switched off cancels what waits of it. "
                + "Waiting digest messages move to the new hour.")
            .ProducesValidationProblem();
    }

    private static void MapOutboxAdministration(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/notifications").WithTags("Administration")
            .RequireAuthorization(AuthSetup.Administrators)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", (IMediator mediator, CancellationToken cancellationToken, string? state, string? channel, string? kind,
                DateOnly? from, DateOnly? to, string? before) =>
                SendAsync(mediator, new NotificationOutboxAdmin.Query(state, channel, kind, from, to, before), cancellationToken))
            .WithName("ListNotifications")
            .WithSummary("The outbox, newest first, 50 a page, by state, channel, kind and date")
            .WithDescription("Recipients are masked, messages carry no text, and a conduct case's tracking code is not shown.")
            .ProducesValidationProblem();

        group.MapGet("/figures", (IMediator mediator, CancellationToken cancellationToken) =>
                SendAsync(mediator, new NotificationOutboxAdmin.FiguresQuery(), cancellationToken))
            .WithName("GetNotificationFigures")
            .WithSummary("Delivery in the last 7 days per channel: sent, failed, waiting, cancelled, median and 90th-percentile delay");

        group.MapGet("/kinds", () => TypedResults.Ok(NotificationOutboxAdmin.KindNames()))
            .WithName("ListNotificationKinds")
            .WithSummary("Every kind of notification with its name, citizens' first (the list's kind filter)");

        group.MapGet("/{id:guid}", (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
                SendAsync(mediator, new NotificationOutboxAdmin.GetQuery(id), cancellationToken))
            .WithName("GetNotification")
            .WithSummary("One message with every attempt and its error")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:guid}/retry", async (Guid id, IMediator mediator, CancellationToken cancellationToken) =>
                TypedResults.Ok(await mediator.Send(new NotificationOutboxAdmin.RetryCommand(id), cancellationToken)))
            .WithName("RetryNotification")
            .WithSummary("Try a dead message again: a new series of attempts from now (409 for any other state)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Ok<T>> SendAsync<T>(IMediator mediator, IQuery<T> query, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(query, cancellationToken));

    /// <summary>The acknowledgement Tencent Cloud expects from a callback.</summary>
    public sealed record SmsReplyAcknowledgement(int Result, string Errmsg);

    private static async Task<Ok<SmsReplyAcknowledgement>> TakeSmsReplyAsync(
        string token, HttpRequest request, IServiceProvider services, IMediator mediator, CancellationToken cancellationToken)
    {
        if (services.GetService<SmsSettings>()?.ReplyToken is not { } expected
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected)))
            throw new ProblemException(StatusCodes.Status404NotFound, Lang.Pick("没有这个地址", "No such address"));
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        if (TencentSmsReplies.Parse(body) is not { } reply)
            throw new ProblemException(StatusCodes.Status400BadRequest, Lang.Pick("回复短信的内容无法识别", "Not a reply callback"));
        await mediator.Send(new TakeSmsReply.Command(reply), cancellationToken);
        return TypedResults.Ok(new SmsReplyAcknowledgement(0, "OK"));
    }

    private static async Task<Accepted<SendNewQueryPassword.Result>> SendNewQueryPasswordAsync(
        string trackingCode, SendNewQueryPassword.Request request, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Accepted((string?)null, await mediator.Send(new SendNewQueryPassword.Command(trackingCode, request.Channel), cancellationToken));

    private static async Task<Ok<Unsubscribe.Result>> UnsubscribeAsync(Unsubscribe.Request request, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new Unsubscribe.Command(request.Token), cancellationToken));
}

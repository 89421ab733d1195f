using System.Net.Http.Json;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration.Notifications;

/// <summary>
/// The outbox against providers that fail: down, slow, refusing, throttling, and coming back.
/// Every message ends sent or dead, and none is sent twice unless the provider took it and its
/// answer was lost (which the message's stable id makes recognisable).
/// </summary>
public sealed class DeliveryTests : NotificationTest
{
    private static Task<T> ValueAsync<T>(string column, string kind = "receipt", string channel = "sms") =>
        ScalarAsync<T>($"select {column} from notifications where kind = '{kind}' and channel = '{channel}'");

    /// <summary>Moves the clock past the longest backoff of the first hour, then dispatches.</summary>
    private static Task<Feedback.Api.Features.Notifications.NotificationDispatcher.Round> LaterAsync()
    {
        Clock.Advance(TimeSpan.FromSeconds(61));
        return DispatchAsync();
    }

    [Test]
    public async Task A_text_message_goes_out_with_the_kinds_template_its_parameters_and_the_messages_id()
    {
        using var english = Notifying.CreateHttpClient("en");
        var (code, _) = await SubmitAsync(Complaint(["sms"]));
        var (englishCode, _) = await SubmitAsync(Complaint(["sms"], phone: "13900139000"), english);
        await DispatchAsync();

        var arrivals = Sms.Arrivals;
        Assert.That(arrivals, Has.Count.EqualTo(2));
        var chinese = arrivals.Single(a => a.Phone == "+8613800138000");
        var id = await ScalarAsync<Guid>($"select id from notifications where payload ->> 'trackingCode' = '{code}'");
        Assert.Multiple(async () =>
        {
            Assert.That(chinese.TemplateId, Is.EqualTo(Templates["receipt"]));
            Assert.That(chinese.Parameters[0], Is.EqualTo(code));
            Assert.That(chinese.Parameters[1], Does.Match(@"^\d{1,2}月\d{1,2}日$"));
            Assert.That(chinese.Parameters[2], Is.EqualTo($"{PublicUrl}/#/track?code={code}"));
            Assert.That(chinese.SessionContext, Is.EqualTo(id.ToString()), "the outbox id travels as SessionContext");
            Assert.That(await ScalarAsync<string>($"select provider_id from notifications where id = '{id}'"), Is.EqualTo(chinese.SerialNo));
            var en = arrivals.Single(a => a.Phone == "+8613900139000");
            Assert.That(en.TemplateId, Is.EqualTo(Templates["receipt.en"]));
            Assert.That(en.Parameters[0], Is.EqualTo(englishCode));
        });
    }

    [Test]
    public async Task A_provider_that_is_down_then_throttles_then_errs_gets_each_message_once_when_it_comes_back()
    {
        await Sms.SetModeAsync(new TencentSmsStub.Mode.Down());
        await SubmitAsync(Complaint(["sms", "email"]));
        await Smtp.StopAsync();

        var first = await DispatchAsync();
        Assert.That(first.Failed, Is.EqualTo(2), "both providers unreachable");
        Assert.Multiple(async () =>
        {
            Assert.That(await ValueAsync<string>("state"), Is.EqualTo("pending"));
            Assert.That(await ValueAsync<string>("last_error"), Does.Not.Contain("13800138000"), "errors never carry the recipient");
            Assert.That(await ValueAsync<string>("last_error", channel: "email"), Is.Not.Empty);
            var wait = await ScalarAsync<double>("select extract(epoch from next_attempt_at - created_at)::float8 from notifications where channel = 'sms'");
            Assert.That(wait, Is.InRange(4.0, 30.0), "the first retry within seconds");
        });

        await Sms.SetModeAsync(new TencentSmsStub.Mode.Throttle());
        await Smtp.RestartAsync();
        Smtp.SetMode("451 4.3.0 Mailbox busy, try later");
        await LaterAsync();
        await Sms.SetModeAsync(new TencentSmsStub.Mode.Error("InternalError.Timeout", "Request timed out."));
        await LaterAsync();
        Assert.That(await ValueAsync<int>("attempts"), Is.EqualTo(3));
        Assert.That(await ValueAsync<string>("last_error"), Does.Contain("InternalError.Timeout"));
        Assert.That(await ScalarAsync<string>("select string_agg(outcome, ',' order by number) from notification_attempts a join notifications n on n.id = a.notification_id where n.channel = 'email'"),
            Is.EqualTo("retry,retry,retry"));

        await Sms.SetModeAsync(new TencentSmsStub.Mode.Ok());
        Smtp.SetMode("ok");
        var back = await LaterAsync();
        Assert.That(back.Sent, Is.EqualTo(2));
        await LaterAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(Sms.Arrivals, Has.Count.EqualTo(1), "sent once");
            Assert.That(Smtp.Messages(), Has.Count.EqualTo(1), "sent once");
            Assert.That(await ScalarAsync<long>("select count(*) from notifications where state = 'sent'"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_refused_recipient_is_given_up_at_once_and_others_keep_trying_until_their_attempts_run_out()
    {
        await Sms.SetModeAsync(new TencentSmsStub.Mode.NumberError("InvalidParameterValue.IncorrectPhoneNumber", "incorrect phone number"));
        Smtp.SetMode("550 5.1.1 No such user");
        await SubmitAsync(Complaint(["sms", "email"]));
        var round = await DispatchAsync();
        Assert.That(round.Dead, Is.EqualTo(2));
        Assert.Multiple(async () =>
        {
            Assert.That(await ValueAsync<string>("state"), Is.EqualTo("dead"));
            Assert.That(await ValueAsync<string>("last_error"), Does.Contain("IncorrectPhoneNumber"));
            Assert.That(await ValueAsync<string>("last_error", channel: "email"), Does.Contain("550"));
        });

        await TestEnvironment.ResetDataAsync();
        Smtp.SetMode("451 4.7.1 Greylisted");
        await SubmitAsync(Complaint(["email"]));
        for (var attempt = 1; attempt <= MaxAttempts; attempt++) await LaterAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await ValueAsync<string>("state", channel: "email"), Is.EqualTo("dead"), $"given up after {MaxAttempts} attempts");
            Assert.That(await ValueAsync<int>("attempts", channel: "email"), Is.EqualTo(MaxAttempts));
            Assert.That(await ScalarAsync<long>("select count(*) from notification_attempts"), Is.EqualTo(MaxAttempts));
        });
        await LaterAsync();
        Assert.That(await ValueAsync<int>("attempts", channel: "email"), Is.EqualTo(MaxAttempts), "a dead message is not tried again by itself");
    }

    [Test]
    public async Task A_slow_provider_is_timed_out_and_the_retry_is_recognisable_by_its_id_and_a_failing_provider_does_not_hold_up_the_other()
    {
        await Sms.SetModeAsync(new TencentSmsStub.Mode.Slow(TimeSpan.FromSeconds(5)));
        await SubmitAsync(Complaint(["sms", "email"]));
        await SubmitAsync(Complaint(["sms", "email"], phone: "13900139000", email: "zhao@example.cn"));

        var round = await DispatchAsync();
        Assert.Multiple(() =>
        {
            Assert.That(round.Sent, Is.EqualTo(2), "email went out while SMS timed out");
            Assert.That(round.Failed + round.Deferred, Is.EqualTo(2));
            Assert.That(round.Failed, Is.GreaterThanOrEqualTo(1), "the SMS provider was tried");
        });

        await Sms.SetModeAsync(new TencentSmsStub.Mode.Ok());
        await LaterAsync();
        var arrivals = Sms.Arrivals;
        var ids = (await ScalarAsync<string>("select string_agg(id::text, ',') from notifications where channel = 'sms'")).Split(',');
        Assert.Multiple(async () =>
        {
            Assert.That(arrivals.Select(a => a.SessionContext).Distinct(), Is.EquivalentTo(ids), "every message arrived");
            var timedOut = (await ScalarAsync<string>(
                "select coalesce(string_agg(distinct notification_id::text, ','), '') from notification_attempts where error like '%no answer%'"))
                .Split(',', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(arrivals.GroupBy(a => a.SessionContext).Where(g => g.Count() > 1).Select(g => g.Key), Is.SubsetOf(timedOut),
                "only a message whose answer was lost (the provider took it, then timed out) arrives again — with the same id");
            Assert.That(arrivals.GroupBy(a => a.SessionContext).Max(g => g.Count()), Is.LessThanOrEqualTo(2), "and once more at most");
            Assert.That(await ScalarAsync<long>("select count(*) from notifications where state = 'sent'"), Is.EqualTo(4));
        });
    }

    [Test]
    public async Task Dispatchers_running_at_once_send_each_message_exactly_once()
    {
        await ScalarAsync<int>(
            """
            with made as (
                insert into notifications (kind, channel, recipient, language, payload, created_at, next_attempt_at)
                select 'receipt', 'email', 'bulk' || n || '@example.cn', 'zh-CN',
                       jsonb_build_object('trackingCode', 'ABCDEFGHJKMN', 'acceptBy', '2026-12-10'), now(), now()
                from generate_series(1, 450) n
                returning 1)
            select count(*)::int from made
            """);
        var dispatcher = Notifying.Services.GetRequiredService<Feedback.Api.Features.Notifications.NotificationDispatcher>();
        var other = TestEnvironment.App.Services.GetRequiredService<Feedback.Api.Features.Notifications.NotificationDispatcher>();
        var rounds = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => dispatcher.DispatchDueAsync(CancellationToken.None)));
        Assert.That(rounds.Sum(r => r.Sent), Is.EqualTo(450), "three rounds at once claimed disjoint batches");
        Assert.That((await other.DispatchDueAsync(CancellationToken.None)).Claimed, Is.Zero, "nothing is left to claim");

        var messages = Smtp.Messages();
        Assert.Multiple(() =>
        {
            Assert.That(messages, Has.Count.EqualTo(450));
            Assert.That(messages.Select(m => m.MessageId).Distinct().Count(), Is.EqualTo(450));
        });
    }
}

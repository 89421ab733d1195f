using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Api.Features.FollowUp;
using Feedback.Api.Features.Reminders;
using Feedback.Api.Infrastructure.Time;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration;

/// <summary>
/// After the result: the citizen's evaluation (once, while resolved, within the window;
/// it closes the case), the automatic close after the window, and the review (复查) that reopens a
/// case — over real HTTP, as the citizen and the section see them.
/// </summary>
public sealed class FollowUpTests : IntegrationTest
{
    private static readonly object Satisfied = new { solved = "yes", satisfaction = "satisfied", comment = "处理及时，气味已消失，谢谢！" };

    private static DateOnly Today => App.Services.GetRequiredService<BureauClock>().Today;

    private static WorkingDayCalendar Calendar => App.Services.GetRequiredService<WorkingDayCalendar>();

    private sealed record Resolved(string Code, string Password, HttpClient Clerk) : IDisposable
    {
        public void Dispose() => Clerk.Dispose();
    }

    /// <summary>A complaint the enforcement brigade accepted and resolved.</summary>
    private async Task<Resolved> ResolvedCaseAsync()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, code, "accept");
        await ActOkAsync(clerk, code, "resolve", new { result = "经查，该厂废气处理设施未运行，已责令整改。" });
        return new Resolved(code, (string)submitted["queryPassword"]!, clerk);
    }

    private async Task<HttpResponseMessage> PostAsync(string code, string? password, string action, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{code}/{action}") { Content = JsonContent.Create(body) };
        if (password is not null) request.Headers.Add("X-Query-Password", password);
        return await Client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PostRawAsync(string code, string password, string action, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{code}/{action}")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Query-Password", password);
        return await Client.SendAsync(request);
    }

    private async Task<JsonObject> TrackedAsync(Resolved c)
    {
        using var response = await TrackAsync(c.Code, c.Password);
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        return await ReadJsonAsync(response);
    }

    /// <summary>Moves the result back in time by whole days, as if it had been given then.</summary>
    private static Task AgeResultAsync(string code, int days) =>
        ExecuteAsync($"update complaints set resolved_at = resolved_at - interval '{days} days' where tracking_code = '{code}'");

    private static async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static Task<long> EventsAsync(string code, string type) =>
        ScalarAsync($"select count(*) from complaint_events e join complaints c on c.id = e.complaint_id where c.tracking_code = '{code}' and e.type = '{type}'");

    private static Task<long> StatusCountAsync(string status) =>
        ScalarAsync($"select coalesce(sum(n), 0) from complaint_counts where status = '{status}'");

    // --- evaluation -------------------------------------------------------------------------------

    [Test]
    public async Task An_evaluation_closes_the_case_and_the_citizen_and_staff_see_it()
    {
        using var c = await ResolvedCaseAsync();
        var (before, etagBefore) = await GetCaseAsync(c.Clerk, c.Code);

        using var response = await PostAsync(c.Code, c.Password, "evaluation", Satisfied);
        var body = await ReadJsonAsync(response);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body.ToJsonString());
        Assert.That((string)body["status"]!, Is.EqualTo("closed"));

        var tracked = await TrackedAsync(c);
        var followUp = tracked["followUp"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string)tracked["status"]!, Is.EqualTo("closed"));
            Assert.That((string)followUp["evaluation"]!["solved"]!, Is.EqualTo("yes"));
            Assert.That((string)followUp["evaluation"]!["satisfaction"]!, Is.EqualTo("satisfied"));
            Assert.That((string)followUp["evaluation"]!["comment"]!, Is.EqualTo("处理及时，气味已消失，谢谢！"));
            Assert.That((bool)followUp["canEvaluate"]!, Is.False);
            Assert.That((bool)followUp["canReview"]!, Is.True, "a review stays possible after an evaluation");
            Assert.That(followUp["closedAt"], Is.Not.Null);
            var timeline = tracked["timeline"]!.AsArray();
            Assert.That(timeline.Select(e => (string)e!["type"]!).TakeLast(2), Is.EqualTo(new[] { "evaluated", "closed" }));
            Assert.That((string)timeline[^2]!["message"]!, Does.Contain("已解决").And.Contain("满意").And.Contain("气味已消失"));
        });

        var (after, etagAfter) = await GetCaseAsync(c.Clerk, c.Code);
        Assert.Multiple(() =>
        {
            Assert.That((string)after["status"]!, Is.EqualTo("closed"));
            Assert.That((string)after["evaluation"]!["satisfaction"]!, Is.EqualTo("satisfied"));
            Assert.That((string)after["evaluation"]!["comment"]!, Is.EqualTo("处理及时，气味已消失，谢谢！"));
            Assert.That(after["evaluation"]!["at"], Is.Not.Null);
            Assert.That(after["closedAt"], Is.Not.Null);
            Assert.That(after["review"], Is.Null);
            Assert.That(etagAfter, Is.Not.EqualTo(etagBefore), "staff holding the old version get a 412");
            Assert.That((int)after["version"]!, Is.GreaterThan((int)before["version"]!));
            var evaluated = after["timeline"]!.AsArray().Single(e => (string)e!["type"]! == "evaluated")!;
            Assert.That((string)evaluated["actorKind"]!, Is.EqualTo("citizen"));
            Assert.That((string)evaluated["visibility"]!, Is.EqualTo("public"));
            Assert.That((string)evaluated["data"]!["satisfaction"]!, Is.EqualTo("satisfied"));
        });
        Assert.Multiple(async () =>
        {
            Assert.That(await StatusCountAsync("closed"), Is.EqualTo(1), "the counters follow the status");
            Assert.That(await StatusCountAsync("resolved"), Is.Zero);
        });
    }

    [Test]
    public async Task A_case_is_evaluated_once()
    {
        using var c = await ResolvedCaseAsync();
        using (var first = await PostAsync(c.Code, c.Password, "evaluation", Satisfied))
            Assert.That((int)first.StatusCode, Is.EqualTo(200));
        using var second = await PostAsync(c.Code, c.Password, "evaluation", new { solved = "no", satisfaction = "dissatisfied" });
        Assert.That((string)(await AssertProblemAsync(second, 409))["title"]!, Does.Contain("已评价"));
        Assert.Multiple(async () =>
        {
            Assert.That(await EventsAsync(c.Code, "evaluated"), Is.EqualTo(1));
            Assert.That(await ScalarAsync($"select count(*) from complaints where evaluation_satisfaction = 'satisfied'"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_case_not_resolved_yet_cannot_be_evaluated()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        using var response = await PostAsync(code, (string)submitted["queryPassword"]!, "evaluation", Satisfied);
        Assert.That((string)(await AssertProblemAsync(response, 409))["title"]!, Does.Contain("尚未办结"));
        Assert.That(await ScalarAsync("select count(*) from complaints where evaluated_at is not null or status <> 'submitted'"), Is.Zero);
    }

    [Test]
    public async Task The_evaluation_window_ends_15_calendar_days_after_the_result()
    {
        using var onTime = await ResolvedCaseAsync();
        await AgeResultAsync(onTime.Code, 15);
        using (var lastDay = await PostAsync(onTime.Code, onTime.Password, "evaluation", Satisfied))
            Assert.That((int)lastDay.StatusCode, Is.EqualTo(200), "the 15th day still counts");

        using var late = await ResolvedCaseAsync();
        await AgeResultAsync(late.Code, 16);
        using var response = await PostAsync(late.Code, late.Password, "evaluation", Satisfied);
        Assert.That((string)(await AssertProblemAsync(response, 409))["title"]!, Does.Contain("评价期已过"));
        Assert.That(await EventsAsync(late.Code, "evaluated"), Is.Zero);
    }

    [Test]
    public async Task A_wrong_or_missing_password_or_an_unknown_code_is_404_and_stores_nothing()
    {
        using var c = await ResolvedCaseAsync();
        using var wrong = await PostAsync(c.Code, "WRONGPASS234", "evaluation", Satisfied);
        using var missing = await PostAsync(c.Code, null, "evaluation", Satisfied);
        using var unknown = await PostAsync("ABCDEFGHJK23", c.Password, "evaluation", Satisfied);
        using var review = await PostAsync(c.Code, "WRONGPASS234", "review", new { reason = "没有解决" });
        var titles = new List<string>();
        foreach (var response in new[] { wrong, missing, unknown, review })
            titles.Add((string)(await AssertProblemAsync(response, 404))["title"]!);
        Assert.That(titles.Distinct().Count(), Is.EqualTo(1), "the same answer whatever was wrong");
        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync("select count(*) from complaints where status = 'resolved' and evaluated_at is null and review_requested_at is null"),
                Is.EqualTo(1));
            Assert.That(await EventsAsync(c.Code, "evaluated") + await EventsAsync(c.Code, "review_requested"), Is.Zero);
        });
    }

    [TestCase("""{"satisfaction": "satisfied"}""", "solved")]
    [TestCase("""{"solved": "yes"}""", "satisfaction")]
    [TestCase("""{"solved": "maybe", "satisfaction": "satisfied"}""", "solved")]
    [TestCase("""{"solved": 7, "satisfaction": "satisfied"}""", "solved")]
    [TestCase("""{"solved": null, "satisfaction": "satisfied"}""", "solved")]
    [TestCase("""{"solved": "yes", "satisfaction": "happy"}""", "satisfaction")]
    [TestCase("""{"solved": "yes", "satisfaction": "satisfied", "comment": "好\u0007"}""", "comment")]
    [TestCase("""{"solved": "yes", "satisfaction": "satisfied", "comment": 5}""", "comment")]
    public async Task Bad_input_names_the_field_and_stores_nothing(string json, string field)
    {
        using var c = await ResolvedCaseAsync();
        using var response = await PostRawAsync(c.Code, c.Password, "evaluation", json);
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Does.Contain(field), problem.ToJsonString());
        Assert.That(await ScalarAsync("select count(*) from complaints where status = 'resolved' and evaluated_at is null"), Is.EqualTo(1));
        Assert.That(await EventsAsync(c.Code, "evaluated"), Is.Zero);
    }

    [Test]
    public async Task A_comment_longer_than_500_characters_is_refused()
    {
        using var c = await ResolvedCaseAsync();
        using var response = await PostAsync(c.Code, c.Password, "evaluation",
            new { solved = "partly", satisfaction = "basically_satisfied", comment = new string('好', 501) });
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!["comment"], Is.Not.Null);
        Assert.That(await EventsAsync(c.Code, "evaluated"), Is.Zero);

        using var fits = await PostAsync(c.Code, c.Password, "evaluation",
            new { solved = "partly", satisfaction = "basically_satisfied", comment = new string('好', 500) });
        Assert.That((int)fits.StatusCode, Is.EqualTo(200));
        Assert.That(await ScalarAsync("select count(*) from complaints where evaluation_satisfaction = 'basically_satisfied' and evaluation_solved = 'partly'"),
            Is.EqualTo(1));
    }

    [Test]
    public async Task Of_evaluations_sent_at_once_exactly_one_succeeds()
    {
        using var c = await ResolvedCaseAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(c.Code, c.Password, "evaluation", Satisfied)));
        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        foreach (var r in responses) r.Dispose();
        Assert.Multiple(async () =>
        {
            Assert.That(statuses.Count(s => s == 200), Is.EqualTo(1), string.Join(",", statuses));
            Assert.That(statuses.Count(s => s == 409), Is.EqualTo(5), string.Join(",", statuses));
            Assert.That(await EventsAsync(c.Code, "evaluated"), Is.EqualTo(1));
            Assert.That(await EventsAsync(c.Code, "closed"), Is.EqualTo(1));
        });
    }

    // --- automatic close ----------------------------------------------------------------------------

    [Test]
    public async Task Resolved_cases_past_the_window_close_by_themselves_once()
    {
        using var stale = await ResolvedCaseAsync();
        using var fresh = await ResolvedCaseAsync();
        using var lastDay = await ResolvedCaseAsync();
        await AgeResultAsync(stale.Code, 16);
        await AgeResultAsync(lastDay.Code, 15);
        var open = await SubmitAsync();
        await ExecuteAsync($"update complaints set submitted_at = submitted_at - interval '40 days' where tracking_code = '{(string)open["trackingCode"]!}'");

        var autoClose = App.Services.GetRequiredService<AutoClose>();
        // Several API instances at once still close each case once.
        var closed = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => autoClose.CloseDueAsync(CancellationToken.None)));
        Assert.That(closed.Sum(), Is.EqualTo(1));
        Assert.That(await autoClose.CloseDueAsync(CancellationToken.None), Is.Zero, "a later round closes nothing");

        var (closedCase, _) = await GetCaseAsync(stale.Clerk, stale.Code);
        var tracked = await TrackedAsync(stale);
        Assert.Multiple(async () =>
        {
            Assert.That((string)closedCase["status"]!, Is.EqualTo("closed"));
            Assert.That(closedCase["evaluation"], Is.Null);
            Assert.That(closedCase["closedAt"], Is.Not.Null);
            var close = closedCase["timeline"]!.AsArray().Single(e => (string)e!["type"]! == "closed")!;
            Assert.That((string)close["actorKind"]!, Is.EqualTo("system"));
            Assert.That((string)close["visibility"]!, Is.EqualTo("public"));
            Assert.That((string)close["data"]!["reason"]!, Is.EqualTo("evaluation_window_passed"));
            Assert.That((string)tracked["timeline"]!.AsArray()[^1]!["message"]!, Does.Contain("自动关闭"));
            Assert.That((bool)tracked["followUp"]!["canReview"]!, Is.True, "16 days: still time for a review");
            Assert.That(await ScalarAsync("select count(*) from complaints where status = 'resolved'"), Is.EqualTo(2));
            Assert.That(await StatusCountAsync("closed"), Is.EqualTo(1));
        });

        using var tooLate = await PostAsync(stale.Code, stale.Password, "evaluation", Satisfied);
        Assert.That((string)(await AssertProblemAsync(tooLate, 409))["title"]!, Does.Contain("评价期已过"));
    }

    // --- review -------------------------------------------------------------------------------------

    [Test]
    public async Task A_review_reopens_a_resolved_case_with_a_fresh_deadline_and_staff_resolve_it_again()
    {
        using var c = await ResolvedCaseAsync();
        await ExecuteAsync($"update complaints set resolve_by = current_date - 20, due_on = current_date - 20, reminded_for = current_date - 20 where tracking_code = '{c.Code}'");

        using var response = await PostAsync(c.Code, c.Password, "review", new { reason = "气味仍然存在，夜里更明显。" });
        var body = await ReadJsonAsync(response);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body.ToJsonString());
        var resolveBy = Calendar.AddWorkingDays(Today, 15);
        Assert.Multiple(() =>
        {
            Assert.That((string)body["status"]!, Is.EqualTo("in_progress"));
            Assert.That(DateOnly.Parse((string)body["resolveBy"]!), Is.EqualTo(resolveBy), "the category's 15 working days from today");
        });

        var (reopened, _) = await GetCaseAsync(c.Clerk, c.Code);
        Assert.Multiple(() =>
        {
            Assert.That((string)reopened["status"]!, Is.EqualTo("in_progress"));
            Assert.That((string)reopened["review"]!["reason"]!, Is.EqualTo("气味仍然存在，夜里更明显。"));
            Assert.That(DateOnly.Parse((string)reopened["resolveBy"]!), Is.EqualTo(resolveBy));
            Assert.That(DateOnly.Parse((string)reopened["dueOn"]!), Is.EqualTo(resolveBy));
            Assert.That((bool)reopened["deadline"]!["overdue"]!, Is.False);
            Assert.That(reopened["availableActions"]!.AsArray().Select(a => (string)a!), Does.Contain("resolve"));
            Assert.That(reopened["closedAt"], Is.Null);
        });
        using (var queue = await c.Clerk.GetAsync("/api/v1/staff/complaints"))
        {
            var row = (await ReadJsonAsync(queue))["items"]!.AsArray().Single()!;
            Assert.That((bool)row["review"]!, Is.True, "the queue flags the review");
        }

        var tracked = await TrackedAsync(c);
        Assert.Multiple(() =>
        {
            Assert.That((string)tracked["status"]!, Is.EqualTo("in_progress"));
            Assert.That(DateOnly.Parse((string)tracked["resolveBy"]!), Is.EqualTo(resolveBy));
            Assert.That(tracked["followUp"]!["reviewRequestedAt"], Is.Not.Null);
            Assert.That((bool)tracked["followUp"]!["canReview"]!, Is.False);
            Assert.That((bool)tracked["followUp"]!["canEvaluate"]!, Is.False);
            Assert.That((string)tracked["timeline"]!.AsArray()[^1]!["message"]!, Does.Contain("复查").And.Contain("夜里更明显"));
        });

        // The reminder bookkeeping starts again: once overdue, the review gets its own 督办.
        await ExecuteAsync($"update complaints set due_on = current_date - 3 where tracking_code = '{c.Code}'");
        Assert.That(await App.Services.GetRequiredService<OverdueReminders>().RecordDueAsync(CancellationToken.None), Is.EqualTo(1));
        await ExecuteAsync($"update complaints set due_on = resolve_by where tracking_code = '{c.Code}'");

        using (var again = await PostAsync(c.Code, c.Password, "review", new { reason = "再次申请" }))
            Assert.That((string)(await AssertProblemAsync(again, 409))["title"]!, Does.Contain("已申请过复查"));

        var resolvedAgain = await ActOkAsync(c.Clerk, c.Code, "resolve", new { result = "复查：已对该厂夜间排放进行突击检查并处罚。" });
        Assert.That((string)resolvedAgain["status"]!, Is.EqualTo("resolved"));
        // Not evaluated before the review: the final result may be evaluated now.
        using (var evaluated = await PostAsync(c.Code, c.Password, "evaluation", Satisfied))
            Assert.That((int)evaluated.StatusCode, Is.EqualTo(200));
        using (var third = await PostAsync(c.Code, c.Password, "review", new { reason = "再次申请" }))
            Assert.That((int)third.StatusCode, Is.EqualTo(409), "a review is asked for once per case");
        Assert.That(await EventsAsync(c.Code, "review_requested"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_closed_evaluated_case_can_be_reviewed_keeps_its_evaluation_and_closes_again_after_the_next_window()
    {
        using var c = await ResolvedCaseAsync();
        using (var evaluated = await PostAsync(c.Code, c.Password, "evaluation", new { solved = "no", satisfaction = "dissatisfied" }))
            Assert.That((int)evaluated.StatusCode, Is.EqualTo(200));

        using (var review = await PostAsync(c.Code, c.Password, "review", new { reason = "问题没有解决。" }))
            Assert.That((int)review.StatusCode, Is.EqualTo(200));
        var (reopened, _) = await GetCaseAsync(c.Clerk, c.Code);
        Assert.Multiple(() =>
        {
            Assert.That((string)reopened["status"]!, Is.EqualTo("in_progress"));
            Assert.That((string)reopened["evaluation"]!["satisfaction"]!, Is.EqualTo("dissatisfied"), "the evaluation stays");
            Assert.That(reopened["review"], Is.Not.Null);
        });

        await ActOkAsync(c.Clerk, c.Code, "resolve", new { result = "复查后已整改到位。" });
        var tracked = await TrackedAsync(c);
        Assert.Multiple(() =>
        {
            Assert.That((bool)tracked["followUp"]!["canEvaluate"]!, Is.False, "no second evaluation");
            Assert.That((bool)tracked["followUp"]!["canReview"]!, Is.False, "no second review");
            Assert.That(DateOnly.Parse((string)tracked["followUp"]!["evaluateBy"]!), Is.EqualTo(Today.AddDays(15)), "the next window runs from the new result");
        });
        using (var second = await PostAsync(c.Code, c.Password, "evaluation", Satisfied))
            Assert.That((string)(await AssertProblemAsync(second, 409))["title"]!, Does.Contain("已评价"));

        var autoClose = App.Services.GetRequiredService<AutoClose>();
        Assert.That(await autoClose.CloseDueAsync(CancellationToken.None), Is.Zero, "not before the window passes");
        await AgeResultAsync(c.Code, 16);
        Assert.That(await autoClose.CloseDueAsync(CancellationToken.None), Is.EqualTo(1));
        var (closed, _) = await GetCaseAsync(c.Clerk, c.Code);
        Assert.That((string)closed["status"]!, Is.EqualTo("closed"));
    }

    [Test]
    public async Task A_review_is_refused_30_days_after_the_result_and_before_any_result()
    {
        using var onTime = await ResolvedCaseAsync();
        await AgeResultAsync(onTime.Code, 30);
        using (var lastDay = await PostAsync(onTime.Code, onTime.Password, "review", new { reason = "问题依旧" }))
            Assert.That((int)lastDay.StatusCode, Is.EqualTo(200), "the 30th day still counts");

        using var late = await ResolvedCaseAsync();
        await AgeResultAsync(late.Code, 31);
        await App.Services.GetRequiredService<AutoClose>().CloseDueAsync(CancellationToken.None);
        using (var response = await PostAsync(late.Code, late.Password, "review", new { reason = "问题依旧" }))
            Assert.That((string)(await AssertProblemAsync(response, 409))["title"]!, Does.Contain("复查申请期已过"));
        Assert.That(await EventsAsync(late.Code, "review_requested"), Is.Zero);

        var open = await SubmitAsync();
        using var early = await PostAsync((string)open["trackingCode"]!, (string)open["queryPassword"]!, "review", new { reason = "问题依旧" });
        Assert.That((string)(await AssertProblemAsync(early, 409))["title"]!, Does.Contain("尚未办结"));
    }

    [TestCase("""{}""")]
    [TestCase("""{"reason": "   "}""")]
    [TestCase("""{"reason": "\u202Egnp.exe"}""")]
    public async Task A_review_needs_a_reason(string json)
    {
        using var c = await ResolvedCaseAsync();
        using var response = await PostRawAsync(c.Code, c.Password, "review", json);
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!["reason"], Is.Not.Null, problem.ToJsonString());
        Assert.That(await ScalarAsync("select count(*) from complaints where status = 'resolved' and review_requested_at is null"), Is.EqualTo(1));

        using var tooLong = await PostAsync(c.Code, c.Password, "review", new { reason = new string('长', 1001) });
        Assert.That((await AssertProblemAsync(tooLong, 400))["errors"]!["reason"], Is.Not.Null);
        Assert.That(await EventsAsync(c.Code, "review_requested"), Is.Zero);
    }

    // --- tracking -----------------------------------------------------------------------------------

    [Test]
    public async Task The_tracking_page_gets_the_deadlines_and_what_the_citizen_may_do()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        using (var early = await TrackAsync(code, (string)submitted["queryPassword"]!))
        {
            var body = await ReadJsonAsync(early);
            Assert.Multiple(() =>
            {
                Assert.That(body["resolveBy"], Is.Null);
                Assert.That(body["followUp"]!["evaluateBy"], Is.Null);
                Assert.That((bool)body["followUp"]!["canEvaluate"]!, Is.False);
                Assert.That((bool)body["followUp"]!["canReview"]!, Is.False);
            });
        }

        using var c = await ResolvedCaseAsync();
        var tracked = await TrackedAsync(c);
        var followUp = tracked["followUp"]!;
        Assert.Multiple(() =>
        {
            Assert.That(DateOnly.Parse((string)tracked["resolveBy"]!), Is.EqualTo(Calendar.AddWorkingDays(Today, 15)));
            Assert.That(followUp["resolvedAt"], Is.Not.Null);
            Assert.That(DateOnly.Parse((string)followUp["evaluateBy"]!), Is.EqualTo(Today.AddDays(15)));
            Assert.That(DateOnly.Parse((string)followUp["reviewBy"]!), Is.EqualTo(Today.AddDays(30)));
            Assert.That((bool)followUp["canEvaluate"]!, Is.True);
            Assert.That((bool)followUp["canReview"]!, Is.True);
            Assert.That(followUp["evaluation"], Is.Null);
            Assert.That(followUp["reviewRequestedAt"], Is.Null);
        });
    }
}

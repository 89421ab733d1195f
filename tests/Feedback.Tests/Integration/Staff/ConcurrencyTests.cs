using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using static Feedback.Tests.Integration.Staff.StaffSecurity;

namespace Feedback.Tests.Integration.Staff;

/// <summary>
/// Two clerks of one section acting on one case at the same moment, over real concurrent HTTP
/// requests: exactly one wins, the other gets 412 and can retry on the new version, and the
/// timeline holds exactly the winner's event. Also: If-Match is required (428) and must be the
/// current version (412).
/// </summary>
public sealed class ConcurrencyTests : IntegrationTest
{
    private const int Rounds = 20;

    /// <summary>pollution.staff and a second clerk of the pollution section (vehicle exhaust goes there).</summary>
    private static HttpClient _first = null!, _second = null!;
    private static long _firstId, _secondId;

    [OneTimeSetUp]
    public async Task SignInTwoClerksAsync()
    {
        var colleague = await CreateAccountAsync("clerk", "staff", "pollution");
        _first = await StaffLogin.ClientAsync("pollution.staff", TestEnvironment.App);
        _second = Bearer((string)(await SignInAsync(colleague.Username, colleague.Password))["accessToken"]!);
        _firstId = await UserIdAsync("pollution.staff");
        _secondId = colleague.Id;
    }

    [OneTimeTearDown]
    public void SignOut()
    {
        _first?.Dispose();
        _second?.Dispose();
    }

    private async Task<string> FileAsync()
    {
        var filed = await SubmitAsync(new { categoryCode = "air.vehicle", description = "渣土车冒黑烟，每天早上经过小区门口" });
        Assert.That((string?)filed["sectionCode"], Is.EqualTo("pollution"));
        return (string)filed["trackingCode"]!;
    }

    private static readonly Dictionary<string, (string Event, object Body)> Actions = new()
    {
        ["accept"] = ("accepted", new { }),
        ["reject"] = ("rejected", new { ground = "not_environmental", reason = "不属于本局职责", referral = "请向交警部门反映" }),
        ["resolve"] = ("resolved", new { result = "已联系运输公司整改" }),
        ["replies"] = ("reply", new { text = "已转告执法人员" }),
        ["notes"] = ("note", new { text = "内部备注：车牌待核实" }),
    };

    private static HttpRequestMessage Request(string code, string action, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{code}/{action}")
        {
            Content = JsonContent.Create(Actions[action].Body),
        };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    private static IEnumerable<string> EventTypes(JsonObject staffCase) =>
        staffCase["timeline"]!.AsArray().Select(e => (string)e!["type"]!);

    [TestCase("resolve", "resolve", true, TestName = "Two clerks resolve one case at once: one 200, one 412, one resolution")]
    [TestCase("resolve", "replies", true, TestName = "One clerk resolves while the other replies: one 200, one 412, one of the events")]
    [TestCase("accept", "reject", false, TestName = "One clerk accepts while the other rejects: one 200, one 412, one decision")]
    [TestCase("notes", "notes", true, TestName = "Two clerks add a note at once: one 200, one 412, and the retry on the new version keeps both")]
    public async Task Exactly_one_of_two_simultaneous_actions_wins(string firstAction, string secondAction, bool acceptFirst)
    {
        for (var round = 0; round < Rounds; round++)
        {
            var code = await FileAsync();
            if (acceptFirst) await ActOkAsync(_first, code, "accept");
            var (before, etag) = await GetCaseAsync(_first, code);
            await GetCaseAsync(_second, code); // both connections open: the two actions leave together
            var version = (int)before["version"]!;
            var eventsBefore = EventTypes(before).ToList();

            using var firstRequest = Request(code, firstAction, etag);
            using var secondRequest = Request(code, secondAction, etag);
            var answers = await Task.WhenAll(_first.SendAsync(firstRequest), _second.SendAsync(secondRequest));
            try
            {
                var statuses = answers.Select(a => (int)a.StatusCode).ToArray();
                Assert.That(statuses.Order(), Is.EqualTo(new[] { 200, 412 }), $"round {round}: {string.Join(", ", statuses)}");
                var winner = statuses[0] == 200 ? 0 : 1;
                var (winnerAction, winnerId) = winner == 0 ? (firstAction, _firstId) : (secondAction, _secondId);
                var loserAction = winner == 0 ? secondAction : firstAction;
                await AssertProblemAsync(answers[1 - winner], 412);
                Assert.That(answers[winner].Headers.ETag?.Tag, Is.EqualTo($"\"{version + 1}\""), "the winner learns the new version");

                var (after, _) = await GetCaseAsync(_first, code);
                var added = EventTypes(after).Skip(eventsBefore.Count).ToList();
                var actor = (long)after["timeline"]!.AsArray().Last()!["actor"]!["id"]!;
                Assert.Multiple(() =>
                {
                    Assert.That((int)after["version"]!, Is.EqualTo(version + 1), "one change, not two");
                    Assert.That(added, Is.EqualTo(new[] { Actions[winnerAction].Event }), $"round {round}: only the winner's event");
                    Assert.That(actor, Is.EqualTo(winnerId), "made by the winner");
                });

                if (firstAction == "notes")
                {
                    // Nothing is lost: the loser reloads and tries again.
                    using var retry = Request(code, loserAction, (await GetCaseAsync(_first, code)).ETag);
                    using var retried = await (winner == 0 ? _second : _first).SendAsync(retry);
                    Assert.That((int)retried.StatusCode, Is.EqualTo(200));
                    var (final, _) = await GetCaseAsync(_first, code);
                    Assert.That(EventTypes(final).Count(t => t == "note"), Is.EqualTo(2));
                }
            }
            finally
            {
                foreach (var answer in answers) answer.Dispose();
            }
        }

        string Audited(string action) => "complaint." + action switch { "replies" => "reply", "notes" => "note", _ => action };
        var changes = await AuditAsync("outcome = 'succeeded' and action = any(@actions)",
            new { actions = new[] { Audited(firstAction), Audited(secondAction) } });
        Assert.That(changes, Has.Count.EqualTo(firstAction == "notes" ? 2 * Rounds : Rounds),
            "one audit entry per change that happened, none for the refused ones");
    }

    [Test]
    public async Task An_action_without_If_Match_is_428_and_changes_nothing()
    {
        var code = await FileAsync();
        var (before, _) = await GetCaseAsync(_first, code);
        using var request = Request(code, "accept", ifMatch: null);
        using var response = await _first.SendAsync(request);
        await AssertProblemAsync(response, 428);
        var (after, _) = await GetCaseAsync(_first, code);
        Assert.That(after.ToJsonString(), Is.EqualTo(before.ToJsonString()));
    }

    [TestCase("\"1\"", TestName = "A stale ETag is 412")]
    [TestCase("\"99\"", TestName = "A version from the future is 412")]
    [TestCase("2", TestName = "An unquoted version is 412")]
    [TestCase("\"abc\"", TestName = "A non-numeric ETag is 412")]
    [TestCase("\"\"", TestName = "An empty ETag is 412")]
    [TestCase("\"-2\"", TestName = "A negative version is 412")]
    [TestCase("garbage", TestName = "A malformed If-Match is 412")]
    public async Task An_action_on_anything_but_the_current_version_is_412_and_changes_nothing(string ifMatch)
    {
        var code = await FileAsync();
        await ActOkAsync(_first, code, "accept");
        var (before, etag) = await GetCaseAsync(_first, code);
        Assert.That(etag, Is.EqualTo("\"2\""), "submitted is version 1, accepted version 2");

        using var request = Request(code, "resolve", ifMatch);
        using var response = await _first.SendAsync(request);
        await AssertProblemAsync(response, 412);
        var (after, _) = await GetCaseAsync(_first, code);
        Assert.That(after.ToJsonString(), Is.EqualTo(before.ToJsonString()));
    }
}

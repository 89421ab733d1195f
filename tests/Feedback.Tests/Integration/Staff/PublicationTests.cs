using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using Npgsql;
using static Feedback.Tests.Integration.Staff.StaffSecurity;

namespace Feedback.Tests.Integration.Staff;

/// <summary>
/// Publishing resolved cases: a member of the handling section proposes a summary and a
/// result, a second person (the section head or a leader, never the author) approves, and only then
/// is it listed at GET /api/v1/public/cases — which shows nothing but that text and public facts.
/// </summary>
public sealed class PublicationTests : IntegrationTest
{
    private const string Summary = "群众反映城东一化工厂夜间排放刺鼻废气。";
    private const string Result = "经现场检查，该厂废气处理设施未正常运行，已责令整改并立案处罚，复查时异味已消除。";

    private static string PublicationPath(string code) => $"/api/v1/staff/complaints/{code}/publication";

    /// <summary>An air case of the enforcement brigade, accepted and resolved by its clerk.</summary>
    private async Task<string> ResolvedCaseAsync(object? complaint = null)
    {
        var code = (string)(await SubmitAsync(complaint))["trackingCode"]!;
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, code, "accept");
        await ActOkAsync(clerk, code, "resolve", new { result = "经查属实，已责令整改。联系人王女士 13800138000。" });
        return code;
    }

    private static async Task<(JsonObject Publication, string ETag)> GetPublicationAsync(HttpClient staff, string code)
    {
        using var response = await staff.GetAsync(PublicationPath(code));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return (JsonNode.Parse(body)!.AsObject(), response.Headers.ETag!.ToString());
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient staff, string code, string suffix, object body, string? etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, PublicationPath(code) + suffix) { Content = JsonContent.Create(body) };
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await staff.SendAsync(request);
    }

    /// <summary>Sends a publication action on the current version and asserts it succeeded.</summary>
    private static async Task<JsonObject> PublicationOkAsync(string username, string code, string suffix, object body)
    {
        using var staff = await StaffAsync(username);
        var (_, etag) = await GetPublicationAsync(staff, code);
        using var response = await PostAsync(staff, code, suffix, body, etag);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{username} {suffix}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static Task<JsonObject> ProposeAsync(string code, string username = "enforcement.staff", string summary = Summary, string result = Result) =>
        PublicationOkAsync(username, code, "", new { summary, result });

    private static Task<JsonObject> ApproveAsync(string code, string username = "enforcement") =>
        PublicationOkAsync(username, code, "/decision", new { approve = true });

    private async Task<(JsonArray Items, string? Next, HttpResponseMessage Response, string Raw)> ListAsync(string query = "", string language = "zh-CN")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/public/cases" + query);
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        var response = await Client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), raw);
        var body = JsonNode.Parse(raw)!.AsObject();
        return (body["items"]!.AsArray(), (string?)body["nextCursor"], response, raw);
    }

    private static async Task<List<string>> PublicationEventsAsync(string code, string username = "enforcement")
    {
        using var staff = await StaffAsync(username);
        var (detail, _) = await GetCaseAsync(staff, code);
        return detail["timeline"]!.AsArray()
            .Where(e => ((string)e!["type"]!).StartsWith("publication_"))
            .Select(e => $"{(string)e!["type"]!}:{(string)e["visibility"]!}")
            .ToList();
    }

    [Test]
    public async Task Proposed_then_approved_is_listed_and_withdrawn_is_gone_every_step_recorded()
    {
        var code = await ResolvedCaseAsync();
        using var head = await StaffAsync("enforcement");
        Assert.That((string)(await GetPublicationAsync(head, code)).Publication["status"]!, Is.EqualTo("none"));

        var proposed = await ProposeAsync(code);
        Assert.That((string)proposed["status"]!, Is.EqualTo("proposed"));
        Assert.That((await ListAsync()).Items, Is.Empty, "a proposal is not public");

        var (publication, _) = await GetPublicationAsync(head, code);
        Assert.Multiple(() =>
        {
            Assert.That((string)publication["summary"]!, Is.EqualTo(Summary));
            Assert.That((string)publication["proposedBy"]!["name"]!, Is.Not.Empty);
            Assert.That(publication["availableActions"]!.AsArray().Select(a => (string)a!), Does.Contain("decide"));
        });

        var approved = await ApproveAsync(code);
        Assert.That((string)approved["status"]!, Is.EqualTo("published"));
        var (items, next, _, _) = await ListAsync();
        Assert.Multiple(() =>
        {
            Assert.That(items, Has.Count.EqualTo(1));
            Assert.That((string)items[0]!["summary"]!, Is.EqualTo(Summary));
            Assert.That((string)items[0]!["result"]!, Is.EqualTo(Result));
            Assert.That((string)items[0]!["categoryCode"]!, Is.EqualTo("air.odor"));
            Assert.That((string)items[0]!["township"]!, Is.EqualTo("剡湖街道"));
            Assert.That((string)items[0]!["resolvedMonth"]!, Does.Match(@"^\d{4}-\d{2}$"));
            Assert.That(next, Is.Null);
        });

        var withdrawn = await PublicationOkAsync("enforcement.staff", code, "/withdraw", new { reason = "摘要有误，修改后再发" });
        Assert.That((string)withdrawn["status"]!, Is.EqualTo("withdrawn"));
        Assert.That((await ListAsync()).Items, Is.Empty, "withdrawn: no longer public");

        Assert.That(await PublicationEventsAsync(code), Is.EqualTo(new[]
        {
            "publication_proposed:internal", "publication_approved:internal", "publication_withdrawn:internal",
        }));
        var audit = await AuditAsync("target_id = @code and action like 'publication.%' and outcome = 'succeeded'", new { code });
        Assert.That(audit.Select(a => $"{a.Action} {a.ActorUsername}"), Is.EqualTo(new[]
        {
            "publication.propose enforcement.staff", "publication.decide enforcement", "publication.withdraw enforcement.staff",
        }));

        // The citizen's timeline never shows any of it.
        Assert.That(await CountAsync("complaint_events where type like 'publication_%' and visibility = 'public'"), Is.Zero);
    }

    [Test]
    public async Task A_refused_proposal_is_not_listed_and_the_refusal_needs_a_reason()
    {
        var code = await ResolvedCaseAsync();
        await ProposeAsync(code);
        using var head = await StaffAsync("enforcement");
        var (_, etag) = await GetPublicationAsync(head, code);
        using (var noReason = await PostAsync(head, code, "/decision", new { approve = false }, etag))
            Assert.That((await AssertProblemAsync(noReason, 400))["errors"]!["reason"], Is.Not.Null);

        var refused = await PublicationOkAsync("enforcement", code, "/decision", new { approve = false, reason = "处理结果写得太简略" });
        Assert.That((string)refused["status"]!, Is.EqualTo("refused"));
        Assert.That((await ListAsync()).Items, Is.Empty);
        var (publication, _) = await GetPublicationAsync(head, code);
        Assert.That((string)publication["decisionReason"]!, Is.EqualTo("处理结果写得太简略"));
        Assert.That(await PublicationEventsAsync(code), Is.EqualTo(new[] { "publication_proposed:internal", "publication_refused:internal" }));

        // Proposed again, then approved: public.
        await ProposeAsync(code, result: Result + "（补充：已回访群众）");
        await ApproveAsync(code);
        Assert.That((await ListAsync()).Items, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Editing_a_published_case_takes_it_down_until_the_edit_is_approved()
    {
        var code = await ResolvedCaseAsync();
        await ProposeAsync(code);
        await ApproveAsync(code);
        var firstPublishedAt = (string)(await ListAsync()).Items[0]!["publishedAt"]!;

        await ProposeAsync(code, summary: "群众反映化工厂夜间排放废气（已更正）。");
        Assert.That((await ListAsync()).Items, Is.Empty, "the edit waits for a second person");
        await ApproveAsync(code, "leader");
        var items = (await ListAsync()).Items;
        Assert.Multiple(() =>
        {
            Assert.That((string)items[0]!["summary"]!, Is.EqualTo("群众反映化工厂夜间排放废气（已更正）。"));
            Assert.That((string)items[0]!["publishedAt"]!, Is.EqualTo(firstPublishedAt), "keeps its place in the list");
        });
    }

    [Test]
    public async Task Four_eyes_the_author_of_the_text_never_approves_it_a_leader_can()
    {
        var code = await ResolvedCaseAsync();
        await ProposeAsync(code, "enforcement");
        using var head = await StaffAsync("enforcement");
        var (publication, etag) = await GetPublicationAsync(head, code);
        Assert.That(publication["availableActions"]!.AsArray().Select(a => (string)a!), Does.Not.Contain("decide"));
        using (var own = await PostAsync(head, code, "/decision", new { approve = true }, etag))
            await AssertProblemAsync(own, 403);
        Assert.That((await ListAsync()).Items, Is.Empty);

        await ApproveAsync(code, "leader");
        Assert.That((await ListAsync()).Items, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Who_may_do_what()
    {
        var code = await ResolvedCaseAsync();
        using var elsewhere = await StaffAsync("monitoring.staff");
        using (var hidden = await PostAsync(elsewhere, code, "", new { summary = Summary, result = Result }, "\"0\""))
            await AssertProblemAsync(hidden, 404);
        using (var hiddenGet = await elsewhere.GetAsync(PublicationPath(code)))
            await AssertProblemAsync(hiddenGet, 404);
        using var leader = await StaffAsync("leader");
        using (var leaderProposes = await PostAsync(leader, code, "", new { summary = Summary, result = Result }, "\"0\""))
            await AssertProblemAsync(leaderProposes, 403);

        await ProposeAsync(code);
        using var clerk = await StaffAsync("enforcement.staff");
        var (_, etag) = await GetPublicationAsync(clerk, code);
        using (var clerkApproves = await PostAsync(clerk, code, "/decision", new { approve = true }, etag))
            await AssertProblemAsync(clerkApproves, 403);
        using var admin = await StaffAsync("admin");
        using (var adminApproves = await PostAsync(admin, code, "/decision", new { approve = true }, etag))
            await AssertProblemAsync(adminApproves, 403);
        using (var adminReads = await admin.GetAsync(PublicationPath(code)))
            await AssertProblemAsync(adminReads, 403);
        using (var anonymous = await Client.PostAsJsonAsync(PublicationPath(code) + "/decision", new { approve = true }))
            await AssertProblemAsync(anonymous, 401);
        Assert.That((await ListAsync()).Items, Is.Empty, "no refusal published anything");
        Assert.That(await ScalarAsync<string>("select status from published_cases"), Is.EqualTo("proposed"));
    }

    [Test]
    public async Task A_conduct_case_is_never_published_whoever_asks()
    {
        var code = (string)(await SubmitAsync(ValidComplaint("conduct.misconduct")))["trackingCode"]!;
        using (var discipline = await StaffAsync("discipline.staff"))
        {
            await ActOkAsync(discipline, code, "accept");
            await ActOkAsync(discipline, code, "resolve", new { result = "已核实并处理" });
            var (publication, _) = await GetPublicationAsync(discipline, code);
            Assert.Multiple(() =>
            {
                Assert.That((bool)publication["eligible"]!, Is.False);
                Assert.That(publication["availableActions"]!.AsArray(), Is.Empty);
            });
        }
        foreach (var (username, suffix, body, status) in new (string, string, object, int)[]
                 {
                     ("discipline.staff", "", new { summary = Summary, result = Result }, 409),
                     ("discipline", "", new { summary = Summary, result = Result }, 409),
                     ("leader", "/decision", new { approve = true }, 409),
                     ("leader", "/withdraw", new { reason = "测试" }, 409),
                     ("enforcement", "", new { summary = Summary, result = Result }, 404),
                 })
        {
            using var staff = await StaffAsync(username);
            using var response = await PostAsync(staff, code, suffix, body, "\"0\"");
            await AssertProblemAsync(response, status);
        }
        Assert.That(await CountAsync("published_cases"), Is.Zero);

        // The database refuses it too.
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            """
            insert into published_cases (complaint_id, status, category_code, resolved_month, summary, result, proposed_by, proposed_at)
            select c.id, 'proposed', c.category_code, date '2026-11-01', 's', 'r', u.id, now()
            from complaints c, staff_users u where c.tracking_code = @code and u.username = 'discipline.staff'
            """, connection);
        insert.Parameters.AddWithValue("code", code);
        Assert.That(async () => await insert.ExecuteNonQueryAsync(),
            Throws.InstanceOf<PostgresException>().With.Property(nameof(PostgresException.SqlState)).EqualTo("23514"));
    }

    [Test]
    public async Task Only_a_resolved_or_closed_case_can_be_proposed()
    {
        var open = (string)(await SubmitAsync())["trackingCode"]!;
        var rejected = (string)(await SubmitAsync())["trackingCode"]!;
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, rejected, "reject", new { ground = "outside_remit", reason = "不属于本局职责", referral = "请向市场监管局反映" });
        foreach (var code in new[] { open, rejected })
        {
            using var response = await PostAsync(clerk, code, "", new { summary = Summary, result = Result }, "\"0\"");
            await AssertProblemAsync(response, 409);
        }
        Assert.That(await CountAsync("published_cases"), Is.Zero);
    }

    [TestCase("", Result, "summary")]
    [TestCase("   ", Result, "summary")]
    [TestCase(Summary, "", "result")]
    [TestCase(Summary, "处理\u0007结果", "result")]
    [TestCase("摘要\u202E反转", Result, "summary")]
    [TestCase("王女士反映工厂排放废气", Result, "summary")]
    [TestCase(Summary, "已电话告知 138-0013-8000", "result")]
    [TestCase(Summary, "已回复 wang@example.cn", "result")]
    public async Task Bad_text_is_refused_and_nothing_is_stored(string summary, string result, string field)
    {
        var code = await ResolvedCaseAsync();
        using var clerk = await StaffAsync("enforcement.staff");
        using var response = await PostAsync(clerk, code, "", new { summary, result }, "\"0\"");
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]![field], Is.Not.Null, problem.ToJsonString());
        Assert.That(await CountAsync("published_cases"), Is.Zero);
        Assert.That(await CountAsync("complaint_events where type like 'publication_%'"), Is.Zero);
    }

    [Test]
    public async Task Text_over_the_limits_is_refused()
    {
        var code = await ResolvedCaseAsync();
        using var clerk = await StaffAsync("enforcement.staff");
        using (var longSummary = await PostAsync(clerk, code, "", new { summary = new string('污', 501), result = Result }, "\"0\""))
            Assert.That((await AssertProblemAsync(longSummary, 400))["errors"]!["summary"], Is.Not.Null);
        using (var longResult = await PostAsync(clerk, code, "", new { summary = Summary, result = new string('治', 2001) }, "\"0\""))
            Assert.That((await AssertProblemAsync(longResult, 400))["errors"]!["result"], Is.Not.Null);
        Assert.That(await CountAsync("published_cases"), Is.Zero);
        using var atLimit = await PostAsync(clerk, code, "", new { summary = new string('污', 500), result = new string('治', 2000) }, "\"0\"");
        Assert.That((int)atLimit.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task Stale_or_missing_versions_change_nothing()
    {
        var code = await ResolvedCaseAsync();
        using var clerk = await StaffAsync("enforcement.staff");
        using (var missing = await PostAsync(clerk, code, "", new { summary = Summary, result = Result }, null))
            await AssertProblemAsync(missing, 428);
        using (var first = await PostAsync(clerk, code, "", new { summary = Summary, result = Result }, "\"0\""))
            Assert.That(first.Headers.ETag!.ToString(), Is.EqualTo("\"1\""));
        using (var again = await PostAsync(clerk, code, "", new { summary = "另一份摘要", result = Result }, "\"0\""))
            await AssertProblemAsync(again, 412);
        Assert.That(await ScalarAsync<string>("select summary from published_cases"), Is.EqualTo(Summary));
    }

    [Test]
    public async Task The_public_list_holds_no_personal_data_and_may_be_cached()
    {
        var code = await ResolvedCaseAsync();
        await ProposeAsync(code);
        await ApproveAsync(code);
        var (items, _, response, raw) = await ListAsync();
        Assert.Multiple(() =>
        {
            Assert.That(items, Has.Count.EqualTo(1));
            Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=300"));
            Assert.That(response.Headers.Vary, Does.Contain("Accept-Language"));
            foreach (var secret in new[] { code, "王女士", "13800138000", "wang@example.cn", "小区东侧化工厂", "城东路", "经查属实" })
                Assert.That(raw, Does.Not.Contain(secret), $"{secret} must not be public");
            Assert.That(((JsonObject)items[0]!).Select(p => p.Key), Is.EquivalentTo(new[]
            {
                "id", "categoryCode", "categoryName", "groupName", "township", "resolvedMonth", "summary", "result", "publishedAt",
            }), "public fields only: no tracking code, contact, description, photos or staff");
            Assert.That((string)items[0]!["categoryName"]!, Is.EqualTo("异味臭气"));
        });
        var english = (await ListAsync(language: "en")).Items;
        Assert.That((string)english[0]!["categoryName"]!, Is.EqualTo("Odours"));
    }

    [Test]
    public async Task The_public_list_pages_newest_first_by_keyset()
    {
        var codes = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var code = await ResolvedCaseAsync();
            await ProposeAsync(code, summary: $"第{i}号公开案例摘要");
            await ApproveAsync(code);
            codes.Add(code);
        }
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var (items, next, _, _) = await ListAsync($"?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}");
            Assert.That(items.Count, Is.LessThanOrEqualTo(2));
            seen.AddRange(items.Select(item => (string)item!["summary"]!));
            cursor = next;
            pages++;
        } while (cursor is not null && pages < 10);
        Assert.Multiple(() =>
        {
            Assert.That(pages, Is.EqualTo(3));
            Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 5).Reverse().Select(i => $"第{i}号公开案例摘要")), "newest first, each once");
        });

        using var badCursor = await Client.GetAsync("/api/v1/public/cases?cursor=not-a-cursor");
        await AssertProblemAsync(badCursor, 400);
        using var badLimit = await Client.GetAsync("/api/v1/public/cases?limit=0");
        await AssertProblemAsync(badLimit, 400);
    }

    [Test]
    public async Task A_review_takes_the_published_case_down()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        using (var clerk = await StaffAsync("enforcement.staff"))
        {
            await ActOkAsync(clerk, code, "accept");
            await ActOkAsync(clerk, code, "resolve", new { result = "已责令整改。" });
        }
        await ProposeAsync(code);
        await ApproveAsync(code);
        Assert.That((await ListAsync()).Items, Has.Count.EqualTo(1));

        using var review = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{code}/review")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { reason = "异味还在" }),
        };
        review.Headers.Add("X-Query-Password", (string)submitted["queryPassword"]!);
        using var reviewed = await Client.SendAsync(review);
        Assert.That((int)reviewed.StatusCode, Is.EqualTo(200), await reviewed.Content.ReadAsStringAsync());

        Assert.That((await ListAsync()).Items, Is.Empty, "the disputed result is no longer public");
        Assert.That(await PublicationEventsAsync(code), Is.EqualTo(new[]
            { "publication_proposed:internal", "publication_approved:internal", "publication_withdrawn:internal" }));
        using var head = await StaffAsync("enforcement");
        Assert.That((string)(await GetPublicationAsync(head, code)).Publication["status"]!, Is.EqualTo("withdrawn"));
    }
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feedback.Tests.Integration.Staff;

/// <summary>
/// Administrators edit categories' guidance, urgency and questions, and the township list: checked
/// documents, versions (If-Match), an audit entry each, and the next submission sees the change at once.
/// (Non-administrators' 403 is in <see cref="AuthorizationMatrixTests"/>.)
/// </summary>
public sealed class GuidedAdminTests : IntegrationTest
{
    private HttpClient _admin = null!;
    private string _odorBefore = null!;

    [SetUp]
    public async Task SignInAdminAsync()
    {
        _admin = await StaffAsync("admin");
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        _odorBefore = await connection.QuerySingleAsync<string>(
            "select json_build_object('g', guidance_zh, 'e', guidance_en, 'u', urgent, 'q', questions)::text from categories where code = 'air.odor'");
    }

    [TearDown]
    public async Task RestoreAsync()
    {
        _admin.Dispose();
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await connection.ExecuteAsync(
            """
            update categories set guidance_zh = b->>'g', guidance_en = b->>'e', urgent = (b->>'u')::boolean, questions = b->'q'
            from (select @before::jsonb as b) x where code = 'air.odor';
            delete from townships where name_zh like '测试%';
            update townships set name_zh = '竹溪乡', name_en = 'Zhuxi Township', active = true, sort_order = 170 where name_zh in ('竹溪乡', '竹溪镇');
            """, new { before = _odorBefore });
        await App.Services.GetRequiredService<CategoryCatalog>().ReloadAfterEditAsync();
    }

    private static object SmellQuestion(bool required = true) => new
    {
        key = "smell",
        kind = "choice",
        required,
        labelZh = "气味像什么？",
        labelEn = "What does it smell like?",
        options = new[]
        {
            new { value = "chemical", zh = "化学品味", en = "Chemicals" },
            new { value = "rotten", zh = "腐臭味", en = "Rotten" },
        },
    };

    private async Task<HttpResponseMessage> PutGuidanceAsync(object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/admin/categories/air.odor/guidance") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await _admin.SendAsync(request);
    }

    private async Task<JsonNode> OdorAsync() =>
        (await _admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/categories"))!.Single(c => (string?)c!["code"] == "air.odor")!;

    [Test]
    public async Task A_new_required_question_is_asked_and_enforced_at_once_and_the_edit_is_audited()
    {
        var before = await OdorAsync();
        var version = (int)before["version"]!;
        using var saved = await PutGuidanceAsync(new
        {
            guidanceZh = " 请说明气味出现的时间。 ", guidanceEn = "Say when you smell it.", urgent = true, questions = new[] { SmellQuestion() },
        }, $"\"{version}\"");
        var body = await saved.Content.ReadAsStringAsync();
        Assert.That((int)saved.StatusCode, Is.EqualTo(200), body);

        var offered = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/categories"))!.Single(c => (string?)c!["code"] == "air.odor")!;
        using var unanswered = await Client.PostAsJsonAsync("/api/v1/complaints", new { categoryCode = "air.odor", description = "刺鼻气味" });
        var problem = await AssertProblemAsync(unanswered, 400);
        var answered = await SubmitAsync(new { categoryCode = "air.odor", description = "刺鼻气味", answers = new { smell = "chemical" } });

        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var audit = await connection.QuerySingleAsync<(string Actor, string Target, string Before, string After)>(
            "select actor_username, target_id, before::text, after::text from audit_log where action = 'category.guidance'");
        var stored = await connection.QuerySingleAsync<(string Answers, bool Urgent)>(
            "select answers::text, urgent from complaints where tracking_code = @code", new { code = (string)answered["trackingCode"]! });
        Assert.Multiple(() =>
        {
            Assert.That((int?)JsonNode.Parse(body)!["version"], Is.EqualTo(version + 1));
            Assert.That((string?)JsonNode.Parse(body)!["guidanceZh"], Is.EqualTo("请说明气味出现的时间。"), "trimmed");
            Assert.That((string?)offered["guidance"], Is.EqualTo("请说明气味出现的时间。"));
            Assert.That((bool?)offered["urgent"], Is.True);
            Assert.That((string?)offered["questions"]![0]!["label"], Is.EqualTo("气味像什么？"));
            Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "answers.smell" }));
            Assert.That(stored, Is.EqualTo(("""{"smell": "chemical"}""", true)));
            Assert.That(audit.Actor, Is.EqualTo("admin"));
            Assert.That(audit.Target, Is.EqualTo("air.odor"));
            Assert.That(audit.Before, Does.Contain("\"questions\": []"));
            Assert.That(audit.After, Does.Contain("smell").And.Contain("\"urgent\": true"));
        });
    }

    [Test]
    public async Task A_stale_version_gets_412_and_changes_nothing()
    {
        var version = (int)(await OdorAsync())["version"]!;
        using var first = await PutGuidanceAsync(new { guidanceZh = "甲", guidanceEn = "A", urgent = false, questions = Array.Empty<object>() }, $"\"{version}\"");
        Assert.That((int)first.StatusCode, Is.EqualTo(200));
        using var stale = await PutGuidanceAsync(new { guidanceZh = "乙", guidanceEn = "B", urgent = true, questions = Array.Empty<object>() }, $"\"{version}\"");
        await AssertProblemAsync(stale, 412);
        Assert.That((string?)(await OdorAsync())["guidanceZh"], Is.EqualTo("甲"));
    }

    [Test]
    public async Task A_bad_question_document_is_refused_field_by_field_and_changes_nothing()
    {
        var before = (await OdorAsync()).ToJsonString();
        using var response = await PutGuidanceAsync(new
        {
            guidanceZh = "说明", guidanceEn = "Say",
            urgent = false,
            questions = new object[]
            {
                new { key = "Smell!", kind = "choice", required = true, labelZh = "气味", labelEn = "", options = new[] { new { value = "a", zh = "甲", en = "A" } } },
                new { key = "company", kind = "text", required = false, labelZh = "企业", labelEn = "Company", maxLength = 9999 },
            },
        });
        var problem = await AssertProblemAsync(response, 400);
        using var badKind = await PutGuidanceAsync(new
        {
            guidanceZh = "说明", guidanceEn = "Say", urgent = false,
            questions = new[] { new { key = "x", kind = "slider", required = true, labelZh = "甲", labelEn = "A" } },
        });
        var kindProblem = await AssertProblemAsync(badKind, 400);
        Assert.Multiple(async () =>
        {
            Assert.That(problem["errors"]!.AsObject().Select(e => e.Key),
                Is.EquivalentTo(new[] { "questions[0].key", "questions[0].labelEn", "questions[0].options", "questions[1].maxLength" }));
            Assert.That(kindProblem["errors"]!.AsObject().Select(e => e.Key).Single(), Does.StartWith("questions[0].kind"));
            Assert.That((await OdorAsync()).ToJsonString(), Is.EqualTo(before));
            Assert.That(await CountAsync("audit_log where action = 'category.guidance'"), Is.Zero);
        });
    }

    [Test]
    public async Task An_unknown_category_is_404()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/admin/categories/air.nope/guidance")
        {
            Content = JsonContent.Create(new { guidanceZh = "说明", guidanceEn = "Say", urgent = false, questions = Array.Empty<object>() }),
        };
        await AssertProblemAsync(await _admin.SendAsync(request), 404);
    }

    private async Task<HttpResponseMessage> PutTownshipAsync(string name, object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/admin/townships/{Uri.EscapeDataString(name)}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await _admin.SendAsync(request);
    }

    [Test]
    public async Task Townships_are_added_renamed_moved_and_deactivated_with_an_audit_entry_each()
    {
        using var created = await _admin.PostAsJsonAsync("/api/v1/admin/townships", new { nameZh = "测试新镇", nameEn = "Test New Town" });
        Assert.That((int)created.StatusCode, Is.EqualTo(201), await created.Content.ReadAsStringAsync());
        var listed = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/townships"))!.Select(t => (string?)t!["value"]).ToList();
        Assert.That(listed.Last(), Is.EqualTo("测试新镇"), "a new township goes last");
        await SubmitAsync(new { categoryCode = "air.odor", description = "臭", township = "测试新镇" });

        var all = (await _admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/townships"))!;
        var zhuxi = all.Single(t => (string?)t!["nameZh"] == "竹溪乡")!;
        using var renamed = await PutTownshipAsync("竹溪乡", new { nameZh = "竹溪镇", nameEn = "Zhuxi Town", sortOrder = 1, active = true },
            $"\"{(int)zhuxi["version"]!}\"");
        Assert.That((int)renamed.StatusCode, Is.EqualTo(200), await renamed.Content.ReadAsStringAsync());
        var afterRename = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/townships"))!.Select(t => (string?)t!["value"]).ToList();

        using var stale = await PutTownshipAsync("竹溪镇", new { nameZh = "竹溪镇", nameEn = "Zhuxi Town", active = false }, $"\"{(int)zhuxi["version"]!}\"");
        await AssertProblemAsync(stale, 412);
        using var deactivated = await PutTownshipAsync("测试新镇", new { nameZh = "测试新镇", nameEn = "Test New Town", active = false });
        Assert.That((int)deactivated.StatusCode, Is.EqualTo(200));
        using var refused = await Client.PostAsJsonAsync("/api/v1/complaints", new { categoryCode = "air.odor", description = "臭", township = "测试新镇" });
        var problem = await AssertProblemAsync(refused, 400);

        using var taken = await _admin.PostAsJsonAsync("/api/v1/admin/townships", new { nameZh = "剡湖街道", nameEn = "Again" });
        await AssertProblemAsync(taken, 409);
        using var renamedOntoAnother = await PutTownshipAsync("竹溪镇", new { nameZh = "剡湖街道", nameEn = "Again" });
        await AssertProblemAsync(renamedOntoAnother, 409);

        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var actions = (await connection.QueryAsync<(string Action, string Target)>(
            "select action, target_id from audit_log where action like 'township.%' order by id")).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(afterRename.First(), Is.EqualTo("竹溪镇"), "renamed and moved first");
            Assert.That(afterRename, Does.Not.Contain("竹溪乡"));
            Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "township" }));
            Assert.That(actions, Is.EqualTo(new[] { ("township.create", "测试新镇"), ("township.update", "竹溪镇"), ("township.update", "测试新镇") }));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_township_needs_both_names()
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/admin/townships", new { nameZh = "测试镇", nameEn = " " });
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "nameEn" }));
    }
}

using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Feedback.Api.Features.Categories;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Feedback.Tests.Integration.Staff.StaffSecurity;

namespace Feedback.Tests.Integration.Staff;

/// <summary>
/// The administrator's API: accounts, sections, routing rules and the calendar — validation,
/// conflicts, effects on the next submission, and an audit entry with before/after for each change.
/// (Who may call these routes at all is in <see cref="AuthorizationMatrixTests"/>.)
/// </summary>
public sealed class AdminTests : IntegrationTest
{
    private HttpClient _admin = null!;

    [SetUp]
    public async Task SignInAdminAsync() => _admin = await StaffAsync("admin");

    [TearDown]
    public void DisposeAdmin() => _admin.Dispose();

    private static async Task<JsonObject> OkJsonAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(status), body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static async Task<JsonObject> AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]?.AsObject().Select(e => e.Key), Does.Contain(field), problem.ToJsonString());
        return problem;
    }

    private static async Task<AuditRow> SingleAuditAsync(string action, string targetId)
    {
        var rows = await AuditAsync("action = @action and target_id = @targetId", new { action, targetId });
        Assert.That(rows, Has.Count.EqualTo(1), $"{action} {targetId}");
        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Outcome, Is.EqualTo("succeeded"));
            Assert.That(rows[0].ActorUsername, Is.EqualTo("admin"));
            Assert.That(rows[0].ActorRole, Is.EqualTo("admin"));
            Assert.That(rows[0].Ip, Is.EqualTo("127.0.0.1"));
        });
        return rows[0];
    }

    private static JsonObject? State(string? text) => text is null ? null : JsonNode.Parse(text)!.AsObject();

    // ---- accounts ----

    [Test]
    public async Task An_administrator_opens_lists_changes_and_re_passwords_an_account_each_change_audited()
    {
        var username = NewUsername("clerk");
        using var created = await _admin.PostAsJsonAsync("/api/v1/admin/users",
            new { username, displayName = "新来的科员", role = "staff", sectionCode = "monitoring", password = "First-pass-1" });
        var user = await OkJsonAsync(created, 201);
        var id = (long)user["id"]!;
        Assert.Multiple(() =>
        {
            Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/admin/users/{id}"));
            Assert.That((string?)user["role"], Is.EqualTo("staff"));
            Assert.That((string?)user["sectionCode"], Is.EqualTo("monitoring"));
            Assert.That((bool)user["active"]!, Is.True);
            Assert.That(user.ContainsKey("password") || user.ContainsKey("passwordHash"), Is.False, "no password, not even hashed");
        });

        var listed = (await _admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/users"))!;
        Assert.Multiple(() =>
        {
            Assert.That(listed.Select(u => (string)u!["username"]!), Does.Contain(username).And.Contain("admin").And.Contain("enforcement.staff"));
            Assert.That(listed.ToJsonString(), Does.Not.Contain("pbkdf2").And.Not.Contain("password"), "no password hashes in the list");
        });

        using var updated = await _admin.PutAsJsonAsync($"/api/v1/admin/users/{id}",
            new { displayName = "监测站负责人", role = "section_head", sectionCode = "monitoring", active = true });
        var after = await OkJsonAsync(updated, 200);
        Assert.That((string?)after["role"], Is.EqualTo("section_head"));

        using var password = await _admin.PostAsJsonAsync($"/api/v1/admin/users/{id}/password", new { password = "Second-pass-2" });
        Assert.That((int)password.StatusCode, Is.EqualTo(204));
        using var oldPassword = await LoginAsync(Client, username, "First-pass-1");
        await AssertProblemAsync(oldPassword, 401);
        var signedIn = await SignInAsync(username, "Second-pass-2");
        using var me = await MeAsync((string)signedIn["accessToken"]!);
        Assert.That((string?)(await ReadJsonAsync(me))["displayName"], Is.EqualTo("监测站负责人"));

        var create = await SingleAuditAsync("user.create", username);
        var update = await SingleAuditAsync("user.update", username);
        await SingleAuditAsync("user.password_reset", username);
        var text = await AuditTextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(create.Before, Is.Null);
            Assert.That((string?)State(create.After)!["role"], Is.EqualTo("staff"));
            Assert.That((string?)State(update.Before)!["role"], Is.EqualTo("staff"));
            Assert.That((string?)State(update.After)!["role"], Is.EqualTo("section_head"));
            Assert.That((string?)State(update.Before)!["displayName"], Is.EqualTo("新来的科员"), "a rename shows in the log too");
            Assert.That((string?)State(update.After)!["displayName"], Is.EqualTo("监测站负责人"));
            Assert.That(text, Does.Not.Contain("First-pass-1").And.Not.Contain("Second-pass-2").And.Not.Contain("pbkdf2"));
        });
    }

    [Test]
    public async Task Setting_a_password_unlocks_the_account()
    {
        var account = await CreateAccountAsync("unlock");
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await LoginAsync(Client, account.Username, $"Wrong-pass-{i}");
            Assert.That((int)wrong.StatusCode, Is.EqualTo(i < 4 ? 401 : 429));
        }
        using var reset = await _admin.PostAsJsonAsync($"/api/v1/admin/users/{account.Id}/password", new { password = "Reset-pass-3" });
        Assert.That((int)reset.StatusCode, Is.EqualTo(204));
        await SignInAsync(account.Username, "Reset-pass-3");
    }

    private static IEnumerable<TestCaseData> InvalidAccounts()
    {
        TestCaseData Case(string name, string field, string username, string role, string? section, string password = "Good-pass-1", string displayName = "测试") =>
            new TestCaseData(field, username, role, section, password, displayName).SetName($"An account is refused: {name} (400 on {field})");
        yield return Case("upper-case and a space in the username", "username", "Bad Name", "leader", null);
        yield return Case("a username starting with a digit", "username", "9lives", "leader", null);
        yield return Case("a one-letter username", "username", "x", "leader", null);
        yield return Case("a clerk without a section", "sectionCode", "{new}", "staff", null);
        yield return Case("a section head without a section", "sectionCode", "{new}", "section_head", null);
        yield return Case("a leader with a section", "sectionCode", "{new}", "leader", "office");
        yield return Case("an administrator with a section", "sectionCode", "{new}", "admin", "office");
        yield return Case("a discipline inspector outside discipline inspection", "sectionCode", "{new}", "discipline", "enforcement");
        yield return Case("an unknown section", "sectionCode", "{new}", "staff", "nowhere");
        yield return Case("a seven-character password", "password", "{new}", "leader", null, password: "Short-1");
        yield return Case("a password of letters only", "password", "{new}", "leader", null, password: "onlyletters");
        yield return Case("an empty name", "displayName", "{new}", "leader", null, displayName: " ");
    }

    [TestCaseSource(nameof(InvalidAccounts))]
    public async Task Invalid_accounts_are_refused_and_nothing_is_stored(
        string field, string username, string role, string? section, string password, string displayName)
    {
        if (username == "{new}") username = NewUsername("invalid");
        var users = await CountAsync("staff_users");
        using var response = await _admin.PostAsJsonAsync("/api/v1/admin/users",
            new { username, displayName, role, sectionCode = section, password });
        await AssertFieldErrorAsync(response, field);
        Assert.That(await CountAsync("staff_users"), Is.EqualTo(users));
    }

    [Test]
    public async Task An_unknown_role_is_refused_on_the_role_field()
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/admin/users",
            new { username = NewUsername("king"), displayName = "国王", role = "king", sectionCode = (string?)null, password = "Good-pass-1" });
        await AssertFieldErrorAsync(response, "role");
    }

    [Test]
    public async Task A_role_change_that_no_longer_fits_the_section_is_refused()
    {
        var account = await CreateAccountAsync("fit", "staff", "office");
        using var response = await _admin.PutAsJsonAsync($"/api/v1/admin/users/{account.Id}",
            new { displayName = "测试", role = "leader", sectionCode = "office", active = true });
        await AssertFieldErrorAsync(response, "sectionCode");
    }

    [Test]
    public async Task A_taken_username_is_a_409_and_unknown_accounts_are_404()
    {
        var account = await CreateAccountAsync("dup");
        foreach (var taken in new[] { account.Username, "leader" })
        {
            using var duplicate = await _admin.PostAsJsonAsync("/api/v1/admin/users",
                new { username = taken, displayName = "重名", role = "leader", sectionCode = (string?)null, password = "Good-pass-1" });
            await AssertProblemAsync(duplicate, 409);
        }
        using var update = await _admin.PutAsJsonAsync("/api/v1/admin/users/999999",
            new { displayName = "无人", role = "leader", sectionCode = (string?)null, active = true });
        await AssertProblemAsync(update, 404);
        using var password = await _admin.PostAsJsonAsync("/api/v1/admin/users/999999/password", new { password = "Good-pass-1" });
        await AssertProblemAsync(password, 404);
        Assert.That((await AuditAsync("action like 'user.%' and target_id = 'leader'")), Is.Empty);
    }

    [Test]
    public async Task An_update_that_leaves_out_the_role_or_active_is_refused_rather_than_read_as_a_disabled_clerk()
    {
        var account = await CreateAccountAsync("partial", "staff", "monitoring");
        var tokens = await SignInAsync(account.Username, account.Password);
        foreach (var partial in new object[]
                 {
                     new { displayName = "只改名字", role = "staff", sectionCode = "monitoring" },
                     new { displayName = "只改名字", sectionCode = "monitoring", active = true },
                 })
        {
            using var response = await _admin.PutAsJsonAsync($"/api/v1/admin/users/{account.Id}", partial);
            await AssertProblemAsync(response, 400);
        }
        var user = (await _admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/users"))!.Single(u => (long)u!["id"]! == account.Id)!;
        using var me = await MeAsync((string)tokens["accessToken"]!);
        Assert.Multiple(() =>
        {
            Assert.That((bool)user["active"]!, Is.True, "still active");
            Assert.That((string?)user["displayName"], Is.EqualTo("测试账户"), "nothing changed");
            Assert.That((int)me.StatusCode, Is.EqualTo(200), "still signed in");
        });
    }

    [TestCase("leader", true, TestName = "An administrator cannot give up their own administrator role (409)")]
    [TestCase("admin", false, TestName = "An administrator cannot disable themselves (409)")]
    public async Task An_administrator_cannot_demote_or_disable_themselves(string role, bool active)
    {
        var me = (await _admin.GetFromJsonAsync<JsonObject>("/api/v1/auth/me"))!;
        using var response = await _admin.PutAsJsonAsync($"/api/v1/admin/users/{(long)me["id"]!}",
            new { displayName = "系统管理员", role, sectionCode = (string?)null, active });
        await AssertProblemAsync(response, 409);
        using var still = await _admin.GetAsync("/api/v1/auth/me");
        Assert.That((string?)(await ReadJsonAsync(still))["role"], Is.EqualTo("admin"), "still an administrator, still signed in");
    }

    // ---- sections ----

    private static string NewSectionCode() =>
        "test_" + new string(RandomNumberGenerator.GetBytes(8).Select(b => (char)('a' + b % 26)).ToArray());

    /// <summary>Sections are never deleted through the API; the test removes its own so the seeded six stay six.</summary>
    private static async Task RemoveSectionAsync(string code)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("delete from sections where code = @code", connection);
        command.Parameters.AddWithValue("code", code);
        await command.ExecuteNonQueryAsync();
        await App.Services.GetRequiredService<CategoryCatalog>().ReloadAfterEditAsync();
    }

    [Test]
    public async Task An_administrator_adds_and_renames_a_section_with_409_for_a_taken_code_and_404_for_an_unknown_one()
    {
        var code = NewSectionCode();
        try
        {
            using var created = await _admin.PostAsJsonAsync($"/api/v1/admin/sections/{code}",
                new { nameZh = "测试科", nameEn = "Test Section", sortOrder = 70 });
            var section = await OkJsonAsync(created, 201);
            Assert.That((string?)section["name"], Is.EqualTo("测试科"));

            using var again = await _admin.PostAsJsonAsync($"/api/v1/admin/sections/{code}",
                new { nameZh = "另一个", nameEn = "Another", sortOrder = 70 });
            await AssertProblemAsync(again, 409);
            using var seeded = await _admin.PostAsJsonAsync("/api/v1/admin/sections/office", new { nameZh = "办公室", nameEn = "Office", sortOrder = 10 });
            await AssertProblemAsync(seeded, 409);

            using var renamed = await _admin.PutAsJsonAsync($"/api/v1/admin/sections/{code}",
                new { nameZh = "测试科（改）", nameEn = "Renamed Section", sortOrder = 70 });
            await OkJsonAsync(renamed, 200);
            var sections = (await _admin.GetFromJsonAsync<JsonArray>("/api/v1/sections"))!;
            Assert.That(sections.Single(s => (string)s!["code"]! == code)!["nameZh"]!.GetValue<string>(), Is.EqualTo("测试科（改）"),
                "the list shows the new name at once");

            using var unknown = await _admin.PutAsJsonAsync("/api/v1/admin/sections/no_such_section",
                new { nameZh = "无", nameEn = "None", sortOrder = 1 });
            await AssertProblemAsync(unknown, 404);
            using var badCode = await _admin.PostAsJsonAsync("/api/v1/admin/sections/Bad-Code", new { nameZh = "坏", nameEn = "Bad", sortOrder = 1 });
            await AssertFieldErrorAsync(badCode, "code");

            var create = await SingleAuditAsync("section.create", code);
            var update = await SingleAuditAsync("section.update", code);
            Assert.Multiple(() =>
            {
                Assert.That(create.Before, Is.Null);
                Assert.That((string?)State(create.After)!["nameZh"], Is.EqualTo("测试科"));
                Assert.That((string?)State(update.Before)!["nameZh"], Is.EqualTo("测试科"));
                Assert.That((string?)State(update.After)!["nameZh"], Is.EqualTo("测试科（改）"));
            });
        }
        finally
        {
            await RemoveSectionAsync(code);
        }
    }

    // ---- routing rules ----

    private async Task<JsonObject> CreateRuleAsync(object rule)
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/admin/routing-rules", rule);
        return await OkJsonAsync(response, 201);
    }

    private async Task<string[]> RuleOrderAsync()
    {
        var rules = (await _admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/routing-rules"))!;
        Assert.That(rules.Select(r => (int)r!["position"]!), Is.EqualTo(Enumerable.Range(1, rules.Count)), "positions are 1..n without gaps");
        return rules.Select(r => (string)r!["name"]!).ToArray();
    }

    [Test]
    public async Task Routing_rules_keep_positions_1_to_n_when_inserted_moved_and_deleted()
    {
        var a = await CreateRuleAsync(new { name = "A", sectionCode = "monitoring", keywords = new[] { "甲" } });
        await CreateRuleAsync(new { name = "B", sectionCode = "monitoring", keywords = new[] { "乙" } });
        var c = await CreateRuleAsync(new { name = "C", sectionCode = "monitoring", keywords = new[] { "丙" } });
        Assert.That(await RuleOrderAsync(), Is.EqualTo(new[] { "A", "B", "C" }), "without a position, a rule goes last");

        var d = await CreateRuleAsync(new { name = "D", sectionCode = "office", township = "甘霖镇", position = 1 });
        Assert.That((int)d["position"]!, Is.EqualTo(1));
        Assert.That(await RuleOrderAsync(), Is.EqualTo(new[] { "D", "A", "B", "C" }), "inserting at 1 pushes the others down");

        using (var moved = await _admin.PutAsJsonAsync($"/api/v1/admin/routing-rules/{(long)c["id"]!}",
                   new { name = "C", sectionCode = "monitoring", keywords = new[] { "丙" }, position = 2 }))
            Assert.That((int)(await OkJsonAsync(moved, 200))["position"]!, Is.EqualTo(2));
        Assert.That(await RuleOrderAsync(), Is.EqualTo(new[] { "D", "C", "A", "B" }));

        using (var last = await _admin.PutAsJsonAsync($"/api/v1/admin/routing-rules/{(long)d["id"]!}",
                   new { name = "D", sectionCode = "office", township = "甘霖镇", position = 99 }))
            Assert.That((int)(await OkJsonAsync(last, 200))["position"]!, Is.EqualTo(4), "beyond the end means last");
        Assert.That(await RuleOrderAsync(), Is.EqualTo(new[] { "C", "A", "B", "D" }));

        using (var deleted = await _admin.DeleteAsync($"/api/v1/admin/routing-rules/{(long)a["id"]!}"))
            Assert.That((int)deleted.StatusCode, Is.EqualTo(204));
        Assert.That(await RuleOrderAsync(), Is.EqualTo(new[] { "C", "B", "D" }), "deleting closes the gap");

        using var unknownUpdate = await _admin.PutAsJsonAsync("/api/v1/admin/routing-rules/999999",
            new { name = "X", sectionCode = "office", keywords = new[] { "x" } });
        await AssertProblemAsync(unknownUpdate, 404);
        using var unknownDelete = await _admin.DeleteAsync("/api/v1/admin/routing-rules/999999");
        await AssertProblemAsync(unknownDelete, 404);

        var aId = ((long)a["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cId = ((long)c["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var created = await SingleAuditAsync("routing_rule.create", aId);
        var deletion = await SingleAuditAsync("routing_rule.delete", aId);
        var move = await SingleAuditAsync("routing_rule.update", cId);
        Assert.Multiple(() =>
        {
            Assert.That(created.Before, Is.Null);
            Assert.That((string?)State(created.After)!["name"], Is.EqualTo("A"));
            Assert.That((int)State(move.Before)!["position"]!, Is.EqualTo(4));
            Assert.That((int)State(move.After)!["position"]!, Is.EqualTo(2));
            Assert.That((string?)State(deletion.Before)!["name"], Is.EqualTo("A"));
            Assert.That(deletion.After, Is.Null);
        });
    }

    [Test]
    public async Task An_edited_rule_keeps_its_place_unless_moved_and_a_stale_If_Match_is_refused()
    {
        await CreateRuleAsync(new { name = "A", sectionCode = "monitoring", keywords = new[] { "甲" } });
        var b = await CreateRuleAsync(new { name = "B", sectionCode = "monitoring", keywords = new[] { "乙" } });
        await CreateRuleAsync(new { name = "C", sectionCode = "monitoring", keywords = new[] { "丙" } });
        var path = $"/api/v1/admin/routing-rules/{(long)b["id"]!}";

        using (var renamed = await _admin.PutAsJsonAsync(path, new { name = "B2", sectionCode = "office", keywords = new[] { "乙" } }))
            Assert.That((int)(await OkJsonAsync(renamed, 200))["position"]!, Is.EqualTo(2), "no position: it stays where it was");
        Assert.That(await RuleOrderAsync(), Is.EqualTo(new[] { "A", "B2", "C" }));

        using var stale = new HttpRequestMessage(HttpMethod.Put, path)
        {
            Content = JsonContent.Create(new { name = "B3", sectionCode = "office", keywords = new[] { "乙" } }),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{(int)b["version"]!}\"");
        using (var refused = await _admin.SendAsync(stale)) await AssertProblemAsync(refused, 412);
        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, path);
        staleDelete.Headers.TryAddWithoutValidation("If-Match", $"\"{(int)b["version"]!}\"");
        using (var refused = await _admin.SendAsync(staleDelete)) await AssertProblemAsync(refused, 412);
        Assert.That(await RuleOrderAsync(), Is.EqualTo(new[] { "A", "B2", "C" }), "a stale write changes nothing");
    }

    [Test]
    public async Task A_renamed_section_keeps_its_place_and_a_new_one_goes_last()
    {
        var code = NewSectionCode();
        try
        {
            using var created = await _admin.PostAsJsonAsync($"/api/v1/admin/sections/{code}", new { nameZh = "新科室", nameEn = "New" });
            var section = await OkJsonAsync(created, 201);
            var sections = (await _admin.GetFromJsonAsync<JsonArray>("/api/v1/sections"))!;
            Assert.That((string)sections.Last()!["code"]!, Is.EqualTo(code));
            var place = (int)section["sortOrder"]!;
            using var renamed = await _admin.PutAsJsonAsync($"/api/v1/admin/sections/{code}", new { nameZh = "改名科室", nameEn = "Renamed" });
            Assert.That((int)(await OkJsonAsync(renamed, 200))["sortOrder"]!, Is.EqualTo(place));
        }
        finally
        {
            await RemoveSectionAsync(code);
        }
    }

    private static IEnumerable<TestCaseData> InvalidRules()
    {
        TestCaseData Case(string name, string field, object rule) =>
            new TestCaseData(field, rule).SetName($"A routing rule is refused: {name} (400 on {field})");
        yield return Case("no condition at all", "conditions", new { name = "空规则", sectionCode = "office" });
        yield return Case("only blank keywords", "conditions", new { name = "空关键词", sectionCode = "office", keywords = new[] { " ", "" } });
        yield return Case("an unknown section", "sectionCode", new { name = "未知科室", sectionCode = "nowhere", categoryCode = "air.odor" });
        yield return Case("no section", "sectionCode", new { name = "无科室", sectionCode = "", categoryCode = "air.odor" });
        yield return Case("an unknown category", "categoryCode", new { name = "未知类别", sectionCode = "office", categoryCode = "air.nothing" });
        yield return Case("an unknown group", "groupCode", new { name = "未知分组", sectionCode = "office", groupCode = "weather" });
        yield return Case("no name", "name", new { name = "", sectionCode = "office", categoryCode = "air.odor" });
        yield return Case("position 0", "position", new { name = "零", sectionCode = "office", categoryCode = "air.odor", position = 0 });
    }

    [TestCaseSource(nameof(InvalidRules))]
    public async Task Invalid_routing_rules_are_refused_and_nothing_is_stored(string field, object rule)
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/admin/routing-rules", rule);
        await AssertFieldErrorAsync(response, field);
        Assert.That(await CountAsync("routing_rules"), Is.EqualTo(0));
    }

    private async Task<(string Code, string Section)> FileAsync(string category, string description, string? township = null)
    {
        var filed = await SubmitAsync(new { categoryCode = category, description, township });
        return ((string)filed["trackingCode"]!, (string)filed["sectionCode"]!);
    }

    [Test]
    public async Task A_new_rule_routes_the_very_next_submission_and_the_timeline_names_it()
    {
        var rule = await CreateRuleAsync(new
        {
            name = "甘霖镇异味交监测站", sectionCode = "monitoring", categoryCode = "air.odor", township = "甘霖镇",
        });
        var ruleId = (long)rule["id"]!;

        var (matched, matchedSection) = await FileAsync("air.odor", "甘霖镇工业区夜间异味明显", " 甘霖镇 ");
        var (elsewhere, elsewhereSection) = await FileAsync("air.odor", "剡湖街道夜间异味明显", "剡湖街道");
        var (otherCategory, otherCategorySection) = await FileAsync("air.dust", "甘霖镇工地扬尘", "甘霖镇");
        Assert.Multiple(() =>
        {
            Assert.That(matchedSection, Is.EqualTo("monitoring"), "the rule applies at once, not after the 30-second reload");
            Assert.That(elsewhereSection, Is.EqualTo("enforcement"), "another township: the category's default");
            Assert.That(otherCategorySection, Is.EqualTo("enforcement"), "another category: every condition must hold");
        });

        using var monitoring = await StaffAsync("monitoring.staff");
        var (staffCase, _) = await GetCaseAsync(monitoring, matched);
        var routed = staffCase["timeline"]!.AsArray().Single(e => (string)e!["type"]! == "routed")!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)routed["visibility"], Is.EqualTo("internal"));
            Assert.That((string?)routed["data"]!["sectionCode"], Is.EqualTo("monitoring"));
            Assert.That((string?)routed["data"]!["basis"], Is.EqualTo("rule"));
            Assert.That((long?)routed["data"]!["ruleId"], Is.EqualTo(ruleId));
            Assert.That((string?)routed["data"]!["ruleName"], Is.EqualTo("甘霖镇异味交监测站"));
        });
        using var enforcement = await StaffAsync("enforcement.staff");
        var (defaultCase, _) = await GetCaseAsync(enforcement, elsewhere);
        var byDefault = defaultCase["timeline"]!.AsArray().Single(e => (string)e!["type"]! == "routed")!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)byDefault["data"]!["basis"], Is.EqualTo("category_default").Or.EqualTo("categorydefault"));
            Assert.That(byDefault["data"]!["ruleId"], Is.Null);
        });

        using (var deactivated = await _admin.PutAsJsonAsync($"/api/v1/admin/routing-rules/{ruleId}", new
               {
                   name = "甘霖镇异味交监测站", sectionCode = "monitoring", categoryCode = "air.odor", township = "甘霖镇", position = 1, active = false,
               }))
            await OkJsonAsync(deactivated, 200);
        Assert.That((await FileAsync("air.odor", "甘霖镇又有异味", "甘霖镇")).Section, Is.EqualTo("enforcement"), "an inactive rule routes nothing");

        using (var deleted = await _admin.DeleteAsync($"/api/v1/admin/routing-rules/{ruleId}"))
            Assert.That((int)deleted.StatusCode, Is.EqualTo(204));
        var (stillNamed, _) = await GetCaseAsync(monitoring, matched);
        Assert.That((string?)stillNamed["timeline"]!.AsArray().Single(e => (string)e!["type"]! == "routed")!["data"]!["ruleName"],
            Is.EqualTo("甘霖镇异味交监测站"), "past decisions keep the name of a deleted rule");
    }

    [Test]
    public async Task First_matching_rule_wins_and_keywords_ignore_case()
    {
        await CreateRuleAsync(new { name = "PM 指标交监测站", sectionCode = "monitoring", keywords = new[] { "pm2.5", "颗粒物" } });
        await CreateRuleAsync(new { name = "大气类交污防科", sectionCode = "pollution", groupCode = "air" });
        Assert.Multiple(async () =>
        {
            Assert.That((await FileAsync("air.dust", "工地附近 PM2.5 读数很高")).Section, Is.EqualTo("monitoring"), "rule 1, case ignored");
            Assert.That((await FileAsync("air.dust", "工地扬尘很大")).Section, Is.EqualTo("pollution"), "rule 2");
            Assert.That((await FileAsync("water.river", "河里颗粒物漂浮")).Section, Is.EqualTo("monitoring"), "keywords alone, any group");
            Assert.That((await FileAsync("water.river", "河水发黑")).Section, Is.EqualTo("enforcement"), "no rule: default");
        });
    }

    [Test]
    public async Task Conduct_complaints_go_to_discipline_inspection_whatever_the_rules_say()
    {
        await CreateRuleAsync(new { name = "作风类交执法大队", sectionCode = "enforcement", groupCode = "conduct", position = 1 });
        await CreateRuleAsync(new { name = "吃拿卡要交办公室", sectionCode = "office", categoryCode = "conduct.misconduct", position = 1 });
        await CreateRuleAsync(new { name = "执法关键词交执法大队", sectionCode = "enforcement", keywords = new[] { "执法" }, position = 1 });

        var (code, section) = await FileAsync("conduct.misconduct", "执法大队某队员检查时索要香烟", "甘霖镇");
        Assert.That(section, Is.EqualTo("discipline"));

        using var discipline = await StaffAsync("discipline");
        var (conduct, _) = await GetCaseAsync(discipline, code);
        var routed = conduct["timeline"]!.AsArray().Single(e => (string)e!["type"]! == "routed")!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)routed["data"]!["basis"], Is.EqualTo("confidential"));
            Assert.That(routed["data"]!["ruleId"], Is.Null, "no rule decided it");
        });
        foreach (var outsider in new[] { "enforcement.staff", "enforcement", "office.staff" })
        {
            using var client = await StaffAsync(outsider);
            using var response = await client.GetAsync($"/api/v1/staff/complaints/{code}");
            await AssertProblemAsync(response, 404);
        }
    }

    // ---- calendar ----

    private async Task<DateOnly> AcceptByAsync()
    {
        var filed = await SubmitAsync(new { categoryCode = "air.odor", description = "测试截止日期" });
        return DateOnly.Parse((string)filed["acceptBy"]!);
    }

    [Test]
    public async Task A_new_holiday_moves_the_next_submissions_deadline_and_removing_it_moves_it_back()
    {
        var before = await AcceptByAsync();
        Assume.That(before.DayOfWeek, Is.Not.EqualTo(DayOfWeek.Saturday).And.Not.EqualTo(DayOfWeek.Sunday),
            "the deadline falls on a make-up Saturday or Sunday; a weekday is needed to declare a holiday");
        var date = before.ToString("yyyy-MM-dd");
        try
        {
            using var set = await _admin.PutAsJsonAsync($"/api/v1/admin/calendar/{date}",
                new { kind = "holiday", nameZh = "临时休假", nameEn = "Extra day off" });
            Assert.That((int)set.StatusCode, Is.EqualTo(204), await set.Content.ReadAsStringAsync());
            var moved = await AcceptByAsync();
            Assert.That(moved, Is.GreaterThan(before), "the deadline skips the new holiday at once");

            var listed = (await _admin.GetFromJsonAsync<JsonArray>($"/api/v1/admin/calendar?year={before.Year}"))!;
            Assert.That(listed.Any(d => (string)d!["date"]! == date && (string)d["kind"]! == "holiday"), Is.True);

            using var removed = await _admin.DeleteAsync($"/api/v1/admin/calendar/{date}");
            Assert.That((int)removed.StatusCode, Is.EqualTo(204));
            Assert.That(await AcceptByAsync(), Is.EqualTo(before));

            var setEntry = await SingleAuditAsync("calendar.set", date);
            var removeEntry = await SingleAuditAsync("calendar.remove", date);
            Assert.Multiple(() =>
            {
                Assert.That(setEntry.Before, Is.Null);
                Assert.That((string?)State(setEntry.After)!["kind"], Is.EqualTo("holiday"));
                Assert.That((string?)State(removeEntry.Before)!["nameZh"], Is.EqualTo("临时休假"));
                Assert.That(removeEntry.After, Is.Null);
            });
        }
        finally
        {
            using var _ = await _admin.DeleteAsync($"/api/v1/admin/calendar/{date}");
        }
    }

    [TestCase("2031-03-08", "holiday", TestName = "A Saturday cannot be declared a holiday (400 on kind)")]
    [TestCase("2031-03-09", "holiday", TestName = "A Sunday cannot be declared a holiday (400 on kind)")]
    [TestCase("2031-03-05", "workday", TestName = "A Wednesday cannot be a make-up working day (400 on kind)")]
    [TestCase("2031-03-05", "festival", TestName = "A kind other than holiday or workday is refused (400 on kind)")]
    public async Task Calendar_entries_that_make_no_sense_are_refused(string date, string kind)
    {
        using var response = await _admin.PutAsJsonAsync($"/api/v1/admin/calendar/{date}", new { kind, nameZh = "测试", nameEn = "Test" });
        await AssertFieldErrorAsync(response, "kind");
        Assert.That((await _admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/calendar?year=2031"))!.Select(d => (string)d!["date"]!),
            Does.Not.Contain(date));
    }

    [Test]
    public async Task A_calendar_entry_without_a_kind_is_refused_rather_than_removing_the_day()
    {
        const string date = "2031-03-04"; // a Tuesday
        using var set = await _admin.PutAsJsonAsync($"/api/v1/admin/calendar/{date}", new { kind = "holiday", nameZh = "测试假日", nameEn = "Test day off" });
        Assert.That((int)set.StatusCode, Is.EqualTo(204));
        try
        {
            using var noKind = await _admin.PutAsJsonAsync($"/api/v1/admin/calendar/{date}", new { nameZh = "改名", nameEn = "Renamed" });
            await AssertFieldErrorAsync(noKind, "kind");
            var days = (await _admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/calendar?year=2031"))!;
            Assert.That(days.Single(d => (string)d!["date"]! == date)!["nameZh"]!.GetValue<string>(), Is.EqualTo("测试假日"), "the day is untouched");
        }
        finally
        {
            using var _ = await _admin.DeleteAsync($"/api/v1/admin/calendar/{date}");
        }
    }

    [Test]
    public async Task Removing_a_day_with_no_entry_is_404()
    {
        using var response = await _admin.DeleteAsync("/api/v1/admin/calendar/2031-03-06");
        await AssertProblemAsync(response, 404);
        Assert.That(await AuditAsync("action like 'calendar.%'"), Is.Empty, "nothing changed, nothing audited");
    }
}

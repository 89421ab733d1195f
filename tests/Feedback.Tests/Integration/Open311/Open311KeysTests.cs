using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using static Feedback.Tests.Integration.Staff.StaffSecurity;

namespace Feedback.Tests.Integration.Open311;

/// <summary>
/// Administrators issue, list and revoke Open311 keys: a key is shown once and stored hashed,
/// two live keys never share a name, a revoked key stops working at once, and each step is audited.
/// </summary>
public sealed class Open311KeysTests : Open311Test
{
    [Test]
    public async Task A_key_is_shown_once_stored_hashed_and_listed_by_its_first_characters()
    {
        using var admin = await StaffLogin.ClientAsync("admin");
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/open311-keys", new { name = "  12345 市民热线平台 ", requestsPerMinute = 120 });
        var issued = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var key = (string)issued["key"]!;
        var details = issued["details"]!;
        Assert.Multiple(() =>
        {
            Assert.That((int)created.StatusCode, Is.EqualTo(201));
            Assert.That(key, Does.Match("^fb311_[a-z2-9]{32}$"));
            Assert.That((string)details["name"]!, Is.EqualTo("12345 市民热线平台"));
            Assert.That((string)details["shown"]!, Is.EqualTo(key[..10]));
            Assert.That((int)details["requestsPerMinute"]!, Is.EqualTo(120));
            Assert.That((string)details["createdBy"]!, Is.EqualTo("系统管理员"));
            Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/admin/open311-keys/{(long)details["id"]!}"));
        });

        var list = await admin.GetStringAsync("/api/v1/admin/open311-keys");
        Assert.That(list, Does.Contain(key[..10]).And.Not.Contain(key[10..]), "never the value again");
        Assert.Multiple(async () =>
        {
            Assert.That(await CountAsync("open311_keys"), Is.EqualTo(1));
            Assert.That(await ScalarAsync<long>("select count(*) from open311_keys where key_hash = sha256(convert_to('" + key + "', 'UTF8'))"), Is.EqualTo(1));
            Assert.That(await ScalarAsync<long>("select count(*) from audit_log where action = 'open311_key.create' and actor_username = 'admin'"), Is.EqualTo(1));
            Assert.That(await ScalarAsync<long>("select count(*) from audit_log where after::text like '%" + key[10..] + "%'"), Is.Zero);
        });
    }

    [Test]
    public async Task Two_live_keys_never_share_a_name_but_a_revoked_ones_name_is_free_again()
    {
        using var admin = await StaffLogin.ClientAsync("admin");
        using var first = await admin.PostAsJsonAsync("/api/v1/admin/open311-keys", new { name = "乡镇 App" });
        var id = (long)(await first.Content.ReadFromJsonAsync<JsonObject>())!["details"]!["id"]!;
        using var again = await admin.PostAsJsonAsync("/api/v1/admin/open311-keys", new { name = "乡镇 App" });
        await AssertProblemAsync(again, 409);

        using var revoked = await admin.DeleteAsync($"/api/v1/admin/open311-keys/{id}");
        Assert.That((int)revoked.StatusCode, Is.EqualTo(204));
        using var reissued = await admin.PostAsJsonAsync("/api/v1/admin/open311-keys", new { name = "乡镇 App" });
        Assert.That((int)reissued.StatusCode, Is.EqualTo(201));

        var keys = (await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/open311-keys"))!;
        Assert.That(keys.Select(k => k!["revokedAt"] is null ? "live" : "revoked"), Is.EqualTo(new[] { "live", "revoked" }), "live keys first");
    }

    [TestCase("", null, "name")]
    [TestCase("   ", null, "name")]
    [TestCase("这是一个非常非常长的名字这是一个非常非常长的名字这是一个非常非常长的名字这是一个非常非常长的名字这是一个非", null, "name")]
    [TestCase("乡镇 App", 0, "requestsPerMinute")]
    [TestCase("乡镇 App", 10001, "requestsPerMinute")]
    public async Task A_bad_key_request_names_its_field_and_issues_nothing(string name, int? perMinute, string field)
    {
        using var admin = await StaffLogin.ClientAsync("admin");
        using var response = await admin.PostAsJsonAsync("/api/v1/admin/open311-keys", new { name, requestsPerMinute = perMinute });
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { field }));
        Assert.That(await CountAsync("open311_keys"), Is.Zero);
    }

    [Test]
    public async Task A_revoked_key_stops_working_at_once_and_keeps_its_cases()
    {
        var key = await IssueKeyAsync("12345 市民热线平台");
        await FiledAsync(await PostFormAsync(NoiseRequest(key)));

        using var admin = await StaffLogin.ClientAsync("admin");
        var id = (long)(await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/open311-keys"))!.Single()!["id"]!;
        using var revoke = await admin.DeleteAsync($"/api/v1/admin/open311-keys/{id}");
        using var twice = await admin.DeleteAsync($"/api/v1/admin/open311-keys/{id}");
        Assert.That(((int)revoke.StatusCode, (int)twice.StatusCode), Is.EqualTo((204, 204)), "revoking again changes nothing");

        await ErrorsAsync(await PostFormAsync(NoiseRequest(key)), 403);
        var listed = (await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/open311-keys"))!.Single()!;
        Assert.Multiple(async () =>
        {
            Assert.That(listed["revokedAt"], Is.Not.Null);
            Assert.That((long)listed["requestsFiled"]!, Is.EqualTo(1));
            Assert.That(listed["lastUsedAt"], Is.Not.Null);
            Assert.That(await ScalarAsync<long>("select count(*) from audit_log where action = 'open311_key.revoke'"), Is.EqualTo(1), "one revocation, one entry");
        });

        using var unknown = await admin.DeleteAsync("/api/v1/admin/open311-keys/999999");
        await AssertProblemAsync(unknown, 404);
    }
}

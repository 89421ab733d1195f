using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feedback.Tests.Integration.Staff;

/// <summary>
/// Administrators rename a category and change its deadlines: checked against the legal limits, versioned
/// (If-Match), audited, visible at once in the public list, and applied to deadlines set from then on only.
/// </summary>
public sealed class AdminCategoriesTests : IntegrationTest
{
    private HttpClient _admin = null!;

    [SetUp]
    public async Task SignInAdminAsync() => _admin = await StaffAsync("admin");

    [TearDown]
    public async Task RestoreAsync()
    {
        _admin.Dispose();
        await ExecuteAsync(
            "update categories set name_zh = '异味臭气', name_en = 'Odours', accept_within_days = 2, resolve_within_days = 15 where code = 'air.odor'");
        await App.Services.GetRequiredService<CategoryCatalog>().ReloadAfterEditAsync();
    }

    private async Task<HttpResponseMessage> PutAsync(HttpClient client, object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/admin/categories/air.odor") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }

    private async Task<JsonNode> OdorAsync() =>
        (await _admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/categories"))!.Single(c => (string?)c!["code"] == "air.odor")!;

    private static async Task<JsonNode> PublicOdorAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonArray>("/api/v1/categories"))!.Single(c => (string?)c!["code"] == "air.odor")!;

    [Test]
    public async Task A_renamed_category_with_new_deadlines_shows_at_once_and_times_new_cases_only()
    {
        var earlier = await SubmitAsync(ValidComplaint());
        var version = (int)(await OdorAsync())["version"]!;

        using var saved = await PutAsync(_admin, new { nameZh = " 异味、恶臭 ", nameEn = "Odours and stench", acceptWithinDays = 10, resolveWithinDays = 40 },
            $"\"{version}\"");
        var body = await saved.Content.ReadAsStringAsync();
        Assert.That((int)saved.StatusCode, Is.EqualTo(200), body);

        var later = await SubmitAsync(ValidComplaint());
        using var english = App.CreateHttpClient("en");
        var zh = await PublicOdorAsync(Client);
        var en = await PublicOdorAsync(english);
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var earlierAcceptBy = await connection.QuerySingleAsync<DateOnly>(
            "select accept_by from complaints where tracking_code = @code", new { code = (string)earlier["trackingCode"]! });
        var audit = await connection.QuerySingleAsync<(string Actor, string Target, string Before, string After)>(
            "select actor_username, target_id, before::text, after::text from audit_log where action = 'category.settings'");
        Assert.Multiple(() =>
        {
            Assert.That((int?)JsonNode.Parse(body)!["version"], Is.EqualTo(version + 1));
            Assert.That((string?)zh["name"], Is.EqualTo("异味、恶臭"), "trimmed");
            Assert.That((string?)en["name"], Is.EqualTo("Odours and stench"));
            Assert.That((int?)zh["acceptWithinDays"], Is.EqualTo(10));
            Assert.That((int?)zh["resolveWithinDays"], Is.EqualTo(40));
            // The case filed before keeps its deadline; the new one gets ten working days (at least eight more calendar days).
            Assert.That(earlierAcceptBy, Is.EqualTo(DateOnly.Parse((string)earlier["acceptBy"]!)));
            Assert.That(DateOnly.Parse((string)later["acceptBy"]!).DayNumber - earlierAcceptBy.DayNumber, Is.GreaterThanOrEqualTo(8));
            Assert.That(audit.Actor, Is.EqualTo("admin"));
            Assert.That(audit.Target, Is.EqualTo("air.odor"));
            Assert.That(audit.Before, Does.Contain("异味臭气"));
            Assert.That(audit.After, Does.Contain("异味、恶臭").And.Contain("\"resolveWithinDays\": 40"));
        });
    }

    [Test]
    public async Task Deadlines_beyond_the_legal_limits_and_blank_names_are_refused_field_by_field_and_change_nothing()
    {
        var before = (await OdorAsync()).ToJsonString();
        using var response = await PutAsync(_admin, new { nameZh = "  ", nameEn = "Odours", acceptWithinDays = 16, resolveWithinDays = 61 });
        var problem = await AssertProblemAsync(response, 400);
        using var zero = await PutAsync(_admin, new { nameZh = "异味", nameEn = new string('x', 81), acceptWithinDays = 0, resolveWithinDays = 0 });
        var zeroProblem = await AssertProblemAsync(zero, 400);
        Assert.Multiple(async () =>
        {
            Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { "nameZh", "acceptWithinDays", "resolveWithinDays" }));
            Assert.That(zeroProblem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { "nameEn", "acceptWithinDays", "resolveWithinDays" }));
            Assert.That((await OdorAsync()).ToJsonString(), Is.EqualTo(before));
            Assert.That((string?)(await PublicOdorAsync(Client))["name"], Is.EqualTo("异味臭气"));
            Assert.That(await CountAsync("audit_log where action = 'category.settings'"), Is.Zero);
        });
    }

    [Test]
    public async Task A_stale_version_gets_412_and_an_unknown_category_404()
    {
        var version = (int)(await OdorAsync())["version"]!;
        using var first = await PutAsync(_admin, new { nameZh = "异味甲", nameEn = "Odours A", acceptWithinDays = 2, resolveWithinDays = 15 }, $"\"{version}\"");
        Assert.That((int)first.StatusCode, Is.EqualTo(200));
        using var stale = await PutAsync(_admin, new { nameZh = "异味乙", nameEn = "Odours B", acceptWithinDays = 2, resolveWithinDays = 15 }, $"\"{version}\"");
        await AssertProblemAsync(stale, 412);
        using var unknown = await _admin.PutAsJsonAsync("/api/v1/admin/categories/no.such",
            new { nameZh = "无", nameEn = "None", acceptWithinDays = 2, resolveWithinDays = 15 });
        await AssertProblemAsync(unknown, 404);
        Assert.That((string?)(await OdorAsync())["nameZh"], Is.EqualTo("异味甲"));
    }

    [TestCase("leader")]
    [TestCase("enforcement")]
    [TestCase("enforcement.staff")]
    public async Task Only_an_administrator_may_change_a_category(string username)
    {
        using var staff = await StaffAsync(username);
        using var response = await PutAsync(staff, new { nameZh = "异味", nameEn = "Odours", acceptWithinDays = 3, resolveWithinDays = 15 });
        using var anonymous = await PutAsync(Client, new { nameZh = "异味", nameEn = "Odours", acceptWithinDays = 3, resolveWithinDays = 15 });
        Assert.Multiple(async () =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(403));
            Assert.That((int)anonymous.StatusCode, Is.EqualTo(401));
            Assert.That((int?)(await PublicOdorAsync(Client))["acceptWithinDays"], Is.EqualTo(2));
        });
    }
}

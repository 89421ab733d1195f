using System.Net.Http.Json;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration;

/// <summary>One rule set for text and dates everywhere: the inputs that reached PostgreSQL as 500s are 400s naming the field.</summary>
public sealed class InputRulesTests : IntegrationTest
{
    [TestCase("/api/v1/staff/complaints?to=9999-12-31", "to")]
    [TestCase("/api/v1/staff/complaints?from=0001-01-01", "from")]
    [TestCase("/api/v1/staff/complaints?format=csv&to=9999-12-31", "to")]
    [TestCase("/api/v1/metrics/summary?to=9999-12-31", "to")]
    [TestCase("/api/v1/metrics/breakdown?by=section&from=0001-01-01", "from")]
    [TestCase("/api/v1/metrics/ranking?to=0001-01-01", "to")]
    [TestCase("/api/v1/staff/complaints?township=%00", "township")]
    [TestCase("/api/v1/staff/complaints?category=a%00b", "category")]
    [TestCase("/api/v1/metrics/summary?township=%01", "township")]
    [TestCase("/api/v1/complaints/similar?categoryCode=air.odor&township=%7F", "township")]
    public async Task Out_of_range_dates_and_control_characters_in_a_query_are_a_400_naming_the_parameter(string url, string field)
    {
        using var leader = await StaffAsync("leader");
        using var response = await leader.GetAsync(url);
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Does.Contain(field), problem.ToJsonString());
    }

    [Test]
    public async Task A_NUL_in_a_sign_in_name_or_a_display_name_is_a_400_naming_the_field_and_changes_nothing()
    {
        using var login = await Client.PostAsJsonAsync("/api/v1/auth/login", new { username = "ad\u0000min", password = "demo-2026" });
        using var admin = await StaffAsync("admin");
        using var create = await admin.PostAsJsonAsync("/api/v1/admin/users",
            new { username = "nul.user", displayName = "王\u0000五", role = "leader", password = "Test-pass-2026" });
        var loginProblem = await AssertProblemAsync(login, 400);
        var createProblem = await AssertProblemAsync(create, 400);
        Assert.Multiple(async () =>
        {
            Assert.That((string?)loginProblem["errors"]!["username"]![0], Is.EqualTo("包含不允许的控制字符"));
            Assert.That((string?)createProblem["errors"]!["displayName"]![0], Is.EqualTo("包含不允许的控制字符"));
            Assert.That(await CountAsync("staff_users where username = 'nul.user'"), Is.Zero);
        });
    }

    [Test]
    public async Task Line_breaks_and_tabs_stay_welcome_in_a_description()
    {
        var complaint = new { categoryCode = "air.odor", description = "第一行：夜里有异味。\n第二行：\t持续一周。", township = "剡湖街道" };
        using var response = await Client.PostAsJsonAsync("/api/v1/complaints", complaint);
        Assert.That((int)response.StatusCode, Is.EqualTo(201), await response.Content.ReadAsStringAsync());
    }
}

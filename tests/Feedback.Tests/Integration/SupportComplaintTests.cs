using System.Text.Json.Nodes;
using Dapper;
using Feedback.Tests.Support;
using Npgsql;

namespace Feedback.Tests.Integration;

/// <summary>POST /api/v1/complaints/{code}/support: "me too", once per device, on open public cases only.</summary>
public sealed class SupportComplaintTests : IntegrationTest
{
    private const string DeviceA = "device-a-0123456789abcdefghij";
    private const string DeviceB = "device-b-0123456789abcdefghij";

    private async Task<string> FileAsync(string category = "air.odor") =>
        (string)(await SubmitAsync(ValidComplaint(category)))["trackingCode"]!;

    private async Task<HttpResponseMessage> SupportAsync(string code, string? device, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/{code}/support");
        if (device is not null) request.Headers.TryAddWithoutValidation("X-Device-Token", device);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return await Client.SendAsync(request);
    }

    private async Task<JsonObject> SupportOkAsync(string code, string device)
    {
        using var response = await SupportAsync(code, device);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static async Task<(int Count, long Rows)> StoredAsync(string code)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        return await connection.QuerySingleAsync<(int, long)>(
            """
            select c.support_count, (select count(*) from complaint_supports s where s.complaint_id = c.id)
            from complaints c where c.tracking_code = @code
            """, new { code });
    }

    private static async Task SetStatusAsync(string code, string status)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await connection.ExecuteAsync("""
            update complaints set status = @status,
                   merged_into_id = case when @status = 'merged' then (select min(id) from complaints where tracking_code <> @code) end
            where tracking_code = @code
            """, new { code, status });
    }

    [Test]
    public async Task One_device_counts_once_and_a_second_support_changes_nothing_and_says_so()
    {
        var code = await FileAsync();
        var (_, versionBefore) = await GetCaseAsync(await StaffAsync("leader"), code);

        var first = await SupportOkAsync(code, DeviceA);
        var again = await SupportOkAsync(code.ToLowerInvariant(), DeviceA);
        Assert.Multiple(async () =>
        {
            Assert.That((int)first["supportCount"]!, Is.EqualTo(1));
            Assert.That((bool)first["alreadySupported"]!, Is.False);
            Assert.That((string)first["message"]!, Does.Contain("无需重复投诉"));
            Assert.That((string)first["trackingCode"]!, Is.EqualTo(code));
            Assert.That((int)again["supportCount"]!, Is.EqualTo(1));
            Assert.That((bool)again["alreadySupported"]!, Is.True);
            Assert.That((string)again["message"]!, Does.Contain("已经支持过"));
            Assert.That(await StoredAsync(code), Is.EqualTo((1, 1L)));
        });

        var (_, versionAfter) = await GetCaseAsync(await StaffAsync("leader"), code);
        Assert.That(versionAfter, Is.EqualTo(versionBefore), "a citizen's support does not make a clerk's next action stale");
    }

    [Test]
    public async Task Different_devices_count_twice_and_the_count_is_visible_to_staff()
    {
        var code = await FileAsync();
        await SupportOkAsync(code, DeviceA);
        var second = await SupportOkAsync(code, DeviceB);
        Assert.That((int)second["supportCount"]!, Is.EqualTo(2));
        Assert.That(await StoredAsync(code), Is.EqualTo((2, 2L)));

        using var clerk = await StaffAsync("enforcement.staff");
        var (detail, _) = await GetCaseAsync(clerk, code);
        using var queue = await clerk.GetAsync("/api/v1/staff/complaints");
        var items = JsonNode.Parse(await queue.Content.ReadAsStringAsync())!["items"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That((int)detail["supportCount"]!, Is.EqualTo(2));
            Assert.That((int)items.Single(i => (string)i!["trackingCode"]! == code)!["supportCount"]!, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Concurrent_supports_from_one_device_count_once()
    {
        var code = await FileAsync();
        for (var round = 0; round < 5; round++)
        {
            var device = $"concurrent-{round}-0123456789abcdefghij";
            var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SupportAsync(code, device)));
            var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
            Assert.That(responses.Select(r => (int)r.StatusCode), Is.All.EqualTo(200), string.Join("\n", bodies));
            Assert.That(bodies.Count(b => (bool)JsonNode.Parse(b)!["alreadySupported"]! == false), Is.EqualTo(1), "exactly one was new");
            foreach (var response in responses) response.Dispose();
            Assert.That(await StoredAsync(code), Is.EqualTo((round + 1, round + 1L)));
        }
    }

    [Test]
    public async Task A_conduct_case_and_an_unknown_code_are_the_same_404_and_store_nothing()
    {
        var conduct = await FileAsync("conduct.inaction");
        using var hidden = await SupportAsync(conduct, DeviceA);
        using var unknown = await SupportAsync("23456789ABCD", DeviceA);
        using var malformed = await SupportAsync("not-a-code", DeviceA);
        var hiddenProblem = await AssertProblemAsync(hidden, 404);
        var unknownProblem = await AssertProblemAsync(unknown, 404);
        await AssertProblemAsync(malformed, 404);
        Assert.Multiple(async () =>
        {
            Assert.That((string?)hiddenProblem["title"], Is.EqualTo((string?)unknownProblem["title"]));
            Assert.That(await StoredAsync(conduct), Is.EqualTo((0, 0L)));
        });
    }

    [TestCase("resolved", "已办结")]
    [TestCase("closed", "已关闭")]
    [TestCase("rejected", "不予受理")]
    [TestCase("merged", "已合并")]
    public async Task A_case_no_longer_open_is_a_409_that_says_so(string status, string words)
    {
        await FileAsync(); // what a merged case points at
        var code = await FileAsync();
        await SetStatusAsync(code, status);
        using var response = await SupportAsync(code, DeviceA);
        var problem = await AssertProblemAsync(response, 409);
        Assert.Multiple(async () =>
        {
            Assert.That((string?)problem["title"], Is.EqualTo("该案件已不在办理中，不能再表示支持"));
            Assert.That((string?)problem["detail"], Does.Contain(words));
            Assert.That(await StoredAsync(code), Is.EqualTo((0, 0L)));
        });
    }

    [TestCase(null)]
    [TestCase("short")]
    [TestCase("has spaces in it 0123456789abcdef")]
    public async Task A_missing_or_malformed_device_token_is_a_400_naming_it(string? device)
    {
        var code = await FileAsync();
        using var response = await SupportAsync(code, device, "en");
        var problem = await AssertProblemAsync(response, 400);
        Assert.Multiple(async () =>
        {
            Assert.That((string?)problem["errors"]!["deviceToken"]![0], Does.Contain("X-Device-Token"));
            Assert.That(await StoredAsync(code), Is.EqualTo((0, 0L)));
        });
    }

    [Test]
    public async Task Support_does_not_need_the_query_password_and_shows_in_the_similar_list()
    {
        var code = await FileAsync();
        await SupportOkAsync(code, DeviceA);
        using var response = await Client.GetAsync("/api/v1/complaints/similar?categoryCode=air.dust&township=" + Uri.EscapeDataString("剡湖街道"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That((int)body["items"]![0]!["supportCount"]!, Is.EqualTo(1));
    }

    [Test]
    public async Task A_client_on_another_configured_origin_may_send_the_device_token()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString,
            settings: new Dictionary<string, string> { ["FEEDBACK_CORS_ORIGINS"] = "https://good.example" });
        app.StartServer();
        using var client = app.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/complaints/23456789ABCD/support");
        request.Headers.Add("Origin", "https://good.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-device-token");
        using var response = await client.SendAsync(request);
        Assert.That(response.Headers.TryGetValues("Access-Control-Allow-Headers", out var allowed) ? string.Join(",", allowed) : "",
            Does.Contain("X-Device-Token").IgnoreCase);
    }

}

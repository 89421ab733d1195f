using System.Text.Json.Nodes;
using Dapper;
using Feedback.Tests.Support;
using Npgsql;

namespace Feedback.Tests.Integration;

/// <summary>
/// POST /api/v1/complaints/similar/{supportId}/support: "me too", by the public support id (never the
/// tracking code), once per device, at most three devices per address, on open public cases only.
/// </summary>
public sealed class SupportComplaintTests : IntegrationTest
{
    private const string DeviceA = "device-a-0123456789abcdefghij";
    private const string DeviceB = "device-b-0123456789abcdefghij";

    private async Task<string> FileAsync(string category = "air.odor") =>
        (string)(await SubmitAsync(ValidComplaint(category)))["trackingCode"]!;

    private static async Task<string> SupportIdAsync(string code)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        return (await connection.QuerySingleOrDefaultAsync<Guid?>("select support_id from complaints where tracking_code = @code", new { code }))?.ToString()
            ?? Guid.NewGuid().ToString(); // an unknown case: an id nothing has
    }

    private async Task<HttpResponseMessage> SupportAsync(string code, string? device, string? language = null, HttpClient? client = null,
        string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/complaints/similar/{await SupportIdAsync(code)}/support");
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (device is not null) request.Headers.TryAddWithoutValidation("X-Device-Token", device);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return await (client ?? Client).SendAsync(request);
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
        var again = await SupportOkAsync(code, DeviceA);
        Assert.Multiple(async () =>
        {
            Assert.That((int)first["supportCount"]!, Is.EqualTo(1));
            Assert.That((bool)first["alreadySupported"]!, Is.False);
            Assert.That((string)first["message"]!, Does.Contain("无需重复投诉"));
            Assert.That((string)first["supportId"]!, Is.EqualTo(await SupportIdAsync(code)));
            Assert.That(first.ContainsKey("trackingCode"), Is.False, "the answer never names the tracking code");
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
        // As many devices as one address may bring (all of them come from 127.0.0.1).
        for (var round = 0; round < Feedback.Api.Features.Complaints.SupportComplaint.MaxPerAddress; round++)
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
    public async Task A_conduct_case_an_unknown_id_and_a_tracking_code_are_the_same_404_and_store_nothing()
    {
        var conduct = await FileAsync("conduct.inaction");
        var open = await FileAsync();
        using var hidden = await SupportAsync(conduct, DeviceA);
        using var unknown = await SupportAsync("23456789ABCD", DeviceA);
        using var byTrackingCode = await Client.PostAsync($"/api/v1/complaints/similar/{open}/support", null);
        using var oldRoute = await Client.PostAsync($"/api/v1/complaints/{open}/support", null);
        var hiddenProblem = await AssertProblemAsync(hidden, 404);
        var unknownProblem = await AssertProblemAsync(unknown, 404);
        await AssertProblemAsync(byTrackingCode, 404);
        Assert.That((int)oldRoute.StatusCode, Is.EqualTo(404).Or.EqualTo(405), "a tracking code opens no support");
        Assert.That(await StoredAsync(open), Is.EqualTo((0, 0L)));
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
        var text = await response.Content.ReadAsStringAsync();
        var item = JsonNode.Parse(text)!["items"]![0]!;
        Assert.Multiple(async () =>
        {
            Assert.That((int)item["supportCount"]!, Is.EqualTo(1));
            Assert.That((string?)item["supportId"], Is.EqualTo(await SupportIdAsync(code)));
            Assert.That(text, Does.Not.Contain(code), "the public list never holds a tracking code");
            Assert.That((string?)item["place"], Is.EqualTo("城东路附近"), "the street or landmark, without the house number");
        });
    }

    [Test]
    public async Task The_citizen_who_supported_follows_the_case_by_its_support_id_and_a_conduct_case_stays_hidden()
    {
        var code = await FileAsync();
        await SupportOkAsync(code, DeviceA);
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, code, "accept");
        using var followed = await Client.GetAsync($"/api/v1/complaints/similar/{await SupportIdAsync(code)}");
        var item = JsonNode.Parse(await followed.Content.ReadAsStringAsync())!;
        using var conduct = await Client.GetAsync($"/api/v1/complaints/similar/{await SupportIdAsync(await FileAsync("conduct.inaction"))}");
        Assert.Multiple(async () =>
        {
            Assert.That((int)followed.StatusCode, Is.EqualTo(200));
            Assert.That((string?)item["status"], Is.EqualTo("accepted"));
            Assert.That((int)item["supportCount"]!, Is.EqualTo(1));
            await AssertProblemAsync(conduct, 404);
        });
    }

    [Test]
    public async Task Fresh_device_tokens_from_one_address_count_three_times_and_staff_see_the_burst()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString,
            settings: new Dictionary<string, string> { ["FEEDBACK_TRUSTED_PROXIES"] = "127.0.0.1" });
        app.StartServer();
        using var client = app.CreateHttpClient();
        var code = await FileAsync();

        var statuses = new List<int>();
        for (var token = 0; token < 50; token++)
        {
            using var response = await SupportAsync(code, $"fresh-token-{token:D3}-0123456789abcdef", client: client, forwardedFor: "203.0.113.66");
            statuses.Add((int)response.StatusCode);
        }
        using var neighbour = await SupportAsync(code, DeviceB, client: client, forwardedFor: "198.51.100.7");
        using var clerk = await StaffAsync("enforcement.staff");
        var (detail, _) = await GetCaseAsync(clerk, code);
        Assert.Multiple(async () =>
        {
            Assert.That(statuses.Take(3), Is.All.EqualTo(200));
            Assert.That(statuses.Skip(3), Is.All.EqualTo(429), "a fourth device from the same address is refused");
            Assert.That((int)neighbour.StatusCode, Is.EqualTo(200), "another address still counts");
            Assert.That(await StoredAsync(code), Is.EqualTo((4, 4L)));
            Assert.That((int)detail["supportCount"]!, Is.EqualTo(4));
            Assert.That((int)detail["supports"]!["addresses"]!, Is.EqualTo(2));
            Assert.That((int)detail["supports"]!["largestBurst"]!, Is.EqualTo(4), "all four within ten minutes");
        });
    }

    [Test]
    public async Task A_client_on_another_configured_origin_may_send_the_device_token()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString,
            settings: new Dictionary<string, string> { ["FEEDBACK_CORS_ORIGINS"] = "https://good.example" });
        app.StartServer();
        using var client = app.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, $"/api/v1/complaints/similar/{Guid.NewGuid()}/support");
        request.Headers.Add("Origin", "https://good.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-device-token");
        using var response = await client.SendAsync(request);
        Assert.That(response.Headers.TryGetValues("Access-Control-Allow-Headers", out var allowed) ? string.Join(",", allowed) : "",
            Does.Contain("X-Device-Token").IgnoreCase);
    }

}

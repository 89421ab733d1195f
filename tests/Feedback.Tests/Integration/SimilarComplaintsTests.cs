using System.Text.Json.Nodes;
using Dapper;
using Feedback.Tests.Support;
using Npgsql;

namespace Feedback.Tests.Integration;

/// <summary>GET /api/v1/complaints/similar: open cases of the same group, recent and nearby, public summaries only.</summary>
public sealed class SimilarComplaintsTests : IntegrationTest
{
    // A pin in Shengzhou (inside the default service area) and points at known distances from it.
    private const double Lat = 29.5866, Lng = 120.8203;
    private const double Near = 0.005;  // 556 m of latitude
    private const double Far = 0.012;   // 1,334 m of latitude

    private const string Description = "城东路化工厂夜里排放刺鼻废气，联系我 138-0013-8000 或 wang.li@example.cn，身份证 33068319800101123X，已持续一周，希望尽快派人到现场检查处理。附近还有学校和幼儿园，孩子们上学放学都要经过这里。";

    /// <summary>Files a case through the API, then moves it in time, place and status as a test needs; returns its support id.</summary>
    private async Task<string> CaseAsync(string category = "air.odor", string? township = "剡湖街道", double? lat = null, double? lng = null,
        string status = "submitted", int daysAgo = 0, string description = Description)
    {
        var code = (string)(await SubmitAsync(new
        {
            categoryCode = category, description, township, address = "城东路 88 号 3 单元 502 室",
            contact = new { name = "王丽华", phone = "13800138000", email = "wang@example.cn" },
        }))["trackingCode"]!;
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await connection.ExecuteAsync(
            """
            update complaints set status = @status, latitude = @lat, longitude = @lng,
                   submitted_at = submitted_at - make_interval(days => @daysAgo),
                   merged_into_id = case when @status = 'merged' then (select min(id) from complaints) end
            where tracking_code = @code
            """, new { code, status, lat, lng, daysAgo });
        return (await connection.QuerySingleAsync<Guid>("select support_id from complaints where tracking_code = @code", new { code })).ToString();
    }

    private async Task<(JsonObject Body, string Raw)> SimilarAsync(string query, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/complaints/similar" + query);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await Client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), raw);
        return (JsonNode.Parse(raw)!.AsObject(), raw);
    }

    private static List<string> Codes(JsonObject body) => body["items"]!.AsArray().Select(i => (string)i!["supportId"]!).ToList();

    private static string Query(string category, string? township = null, double? lat = null, double? lng = null) =>
        $"?categoryCode={category}"
        + (township is null ? "" : "&township=" + Uri.EscapeDataString(township))
        + (lat is null ? "" : $"&lat={lat.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}&lng={lng!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    [Test]
    public async Task Open_recent_cases_of_the_same_group_in_the_same_township_are_listed_and_nothing_else()
    {
        var sameCategory = await CaseAsync("air.odor");
        var sameGroup = await CaseAsync("air.dust", status: "in_progress");
        var accepted = await CaseAsync("air.burning", status: "accepted", daysAgo: 29);
        await CaseAsync("water.river");                                   // another group
        await CaseAsync("conduct.inaction");                              // confidential
        await CaseAsync("air.odor", daysAgo: 31);                         // older than 30 days
        foreach (var status in new[] { "resolved", "closed", "rejected", "merged" })
            await CaseAsync("air.odor", status: status);                  // no longer open
        await CaseAsync("air.odor", township: "三江街道");                 // another township, no pin
        await CaseAsync("air.odor", township: null);                      // no township, no pin

        var (body, _) = await SimilarAsync(Query("air.odor", "剡湖街道"));
        Assert.That(Codes(body), Is.EqualTo(new[] { sameGroup, sameCategory, accepted }), "newest first");
        Assert.That((int)body["radiusMetres"]!, Is.EqualTo(1000));
    }

    [Test]
    public async Task Another_township_counts_only_within_the_radius_of_the_pin()
    {
        var near = await CaseAsync(township: "三江街道", lat: Lat + Near, lng: Lng);
        var nearer = await CaseAsync(township: null, lat: Lat, lng: Lng + 0.002); // 193 m east
        await CaseAsync(township: "三江街道", lat: Lat + Far, lng: Lng);
        await CaseAsync(township: "三江街道", lat: Lat + 0.007, lng: Lng + 0.008); // 1,097 m: in the box's corner, not in the circle
        var sameTownshipNoPin = await CaseAsync(township: "剡湖街道");
        await CaseAsync("conduct.inaction", township: "三江街道", lat: Lat, lng: Lng);

        var (body, _) = await SimilarAsync(Query("air.odor", "剡湖街道", Lat, Lng));
        Assert.That(Codes(body), Is.EqualTo(new[] { nearer, near, sameTownshipNoPin }), "nearest first, cases without a distance last");
        var items = body["items"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That((int?)items[0]!["distanceMetres"], Is.EqualTo(200), "193 m, rounded up to 100 m");
            Assert.That((int?)items[1]!["distanceMetres"], Is.EqualTo(600));
            Assert.That(items[2]!["distanceMetres"], Is.Null);
        });

        var (withoutTownship, _) = await SimilarAsync(Query("air.dust", null, Lat, Lng));
        Assert.That(Codes(withoutTownship), Is.EqualTo(new[] { nearer, near }), "the pin alone, same group");
    }

    [Test]
    public async Task The_summary_is_public_safe_no_contact_address_or_description()
    {
        var supportId = await CaseAsync(lat: Lat, lng: Lng);
        string code;
        await using (var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString))
            code = await connection.QuerySingleAsync<string>(
                "update complaints set support_count = 3 where support_id = @id::uuid returning tracking_code", new { id = supportId });

        var (body, answer) = await SimilarAsync(Query("air.odor", "剡湖街道", Lat, Lng));
        var item = body["items"]![0]!.AsObject();
        // Apart from the random support id, whose hex digits may spell any number.
        var raw = answer.Replace((string)item["supportId"]!, "");
        Assert.Multiple(() =>
        {
            Assert.That(raw, Does.Not.Contain("13800138000").And.Not.Contain("138-0013-8000"), "phone, in the contact or the text");
            Assert.That(raw, Does.Not.Contain("wang"), "e-mail, in the contact or the text");
            Assert.That(raw, Does.Not.Contain("王丽华"), "name");
            Assert.That(raw, Does.Not.Contain("33068319800101123X").And.Not.Contain("330683"), "ID number");
            Assert.That(raw, Does.Not.Contain("88").And.Not.Contain("502").And.Not.Contain("单元"), "house, unit and room numbers");
            Assert.That((string?)item["place"], Is.EqualTo("城东路"), "the street as given");
            Assert.That(raw, Does.Not.Contain(code), "never the tracking code: half of the key to the case");
            Assert.That(raw, Does.Not.Contain("城东路化工厂").And.Not.Contain("孩子们上学放学"), "nothing of the description");
            Assert.That(raw, Does.Not.Contain("section").And.Not.Contain("assignee").And.Not.Contain("photo").And.Not.Contain("latitude"));
            Assert.That(item.Select(p => p.Key), Is.EquivalentTo(new[]
            {
                "supportId", "categoryCode", "categoryName", "township", "place", "submittedOn", "submittedAt", "status", "statusText",
                "supportCount", "distanceMetres",
            }));
            Assert.That((string)item["categoryName"]!, Is.EqualTo("异味臭气"));
            Assert.That((string)item["statusText"]!, Is.EqualTo("待受理"));
            Assert.That((string)item["status"]!, Is.EqualTo("submitted"));
            Assert.That((int)item["supportCount"]!, Is.EqualTo(3));
            Assert.That((string)item["submittedOn"]!, Does.Match(@"^\d{4}-\d{2}-\d{2}$"), "the bureau's date");
            Assert.That(DateTimeOffset.Parse((string)item["submittedAt"]!).Minute, Is.Zero, "to the hour, no finer");
        });

        var (english, _) = await SimilarAsync(Query("air.odor", "剡湖街道"), "en");
        Assert.Multiple(() =>
        {
            Assert.That((string)english["items"]![0]!["categoryName"]!, Is.EqualTo("Odours"));
            Assert.That((string)english["items"]![0]!["statusText"]!, Is.EqualTo("Awaiting acceptance"));
        });
    }

    [Test]
    public async Task A_confidential_category_gets_an_empty_list_and_so_does_a_query_with_no_place()
    {
        await CaseAsync("conduct.inaction", lat: Lat, lng: Lng);
        await CaseAsync("air.odor", lat: Lat, lng: Lng);
        Assert.Multiple(async () =>
        {
            Assert.That(Codes((await SimilarAsync(Query("conduct.inaction", "剡湖街道", Lat, Lng))).Body), Is.Empty);
            Assert.That(Codes((await SimilarAsync(Query("air.odor"))).Body), Is.Empty, "no township and no pin: nothing is nearby");
        });
    }

    [Test]
    public async Task At_most_ten_are_listed_newest_first()
    {
        var codes = new List<string>();
        for (var day = 0; day < 12; day++) codes.Add(await CaseAsync(daysAgo: day));
        var (body, _) = await SimilarAsync(Query("air.odor", "剡湖街道"));
        Assert.That(Codes(body), Is.EqualTo(codes.Take(10)));
    }

    [TestCase("", "categoryCode")]
    [TestCase("?categoryCode=air.nothing&township=x", "categoryCode")]
    [TestCase("?categoryCode=air.odor&lat=29.5", "lng")]
    [TestCase("?categoryCode=air.odor&lng=120.8", "lat")]
    [TestCase("?categoryCode=air.odor&lat=abc&lng=120.8", "lat")]
    [TestCase("?categoryCode=air.odor&lat=29.5&lng=1e2", "lng")]
    [TestCase("?categoryCode=air.odor&lat=NaN&lng=120.8", "lat")]
    [TestCase("?categoryCode=air.odor&lat=91&lng=120.8", "lat")]
    [TestCase("?categoryCode=air.odor&lat=29.5&lng=-181", "lng")]
    [TestCase("?categoryCode=air.odor&lat=39.9&lng=116.4", "lat")] // Beijing: outside the bureau's area
    [TestCase("?categoryCode=air.odor&lat=29.5&lng=116.4", "lng")]
    public async Task Bad_input_is_a_400_naming_the_field(string query, string field)
    {
        using var response = await Client.GetAsync("/api/v1/complaints/similar" + query);
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Does.Contain(field), problem.ToJsonString());
    }

    [Test]
    public async Task A_township_longer_than_fifty_characters_is_refused()
    {
        using var response = await Client.GetAsync("/api/v1/complaints/similar?categoryCode=air.odor&township=" + new string('镇', 51));
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "township" }));
    }
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feedback.Tests.Integration;

/// <summary>Guided reporting: guidance, questions, townships and the map pin, from the catalog to the staff case page.</summary>
public sealed class GuidedReportingTests : IntegrationTest
{
    private static JsonNode Category(JsonArray categories, string code) => categories.Single(c => (string?)c!["code"] == code)!;

    [Test]
    public async Task Categories_carry_guidance_urgency_and_questions_in_the_callers_language()
    {
        var zh = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/categories"))!;
        using var english = App.CreateHttpClient("en");
        var en = (await english.GetFromJsonAsync<JsonArray>("/api/v1/categories"))!;

        var when = Category(zh, "noise.construction")["questions"]![0]!;
        var company = Category(zh, "water.industrial")["questions"]![0]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)Category(zh, "noise.construction")["guidance"], Does.Contain("22 点"));
            Assert.That((string?)Category(en, "noise.construction")["guidance"], Does.Contain("10 pm"));
            Assert.That((string?)when["key"], Is.EqualTo("when"));
            Assert.That((string?)when["kind"], Is.EqualTo("choice"));
            Assert.That((bool?)when["required"], Is.True);
            Assert.That((string?)when["label"], Is.EqualTo("噪声出现在什么时间？"));
            Assert.That(when["options"]!.AsArray().Select(o => (string?)o!["value"]), Is.EqualTo(new[] { "day", "night", "both" }));
            Assert.That((string?)when["options"]![1]!["label"], Does.StartWith("夜间"));
            Assert.That((string?)Category(en, "noise.construction")["questions"]![0]!["options"]![1]!["label"], Does.StartWith("At night"));
            Assert.That((string?)company["kind"], Is.EqualTo("text"));
            Assert.That((bool?)company["required"], Is.False);
            Assert.That((int?)company["maxLength"], Is.EqualTo(100));
            foreach (var code in new[] { "water.industrial", "air.industrial", "noise.industrial" })
                Assert.That(Category(zh, code)["questions"]!.AsArray().Select(q => (string?)q!["key"]), Does.Contain("company"), code);
            foreach (var code in new[] { "noise.industrial", "noise.construction", "noise.social" })
                Assert.That(Category(zh, code)["questions"]!.AsArray().Select(q => (string?)q!["key"]), Does.Contain("when"), code);
            Assert.That(zh.Where(c => (bool)c!["urgent"]!).Select(c => (string?)c!["code"]), Is.EqualTo(new[] { "water.drinking" }));
            Assert.That(zh.All(c => !string.IsNullOrWhiteSpace((string?)c!["guidance"])), Is.True, "every category has guidance");
        });
    }

    [Test]
    public async Task Townships_are_listed_in_order_with_the_value_to_send_and_the_name_in_the_callers_language()
    {
        var zh = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/townships"))!;
        using var english = App.CreateHttpClient("en");
        var en = (await english.GetFromJsonAsync<JsonArray>("/api/v1/townships"))!;
        Assert.Multiple(() =>
        {
            Assert.That(zh, Has.Count.EqualTo(20), "4 subdistricts, 10 towns, 6 townships");
            Assert.That((string?)zh[0]!["value"], Is.EqualTo("剡湖街道"));
            Assert.That((string?)zh[0]!["name"], Is.EqualTo("剡湖街道"));
            Assert.That((string?)en[0]!["value"], Is.EqualTo("剡湖街道"));
            Assert.That((string?)en[0]!["name"], Is.EqualTo("Shanhu Subdistrict"));
            Assert.That(zh.Select(t => (string?)t!["value"]), Does.Contain("甘霖镇").And.Contain("通源乡").And.Contain("浦口街道"));
        });
    }

    [Test]
    public async Task The_service_area_is_public()
    {
        var area = (await Client.GetFromJsonAsync<JsonObject>("/api/v1/service-area"))!;
        Assert.That(((double)area["south"]!, (double)area["west"]!, (double)area["north"]!, (double)area["east"]!),
            Is.EqualTo((29.30, 120.50, 29.90, 121.20)));
    }

    private static object Noise(object? answers = null, string? township = "鹿山街道", double? latitude = null, double? longitude = null) => new
    {
        categoryCode = "noise.construction",
        description = "工地每天夜里十一点以后还在打桩。",
        township,
        answers = answers ?? new Dictionary<string, string> { ["when"] = "night" },
        latitude,
        longitude,
    };

    [Test]
    public async Task Answers_township_and_pin_are_stored_and_urgency_is_copied_from_the_category()
    {
        var noise = await SubmitAsync(Noise(new Dictionary<string, string> { ["when"] = " night " }, latitude: 29.5886, longitude: 120.8210));
        var drinking = await SubmitAsync(new
        {
            categoryCode = "water.drinking", description = "水库边有人倾倒油桶。",
            answers = new Dictionary<string, string>(),
        });
        var industrial = await SubmitAsync(new
        {
            categoryCode = "water.industrial", description = "印染厂偷排污水。",
            answers = new Dictionary<string, string> { ["company"] = "  嵊州某印染厂 " },
        });

        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        async Task<(string Answers, bool Urgent, double? Lat, double? Lon, string? Township)> Stored(JsonObject filed) =>
            await connection.QuerySingleAsync<(string, bool, double?, double?, string?)>(
                "select answers::text, urgent, latitude, longitude, township from complaints where tracking_code = @code",
                new { code = (string)filed["trackingCode"]! });
        var n = await Stored(noise);
        var d = await Stored(drinking);
        var i = await Stored(industrial);
        Assert.Multiple(() =>
        {
            Assert.That(n.Answers, Is.EqualTo("""{"when": "night"}"""));
            Assert.That(n.Urgent, Is.False);
            Assert.That((n.Lat, n.Lon), Is.EqualTo((29.5886, 120.8210)));
            Assert.That(n.Township, Is.EqualTo("鹿山街道"));
            Assert.That(d.Urgent, Is.True, "drinking-water sources are urgent");
            Assert.That(d.Answers, Is.EqualTo("{}"));
            Assert.That((d.Lat, d.Lon), Is.EqualTo(((double?)null, (double?)null)));
            Assert.That(i.Answers, Is.EqualTo("""{"company": "嵊州某印染厂"}"""));
        });
    }

    public static IEnumerable<TestCaseData> BadGuidedInput()
    {
        const string tail = "\"categoryCode\":\"noise.construction\",\"description\":\"工地夜里打桩\",\"township\":\"剡湖街道\"}";
        yield return new TestCaseData("""{"answers":{},""" + tail, new[] { "answers.when" }).SetName("required answer missing");
        yield return new TestCaseData("""{"answers":{"when":"  "},""" + tail, new[] { "answers.when" }).SetName("required answer blank");
        yield return new TestCaseData("""{"answers":{"when":"evening"},""" + tail, new[] { "answers.when" }).SetName("choice not among the options");
        yield return new TestCaseData("""{"answers":{"when":"night","smell":"臭"},""" + tail, new[] { "answers.smell" }).SetName("unknown answer key");
        yield return new TestCaseData("""{"answers":{"when":"night\u0007"},""" + tail, new[] { "answers.when" }).SetName("control character in an answer");
        yield return new TestCaseData("""{"answers":{"when":3},""" + tail, new[] { "answers.when" }).SetName("answer of the wrong JSON type");
        yield return new TestCaseData("""{"answers":["night"],""" + tail, new[] { "answers" }).SetName("answers not an object");
        yield return new TestCaseData($$$"""{"categoryCode":"water.industrial","description":"偷排","answers":{"company":"{{{new string('厂', 101)}}}"}}""",
            new[] { "answers.company" }).SetName("text answer over its maximum length");
        yield return new TestCaseData($$$"""{"categoryCode":"water.industrial","description":"偷排","answers":{"company":"a\u0000b"}}""",
            new[] { "answers.company" }).SetName("NUL in a text answer");
        yield return new TestCaseData("""{"categoryCode":"air.odor","description":"臭","township":"杭州市"}""", new[] { "township" }).SetName("township not in the list");
        yield return new TestCaseData("""{"answers":{"when":"day"},"latitude":29.59,""" + tail, new[] { "longitude" }).SetName("latitude without longitude");
        yield return new TestCaseData("""{"answers":{"when":"day"},"longitude":120.8,""" + tail, new[] { "latitude" }).SetName("longitude without latitude");
        yield return new TestCaseData("""{"answers":{"when":"day"},"latitude":31.23,"longitude":121.47,""" + tail, new[] { "latitude", "longitude" })
            .SetName("pin outside the service area");
        yield return new TestCaseData("""{"answers":{"when":"day"},"latitude":"29.59","longitude":120.8,""" + tail, new[] { "latitude" })
            .SetName("latitude as a string");
        yield return new TestCaseData("""{"answers":{"when":"day"},"latitude":"NaN","longitude":120.8,""" + tail, new[] { "latitude" })
            .SetName("latitude NaN");
        yield return new TestCaseData("""{"answers":{"when":"day"},"latitude":29.59,"longitude":1e999,""" + tail, new[] { "longitude" })
            .SetName("longitude beyond a double");
    }

    [TestCaseSource(nameof(BadGuidedInput))]
    public async Task Bad_guided_input_gets_a_400_naming_the_field_and_stores_nothing(string json, string[] fields)
    {
        using var response = await Client.PostAsync("/api/v1/complaints", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await AssertProblemAsync(response, 400);
        Assert.Multiple(async () =>
        {
            Assert.That(problem["errors"]?.AsObject().Select(e => e.Key), Is.EquivalentTo(fields), problem.ToJsonString());
            Assert.That(problem["errors"]!.AsObject().All(e => !string.IsNullOrWhiteSpace((string?)e.Value![0])), Is.True);
            Assert.That(await CountAsync("complaints"), Is.Zero);
            Assert.That(await CountAsync("complaint_events"), Is.Zero);
        });
    }

    [Test]
    public async Task An_inactive_township_is_neither_offered_nor_accepted()
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        var catalog = App.Services.GetRequiredService<CategoryCatalog>();
        try
        {
            await connection.ExecuteAsync("update townships set active = false where name_zh = '通源乡'");
            await catalog.ReloadAfterEditAsync();
            var listed = (await Client.GetFromJsonAsync<JsonArray>("/api/v1/townships"))!.Select(t => (string?)t!["value"]);
            using var response = await Client.PostAsJsonAsync("/api/v1/complaints", new { categoryCode = "air.odor", description = "臭", township = "通源乡" });
            var problem = await AssertProblemAsync(response, 400);
            Assert.Multiple(() =>
            {
                Assert.That(listed, Does.Not.Contain("通源乡"));
                Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "township" }));
            });
        }
        finally
        {
            await connection.ExecuteAsync("update townships set active = true where name_zh = '通源乡'");
            await catalog.ReloadAfterEditAsync();
        }
        Assert.That(await CountAsync("complaints"), Is.Zero);
    }

    [Test]
    public async Task Answer_errors_follow_Accept_Language()
    {
        using var english = App.CreateHttpClient("en");
        using var response = await english.PostAsJsonAsync("/api/v1/complaints", Noise(new Dictionary<string, string>(), latitude: 1, longitude: 1));
        var problem = await AssertProblemAsync(response, 400);
        Assert.Multiple(() =>
        {
            Assert.That((string?)problem["errors"]!["answers.when"]![0], Is.EqualTo("Answer this question"));
            Assert.That((string?)problem["errors"]!["latitude"]![0], Is.EqualTo("The pin is outside the service area"));
        });
    }

    [Test]
    public async Task Staff_see_the_answers_with_their_labels_the_urgent_flag_the_township_and_the_pin()
    {
        var noise = (string)(await SubmitAsync(Noise(latitude: 29.5886, longitude: 120.8210)))["trackingCode"]!;
        var drinking = (string)(await SubmitAsync(new { categoryCode = "water.drinking", description = "水库边有人倾倒油桶。" }))["trackingCode"]!;
        using var clerk = await StaffAsync("enforcement.staff");

        var (view, _) = await GetCaseAsync(clerk, noise);
        var answer = view["answers"]![0]!;
        var queue = (await clerk.GetFromJsonAsync<JsonObject>("/api/v1/staff/complaints"))!["items"]!.AsArray();
        Assert.Multiple(async () =>
        {
            Assert.That((string?)answer["key"], Is.EqualTo("when"));
            Assert.That((string?)answer["question"], Is.EqualTo("噪声出现在什么时间？"));
            Assert.That((string?)answer["value"], Is.EqualTo("night"));
            Assert.That((string?)answer["text"], Does.StartWith("夜间"));
            Assert.That((string?)view["township"], Is.EqualTo("鹿山街道"));
            Assert.That((double?)view["pin"]!["latitude"], Is.EqualTo(29.5886));
            Assert.That((double?)view["pin"]!["longitude"], Is.EqualTo(120.8210));
            Assert.That((bool?)view["urgent"], Is.False);
            Assert.That((bool?)(await GetCaseAsync(clerk, drinking)).Case["urgent"], Is.True);
            Assert.That((await GetCaseAsync(clerk, drinking)).Case["pin"], Is.Null);
            Assert.That(queue.Single(i => (string?)i!["trackingCode"] == drinking)!["urgent"]!.GetValue<bool>(), Is.True);
            Assert.That(queue.Single(i => (string?)i!["trackingCode"] == noise)!["urgent"]!.GetValue<bool>(), Is.False);
        });
    }

    [Test]
    public async Task Staff_registering_a_call_may_leave_a_required_question_open_but_not_give_a_wrong_answer()
    {
        using var clerk = await StaffAsync("enforcement.staff");
        using var open = await clerk.PostAsJsonAsync("/api/v1/staff/complaints",
            new { channel = "phone", categoryCode = "noise.social", description = "来电：广场舞音响太响。", township = "三江街道" });
        Assert.That((int)open.StatusCode, Is.EqualTo(201), await open.Content.ReadAsStringAsync());

        using var wrong = await clerk.PostAsJsonAsync("/api/v1/staff/complaints",
            new { channel = "phone", categoryCode = "noise.social", description = "来电：广场舞音响太响。", answers = new { when = "evening" } });
        var problem = await AssertProblemAsync(wrong, 400);
        Assert.Multiple(async () =>
        {
            Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "answers.when" }));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(1));
        });
    }
}

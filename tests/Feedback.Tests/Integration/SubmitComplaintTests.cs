using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Feedback.Tests.Support;
using Npgsql;

namespace Feedback.Tests.Integration;

public sealed class SubmitComplaintTests : IntegrationTest
{
    [Test]
    public async Task Answers_201_with_location_tracking_code_password_and_deadline()
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/complaints", ValidComplaint());
        var body = await ReadJsonAsync(response);
        var trackingCode = (string?)body["trackingCode"];

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/complaints/{trackingCode}"));
            Assert.That(trackingCode, Does.Match("^[2-9A-HJKMNP-Z]{12}$"));
            Assert.That((string?)body["queryPassword"], Does.Match("^[2-9A-HJKMNP-Z]{12}$"));
            Assert.That((string?)body["status"], Is.EqualTo("submitted"));
            Assert.That((string?)body["categoryCode"], Is.EqualTo("air.odor"));
            Assert.That((string?)body["sectionCode"], Is.EqualTo("enforcement"));
            Assert.That((string?)body["sectionName"], Is.EqualTo("生态环境执法大队"));
            Assert.That(DateTimeOffset.Parse((string)body["submittedAt"]!), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
            Assert.That(DateOnly.Parse((string)body["acceptBy"]!), Is.GreaterThan(DateOnly.FromDateTime(DateTime.UtcNow)));
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True, "the password must not be cached anywhere");
        });
    }

    [TestCase("air.vehicle", "pollution")]
    [TestCase("suggestion", "office")]
    [TestCase("conduct.inaction", "discipline")]
    [TestCase("water.drinking", "enforcement")]
    public async Task Routes_to_the_categorys_default_section(string category, string section)
    {
        var body = await SubmitAsync(ValidComplaint(category));
        Assert.That((string?)body["sectionCode"], Is.EqualTo(section));
    }

    [Test]
    public async Task Stores_the_case_trimmed_with_a_hashed_password_and_a_public_submitted_event()
    {
        var body = await SubmitAsync(new
        {
            categoryCode = "noise.construction",
            description = "  工地凌晨两点还在打桩  \n",
            township = " 三江街道 ",
            answers = new { when = "night" },
            contact = new { phone = "+86 139-0000-1111", email = "  " },
        });
        var password = (string)body["queryPassword"]!;

        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var stored = await connection.QuerySingleAsync(
            "select * from complaints where tracking_code = @code", new { code = (string)body["trackingCode"]! });
        var events = (await connection.QueryAsync("select * from complaint_events where complaint_id = @id order by id", new { id = (long)stored.id })).ToList();

        Assert.Multiple(() =>
        {
            Assert.That((string)stored.description, Is.EqualTo("工地凌晨两点还在打桩"));
            Assert.That((string)stored.township, Is.EqualTo("三江街道"));
            Assert.That((string?)stored.address, Is.Null);
            Assert.That((string)stored.contact_phone, Is.EqualTo("13900001111"));
            Assert.That((string?)stored.contact_email, Is.Null, "a blank email is no email");
            Assert.That((string)stored.channel, Is.EqualTo("web"));
            Assert.That((string)stored.status, Is.EqualTo("submitted"));
            Assert.That((int)stored.version, Is.EqualTo(1));
            Assert.That((string)stored.query_password_hash, Does.StartWith("v1$").And.Not.Contain(password));
            Assert.That(events.Select(e => ((string)e.type, (string)e.visibility)),
                Is.EqualTo(new[] { ("submitted", "public"), ("routed", "internal") }), "the routing decision is recorded, for staff only");
        });
    }

    [Test]
    public async Task Text_with_markup_or_sql_is_stored_verbatim()
    {
        const string hostile = "<script>alert('x')</script>'; drop table complaints; --";
        var body = await SubmitAsync(new { categoryCode = "other", description = hostile, address = "<img src=x onerror=alert(1)>" });

        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var stored = await connection.QuerySingleAsync<(string Description, string Address)>(
            "select description, address from complaints where tracking_code = @code", new { code = (string)body["trackingCode"]! });
        Assert.That(stored, Is.EqualTo((hostile, "<img src=x onerror=alert(1)>")));
    }

    [Test]
    public async Task Unknown_fields_are_ignored()
    {
        var body = await SubmitAsync(new { categoryCode = "air.dust", description = "渣土车扬尘", status = "closed", sectionCode = "office", id = 1 });
        Assert.Multiple(() =>
        {
            Assert.That((string?)body["status"], Is.EqualTo("submitted"));
            Assert.That((string?)body["sectionCode"], Is.EqualTo("enforcement"));
        });
    }

    [Test]
    public async Task Concurrent_submissions_each_get_their_own_unguessable_code()
    {
        var bodies = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => SubmitAsync()));
        var codes = bodies.Select(b => (string)b["trackingCode"]!).ToList();

        Assert.Multiple(async () =>
        {
            Assert.That(codes, Is.Unique);
            Assert.That(await CountAsync("complaints"), Is.EqualTo(40));
            Assert.That(await CountAsync("complaint_events"), Is.EqualTo(80), "submitted and routed for each");
            // Not sequential: ordered by creation, the codes are not in sorted order and share no common prefix.
            var ordered = bodies.OrderBy(b => (string)b["submittedAt"]!).Select(b => (string)b["trackingCode"]!).ToList();
            Assert.That(ordered, Is.Not.Ordered);
            Assert.That(codes.Select(code => code[..3]).Distinct().Count(), Is.GreaterThan(30));
        });
    }

    public static IEnumerable<TestCaseData> InvalidComplaints()
    {
        yield return new TestCaseData("""{"description":"有异味"}""", "categoryCode").SetName("missing category");
        yield return new TestCaseData("""{"categoryCode":"air.nope","description":"有异味"}""", "categoryCode").SetName("unknown category");
        yield return new TestCaseData("""{"categoryCode":"air.odor"}""", "description").SetName("missing description");
        yield return new TestCaseData("""{"categoryCode":"air.odor","description":"   \n "}""", "description").SetName("white-space description");
        yield return new TestCaseData($$"""{"categoryCode":"air.odor","description":"{{new string('臭', 4001)}}"}""", "description").SetName("4001 characters");
        yield return new TestCaseData("""{"categoryCode":"air.odor","description":"a\u0000b"}""", "description").SetName("NUL character");
        yield return new TestCaseData($$"""{"categoryCode":"air.odor","description":"臭","township":"{{new string('镇', 51)}}"}""", "township").SetName("township too long");
        yield return new TestCaseData($$"""{"categoryCode":"air.odor","description":"臭","address":"{{new string('路', 201)}}"}""", "address").SetName("address too long");
        yield return new TestCaseData("""{"categoryCode":"air.odor","description":"臭","contact":{"phone":"110"}}""", "contact.phone").SetName("short phone");
        yield return new TestCaseData("""{"categoryCode":"air.odor","description":"臭","contact":{"email":"wang@"}}""", "contact.email").SetName("bad email");
    }

    [TestCaseSource(nameof(InvalidComplaints))]
    public async Task Invalid_input_gets_a_400_naming_the_field_and_stores_nothing(string json, string field)
    {
        using var response = await Client.PostAsync("/api/v1/complaints", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await AssertProblemAsync(response, 400);

        Assert.Multiple(async () =>
        {
            Assert.That(problem["errors"]?.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { field }));
            Assert.That((string?)problem["errors"]![field]![0], Is.Not.Empty);
            Assert.That(await CountAsync("complaints"), Is.Zero);
            Assert.That(await CountAsync("complaint_events"), Is.Zero);
        });
    }

    [Test]
    public async Task Every_mistake_is_reported_at_once_including_an_unknown_category()
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/complaints",
            new { categoryCode = "air.nope", description = "\u200B", contact = new { phone = "110" } });
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]?.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { "categoryCode", "description", "contact.phone" }));
    }

    [Test]
    public async Task Validation_messages_follow_Accept_Language()
    {
        using var english = App.CreateHttpClient("en");
        using var response = await english.PostAsJsonAsync("/api/v1/complaints", new { categoryCode = "air.odor", description = " " });
        var problem = await AssertProblemAsync(response, 400);
        Assert.Multiple(() =>
        {
            Assert.That((string?)problem["title"], Is.EqualTo("Some fields need correcting"));
            Assert.That((string?)problem["errors"]!["description"]![0], Is.EqualTo("Describe the problem"));
        });
    }
}

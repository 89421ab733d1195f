using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Open311;

/// <summary>
/// Every GeoReport answer this server gives, in JSON and in XML, against the JSON Schemas written
/// from the specification (and FixMyStreet's update extension).
/// </summary>
public sealed class Open311ConformanceTests : Open311Test
{
    private async Task CheckBothAsync(string schema, string pathWithoutSuffix, string query = "", int status = 200)
    {
        Open311Conformance.AssertJson(schema, await JsonAsync($"{pathWithoutSuffix}.json{query}", status));
        Open311Conformance.AssertXml(schema, await XmlAsync($"{pathWithoutSuffix}.xml{query}", status));
    }

    [Test]
    public async Task Discovery_services_and_every_service_definition_conform()
    {
        await CheckBothAsync("discovery", "/open311/v2/discovery");
        await CheckBothAsync("services", "/open311/v2/services");
        foreach (var service in (await JsonAsync("/open311/v2/services.json")).AsArray())
            await CheckBothAsync("service_definition", $"/open311/v2/services/{(string)service!["service_code"]!}");
    }

    [Test]
    public async Task Errors_conform_whether_not_found_or_a_bad_parameter()
    {
        await CheckBothAsync("errors", "/open311/v2/services/no.such", status: 404);
        await CheckBothAsync("errors", "/open311/v2/requests/22222222222A", status: 404);
        await CheckBothAsync("errors", "/open311/v2/requests", "?start_date=yesterday&status=pending", status: 400);
        await CheckBothAsync("errors", "/open311/v2/servicerequestupdates", "?end_date=2026-13-40T00:00:00Z", status: 400);
    }

    [Test]
    public async Task Service_requests_and_their_updates_conform_in_every_state()
    {
        var submitted = await NewCaseAsync(new
        {
            categoryCode = "air.odor", description = "化工厂夜间排放刺鼻废气。", township = "剡湖街道", address = "城东路 88 号附近",
            latitude = 29.58765, longitude = 120.82149,
        });
        var accepted = await AcceptedCaseAsync();
        var resolved = await ResolvedCaseAsync("经现场检查，已责令整改。");
        var rejected = await NewCaseAsync();
        using (var clerk = await StaffAsync("enforcement.staff"))
            await ActOkAsync(clerk, rejected, "reject", new { ground = "outside_remit", reason = "属交通噪声", referral = "请向交警部门反映" });

        await CheckBothAsync("service_requests", "/open311/v2/requests");
        foreach (var code in new[] { submitted, accepted, resolved, rejected })
            await CheckBothAsync("service_requests", $"/open311/v2/requests/{code}");
        await CheckBothAsync("service_requests", "/open311/v2/requests", $"?service_request_id={submitted},{resolved}&jurisdiction_id=shengzhou&api_key=ignored");

        var updates = (await JsonAsync("/open311/v2/servicerequestupdates.json")).AsArray();
        Assert.That(updates, Has.Count.EqualTo(4), "accepted twice, resolved, rejected");
        await CheckBothAsync("service_request_updates", "/open311/v2/servicerequestupdates");

        var xml = await XmlAsync("/open311/v2/requests.xml");
        var json = await RequestsAsync();
        Assert.Multiple(() =>
        {
            Assert.That(xml.Root!.Elements("request").Count(), Is.EqualTo(4));
            Assert.That(Open311Conformance.ToJson(xml.Root!, null)!.ToJsonString(), Is.EqualTo(json.ToJsonString()), "the XML says what the JSON says");
        });
    }

    [Test]
    public async Task An_empty_answer_is_an_empty_list_in_both_formats()
    {
        await CheckBothAsync("service_requests", "/open311/v2/requests");
        await CheckBothAsync("service_request_updates", "/open311/v2/servicerequestupdates");
        Assert.That((await JsonAsync("/open311/v2/requests.json")).AsArray(), Is.Empty);
        Assert.That((await XmlAsync("/open311/v2/servicerequestupdates.xml")).Root!.HasElements, Is.False);
    }

    [Test]
    public void The_schemas_refuse_what_the_specification_does_not_allow()
    {
        static JsonArray Request(string? field = null, JsonNode? value = null)
        {
            var request = new JsonObject
            {
                ["service_request_id"] = "ABC", ["status"] = "open", ["service_code"] = "air.odor",
                ["requested_datetime"] = "2026-12-06T10:15:00+08:00", ["lat"] = 29.588, ["long"] = 120.821, ["zipcode"] = "",
            };
            if (field is not null) request[field] = value;
            return new JsonArray(request);
        }
        Assert.That(Open311Conformance.Errors("service_requests", Request()), Is.Empty, "a request as the spec shows it");
        Assert.Multiple(() =>
        {
            foreach (var (field, value) in new (string, JsonNode?)[]
                     {
                         ("service_request_id", 42), ("status", "pending"), ("requested_datetime", "2026-12-06T10:15:00"),
                         ("updated_datetime", "2026-12-06 10:15"), ("lat", "29.5"), ("contact_phone", "13800138000"),
                     })
                Assert.That(Open311Conformance.Errors("service_requests", Request(field, value)), Is.Not.Empty, field);
            Assert.That(Open311Conformance.Errors("errors", new JsonArray(new JsonObject { ["code"] = "404", ["description"] = "x" })), Is.Not.Empty,
                "error codes are numbers");
            Assert.That(Open311Conformance.Errors("service_request_updates", new JsonArray(new JsonObject
            {
                ["update_id"] = "1", ["service_request_id"] = "ABC", ["status"] = "open", ["updated_datetime"] = "2026-12-06T10:15:00Z", ["description"] = "",
            })), Is.Not.Empty, "FixMyStreet's statuses are upper case");
            Assert.That(Open311Conformance.Errors("post_service_request_response", new JsonArray(new JsonObject
            {
                ["service_request_id"] = "ABC", ["service_notice"] = "…", ["query_password"] = "XYZ",
            })), Is.Empty, "the query password extension");
            Assert.That(Open311Conformance.Errors("post_service_request_response", new JsonArray(new JsonObject { ["service_notice"] = "…" })), Is.Not.Empty,
                "an id or a token");
        });
    }
}

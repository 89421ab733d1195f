using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using static Feedback.Tests.Integration.Staff.StaffSecurity;

namespace Feedback.Tests.Integration.Open311;

/// <summary>
/// POST requests.{format}: another system files a case with its key, and the case is routed,
/// timed and handled like one filed natively, carrying the channel open311 and the key's name.
/// Every refusal is GeoReport's error list and stores nothing.
/// </summary>
public sealed class Open311FilingTests : Open311Test
{
    [Test]
    public async Task A_request_is_filed_routed_and_timed_like_a_native_case_and_its_password_follows_it_natively()
    {
        var key = await IssueKeyAsync("12345 市民热线平台");
        using var response = await PostFormAsync(NoiseRequest(key));
        var filed = await FiledAsync(response);
        var code = (string)filed["service_request_id"]!;
        var password = (string)filed["query_password"]!;
        Assert.Multiple(() =>
        {
            Assert.That(code, Does.Match("^[2-9A-HJKMNP-Z]{12}$"));
            Assert.That((string)filed["service_notice"]!, Does.Contain("前决定是否受理"));
            Assert.That((string)filed["account_id"]!, Is.EqualTo("fms-user-42"), "the caller's account id is echoed, as the spec allows");
            Assert.That(filed.Select(field => field.Key), Is.EqualTo(new[] { "service_request_id", "service_notice", "account_id", "query_password" }));
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/open311/v2/requests/{code}.json"));
        });

        // The citizen (or the filing system) follows it natively with the password.
        using var tracked = await TrackAsync(code, password);
        var tracking = await ReadJsonAsync(tracked);
        Assert.Multiple(() =>
        {
            Assert.That((int)tracked.StatusCode, Is.EqualTo(200));
            Assert.That((string)tracking["status"]!, Is.EqualTo("submitted"));
            Assert.That((string)tracking["categoryCode"]!, Is.EqualTo("noise.construction"));
        });

        // Staff see it as any case, with where it came from and what the caller sent.
        using var leader = await StaffLogin.ClientAsync("leader");
        var staffView = (await leader.GetFromJsonAsync<JsonObject>($"/api/v1/staff/complaints/{code}"))!;
        Assert.Multiple(() =>
        {
            Assert.That((string)staffView["channel"]!, Is.EqualTo("open311"));
            Assert.That((string)staffView["township"]!, Is.EqualTo("剡湖街道"), "the township named in address_string routes the case");
            Assert.That((string)staffView["address"]!, Is.EqualTo("剡湖街道城东路 88 号工地"));
            Assert.That((string)staffView["contact"]!["name"]!, Is.EqualTo("王小明"), "a Chinese name is family name first, without a space");
            Assert.That((string)staffView["contact"]!["phone"]!, Is.EqualTo("13800138000"));
            Assert.That((string)staffView["contact"]!["email"]!, Is.EqualTo("wang@example.cn"));
            Assert.That(staffView["answers"]!.AsArray().Single()!["value"]!.ToString(), Does.Contain("night").Or.Contain("夜间"));
            Assert.That((double)staffView["pin"]!["latitude"]!, Is.EqualTo(29.5912));
            Assert.That((string)staffView["open311"]!["keyName"]!, Is.EqualTo("12345 市民热线平台"));
            Assert.That((string)staffView["open311"]!["deviceId"]!, Is.EqualTo("fms-device-7"));
            Assert.That((string)staffView["open311"]!["accountId"]!, Is.EqualTo("fms-user-42"));
            Assert.That((string)staffView["open311"]!["mediaUrl"]!, Is.EqualTo("https://fixmystreet.example/photo/42.jpeg"));
            Assert.That(staffView["timeline"]!.AsArray().Select(e => (string)e!["type"]!), Is.EqualTo(new[] { "submitted", "routed" }));
        });

        // Read back through GeoReport: the place once, without its house number, and no contact details.
        var read = await RequestAsync(code);
        Assert.Multiple(() =>
        {
            Assert.That((string)read["address"]!, Is.EqualTo("剡湖街道城东路工地"));
            Assert.That((string)read["status"]!, Is.EqualTo("open"));
            Assert.That(read.ToJsonString(), Does.Not.Contain("13800138000").And.Not.Contain("wang@example.cn").And.Not.Contain("fms-user-42"));
        });

        // The queue names the key; nobody was sent a notice (the citizen consented to nothing here).
        var queue = (await leader.GetFromJsonAsync<JsonObject>("/api/v1/staff/complaints"))!["items"]!.AsArray().Single()!;
        Assert.Multiple(async () =>
        {
            Assert.That((string)queue["channel"]!, Is.EqualTo("open311"));
            Assert.That((string)queue["filedThrough"]!, Is.EqualTo("12345 市民热线平台"));
            Assert.That(await ScalarAsync<long>("select count(*) from notifications where staff_user_id is null"), Is.Zero);
            Assert.That(await ScalarAsync<string>("select actor_username || ' ' || actor_role || ' ' || target_id from audit_log where action = 'open311.request' and outcome = 'succeeded'"),
                Is.EqualTo($"open311:12345 市民热线平台 open311 {code}"));
            Assert.That(await ScalarAsync<DateTime?>("select last_used_at from open311_keys"), Is.Not.Null);
        });
    }

    [Test]
    public async Task An_xml_answer_has_the_specifications_root_and_is_utf8()
    {
        var key = await IssueKeyAsync();
        using var response = await PostFormAsync(NoiseRequest(key), "xml");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body);
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/xml; charset=utf-8"));
        var request = Xml(body).Root!;
        Assert.Multiple(() =>
        {
            Assert.That(request.Name.LocalName, Is.EqualTo("service_requests"));
            Assert.That(request.Elements("request").Single().Element("service_request_id")!.Value, Does.Match("^[2-9A-Z]{12}$"));
            Assert.That(request.Element("request")!.Element("service_notice")!.Value, Does.Contain("受理"));
        });
    }

    [Test]
    public async Task Photos_sent_as_files_go_through_the_upload_checks_and_are_the_cases_photos()
    {
        var key = await IssueKeyAsync();
        using var response = await PostMultipartAsync(NoiseRequest(key),
            [("photo1", TestImages.JpegWithMetadata(64, 32, orientation: 1)), ("photo2", TestImages.Png())]);
        var code = (string)(await FiledAsync(response))["service_request_id"]!;

        using var leader = await StaffLogin.ClientAsync("leader");
        var photos = (await leader.GetFromJsonAsync<JsonObject>($"/api/v1/staff/complaints/{code}"))!["photos"]!.AsArray();
        Assert.That(photos, Has.Count.EqualTo(2));
        using var first = await leader.GetAsync($"/api/v1/staff/complaints/{code}/photos/{(string)photos[0]!["id"]!}");
        var bytes = await first.Content.ReadAsByteArrayAsync();
        Assert.Multiple(() =>
        {
            Assert.That((int)first.StatusCode, Is.EqualTo(200));
            Assert.That(System.Text.Encoding.UTF8.GetString(bytes), Does.Not.Contain(TestImages.XmpMarker), "stripped of its metadata like any upload");
            Assert.That(bytes.AsSpan().IndexOf(TestImages.GpsRational), Is.EqualTo(-1));
        });
    }

    [Test]
    public async Task A_file_that_is_not_a_photo_is_refused_and_nothing_is_stored()
    {
        var key = await IssueKeyAsync();
        using var response = await PostMultipartAsync(NoiseRequest(key), [("photo1", TestImages.Jpeg()), ("photo2", "not a picture at all"u8.ToArray())]);
        await ErrorsAsync(response, 415);
        Assert.Multiple(async () =>
        {
            Assert.That(await CountAsync("complaints"), Is.Zero);
            Assert.That(await CountAsync("photos"), Is.Zero);
            Assert.That(await CountAsync("open311_requests"), Is.Zero);
        });
    }

    [Test]
    public async Task Empty_parameters_count_as_missing()
    {
        var key = await IssueKeyAsync();
        var request = NoiseRequest(key);
        request["last_name"] = "";        // FixMyStreet sends last_name even when it has none
        request["first_name"] = "Alex";
        request["email"] = "";
        request["phone"] = " ";
        request["address_string"] = "";
        request["media_url"] = "";
        request["device_id"] = "";
        var code = (string)(await FiledAsync(await PostFormAsync(request)))["service_request_id"]!;

        using var leader = await StaffLogin.ClientAsync("leader");
        var staffView = (await leader.GetFromJsonAsync<JsonObject>($"/api/v1/staff/complaints/{code}"))!;
        Assert.Multiple(() =>
        {
            Assert.That(staffView["contact"]!.ToJsonString(), Is.EqualTo("""{"name":"Alex","phone":null,"email":null}"""));
            Assert.That(staffView["address"], Is.Null);
            Assert.That(staffView["open311"]!["mediaUrl"], Is.Null);
            Assert.That(staffView["open311"]!["deviceId"], Is.Null);
        });
    }

    private static readonly object[] Refusals =
    [
        new object[] { "no api_key", (Action<Dictionary<string, string>>)(r => r.Remove("api_key")), 403, "api_key" },
        new object[] { "a wrong api_key", (Action<Dictionary<string, string>>)(r => r["api_key"] = "fb311_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 403, "api_key" },
        new object[] { "an unknown service", (Action<Dictionary<string, string>>)(r => r["service_code"] = "noise.aircraft"), 404, "noise.aircraft" },
        new object[] { "a conduct service", (Action<Dictionary<string, string>>)(r => r["service_code"] = "conduct.formalism"), 404, "conduct.formalism" },
        new object[] { "no service_code", (Action<Dictionary<string, string>>)(r => r.Remove("service_code")), 400, "service_code" },
        new object[] { "a required attribute missing", (Action<Dictionary<string, string>>)(r => r.Remove("attribute[when]")), 400, "attribute[when]" },
        new object[] { "a value not in the list", (Action<Dictionary<string, string>>)(r => r["attribute[when]"] = "sometimes"), 400, "attribute[when]" },
        new object[] { "a description over 4000 characters", (Action<Dictionary<string, string>>)(r => r["description"] = new string('吵', 4001)), 400, "description" },
        new object[] { "no description", (Action<Dictionary<string, string>>)(r => r["description"] = "  "), 400, "description" },
        new object[] { "a pin outside the service area", (Action<Dictionary<string, string>>)(r => { r["lat"] = "39.9"; r["long"] = "116.4"; }), 400, "lat" },
        new object[] { "a latitude that is not a number", (Action<Dictionary<string, string>>)(r => r["lat"] = "north"), 400, "lat" },
        new object[] { "lat without long", (Action<Dictionary<string, string>>)(r => r.Remove("long")), 400, "long" },
        new object[] { "no location at all", (Action<Dictionary<string, string>>)(r => { r.Remove("lat"); r.Remove("long"); r.Remove("address_string"); }), 400, "address_string" },
        new object[] { "a phone that is not a mobile number", (Action<Dictionary<string, string>>)(r => r["phone"] = "12345"), 400, "phone" },
        new object[] { "an email that is not one", (Action<Dictionary<string, string>>)(r => r["email"] = "wang@"), 400, "email" },
        new object[] { "a media_url that is not a web address", (Action<Dictionary<string, string>>)(r => r["media_url"] = "javascript:alert(1)"), 400, "media_url" },
        new object[] { "an address over 200 characters", (Action<Dictionary<string, string>>)(r => r["address_string"] = new string('路', 201)), 400, "address_string" },
    ];

    [TestCaseSource(nameof(Refusals))]
    public async Task A_refused_request_says_which_parameter_in_geoReports_format_and_stores_nothing(
        string what, Action<Dictionary<string, string>> spoil, int status, string named)
    {
        var request = NoiseRequest(await IssueKeyAsync());
        spoil(request);
        using var response = await PostFormAsync(request);
        var errors = await ErrorsAsync(response, status);
        Assert.Multiple(async () =>
        {
            Assert.That(string.Join(" | ", errors), Does.Contain(named), what);
            Assert.That(await CountAsync("complaints"), Is.Zero, what);
            Assert.That(await CountAsync("open311_requests"), Is.Zero, what);
        });
    }

    [Test]
    public async Task A_refusal_in_xml_is_an_errors_document()
    {
        var request = NoiseRequest("fb311_wrongwrongwrongwrongwrongwrongwr");
        using var response = await PostFormAsync(request, "xml");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(403), body);
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/xml; charset=utf-8"));
        var error = Xml(body).Root!;
        Assert.Multiple(() =>
        {
            Assert.That(error.Name.LocalName, Is.EqualTo("errors"));
            Assert.That(error.Element("error")!.Element("code")!.Value, Is.EqualTo("403"));
            Assert.That(error.Element("error")!.Element("description")!.Value, Does.Contain("api_key"));
        });
    }

    [Test]
    public async Task A_body_that_is_neither_form_is_refused_in_geoReports_format()
    {
        var key = await IssueKeyAsync();
        using var json = await Client.PostAsJsonAsync("/open311/v2/requests.json", NoiseRequest(key));
        await ErrorsAsync(json, 415);
        using var twice = await Client.PostAsync("/open311/v2/requests.json",
            new StringContent($"api_key={key}&service_code=noise.social&service_code=noise.construction", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.That(string.Join(" ", await ErrorsAsync(twice, 400)), Does.Contain("service_code"));
        Assert.That(await CountAsync("complaints"), Is.Zero);
    }

    [Test]
    public async Task Wrong_keys_are_audited_as_denied_without_the_key_itself()
    {
        using var response = await PostFormAsync(NoiseRequest("fb311_guessguessguessguessguessguessgu"));
        await ErrorsAsync(response, 403);
        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync<string>("select target_id from audit_log where action = 'open311.request' and outcome = 'denied'"),
                Is.EqualTo("fb311_gues"), "only the first characters, to tell attempts apart");
            Assert.That(await ScalarAsync<long>("select count(*) from audit_log where target_id like '%guessguessguess%' or reason like '%guessguessguess%'"), Is.Zero);
        });
    }

    [Test]
    public async Task Each_key_has_its_own_budget_of_requests_a_minute()
    {
        var tight = await IssueKeyAsync("乡镇 App", requestsPerMinute: 2);
        var other = await IssueKeyAsync("12345 市民热线平台");
        for (var i = 0; i < 2; i++) await FiledAsync(await PostFormAsync(NoiseRequest(tight)));
        using var third = await PostFormAsync(NoiseRequest(tight));
        var errors = await ErrorsAsync(third, 429);
        Assert.Multiple(async () =>
        {
            Assert.That(errors.Single(), Does.Contain("2"));
            Assert.That(third.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(await CountAsync("complaints"), Is.EqualTo(2));
        });
        await FiledAsync(await PostFormAsync(NoiseRequest(other)));
    }

    [Test]
    public async Task The_channel_counts_in_the_metrics_and_names_the_key_in_the_csv()
    {
        var key = await IssueKeyAsync("乡镇 App");
        await FiledAsync(await PostFormAsync(NoiseRequest(key)));
        await SubmitAsync();

        using var leader = await StaffLogin.ClientAsync("leader");
        var rows = (await leader.GetFromJsonAsync<JsonObject>("/api/v1/metrics/breakdown?by=channel"))!["rows"]!.AsArray();
        Assert.That(rows.Select(r => $"{(string)r!["key"]!}={(string)r["label"]!}"), Is.EquivalentTo(new[] { "web=网上提交", "open311=Open311 接口" }));
        var filtered = (await leader.GetFromJsonAsync<JsonObject>("/api/v1/metrics/summary?channel=open311"))!["current"]!;
        Assert.That((long)filtered["volume"]!, Is.EqualTo(1));

        var csv = await leader.GetStringAsync("/api/v1/staff/complaints?format=csv");
        Assert.That(csv, Does.Contain("Open311 接口 (乡镇 App)").And.Contain("网上提交"));
    }

    [Test]
    public async Task The_demo_key_is_the_configured_one()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString,
            settings: new Dictionary<string, string> { ["FEEDBACK_OPEN311_DEMO_KEY"] = "demo-open311-key-for-trying" });
        using var client = app.CreateHttpClient();
        using var response = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(NoiseRequest("demo-open311-key-for-trying")));
        await FiledAsync(response);
        Assert.That(await ScalarAsync<string>("select name from open311_keys where created_by is null and revoked_at is null"), Is.EqualTo("演示密钥"));
    }
}

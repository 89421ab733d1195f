using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Net.Http.Json;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Open311;

/// <summary>
/// GeoReport's GET requests and FixMyStreet's servicerequestupdates against a real database: what
/// a case shows in each state, what it never shows, the filters and their refusals.
/// </summary>
public sealed class Open311RequestsTests : Open311Test
{
    private const string Description = "小区东侧化工厂每天夜里排放刺鼻废气，已持续一周。";

    private static object Located(string category = "air.odor") => new
    {
        categoryCode = category,
        description = Description,
        township = "剡湖街道",
        address = "城东路 88 号 3 幢",
        latitude = 29.58765,
        longitude = 120.82149,
        contact = new { name = "王女士", phone = "13800138000", email = "wang@example.cn" },
    };

    /// <summary>A conduct case, accepted and resolved by discipline inspection.</summary>
    private async Task<string> ConductCaseAsync()
    {
        var code = await NewCaseAsync(ValidComplaint("conduct.misconduct"));
        using var inspector = await StaffAsync("discipline.staff");
        await ActOkAsync(inspector, code, "accept");
        await ActOkAsync(inspector, code, "resolve", new { result = "经核查，已对相关人员批评教育。" });
        return code;
    }

    [Test]
    public async Task A_case_filed_online_shows_its_public_facts_while_it_awaits_acceptance()
    {
        var code = await NewCaseAsync(Located());
        var request = await RequestAsync(code);
        var services = (await JsonAsync("/open311/v2/services.json")).AsArray();
        Assert.Multiple(() =>
        {
            Assert.That((string)request["service_request_id"]!, Is.EqualTo(code));
            Assert.That((string)request["status"]!, Is.EqualTo("open"));
            Assert.That((string)request["status_notes"]!, Is.Empty, "nothing decided yet");
            Assert.That((string)request["service_code"]!, Is.EqualTo("air.odor"));
            Assert.That((string)request["service_name"]!, Is.EqualTo((string)ById(services, "air.odor", "service_code")["service_name"]!));
            Assert.That((string)request["agency_responsible"]!, Is.EqualTo("生态环境执法大队"));
            Assert.That((string)request["service_notice"]!, Does.Contain("前决定是否受理"));
            Assert.That((string)request["description"]!, Is.Empty, "the citizen's words are theirs");
            Assert.That((string)request["requested_datetime"]!, Does.EndWith("+08:00"));
            Assert.That((string)request["updated_datetime"]!, Is.EqualTo((string)request["requested_datetime"]!));
            Assert.That(request.ContainsKey("expected_datetime"), Is.False, "no resolution deadline before acceptance");
            Assert.That((string)request["address"]!, Is.EqualTo("剡湖街道 城东路"), "township and street, no house numbers");
            Assert.That((string)request["address_id"]!, Is.Empty);
            Assert.That((string)request["zipcode"]!, Is.Empty);
            Assert.That((double)request["lat"]!, Is.EqualTo(29.588), "about 100 m");
            Assert.That((double)request["long"]!, Is.EqualTo(120.821));
            Assert.That(request.ContainsKey("media_url"), Is.False, "photos are never public");
        });

        var english = await RequestAsync(code, "en");
        Assert.Multiple(() =>
        {
            Assert.That((string)english["service_name"]!, Is.EqualTo("Odours"));
            Assert.That((string)english["agency_responsible"]!, Is.EqualTo("Environmental Enforcement Brigade"));
            Assert.That((string)english["service_notice"]!, Does.StartWith("The section will decide"));
        });
    }

    [Test]
    public async Task Cases_registered_by_staff_appear_too()
    {
        using var clerk = await StaffAsync("office.staff");
        using var response = await clerk.PostAsJsonAsync("/api/v1/staff/complaints", new
        {
            channel = "phone", categoryCode = "noise.construction", description = "市民来电：工地夜间施工噪声扰民", township = "剡湖街道",
            contact = new { name = "李先生", phone = "13900002222" },
        });
        Assert.That((int)response.StatusCode, Is.EqualTo(201), await response.Content.ReadAsStringAsync());
        var code = (string)(await ReadJsonAsync(response))["trackingCode"]!;

        Assert.That((await RequestsAsync()).Select(r => (string)r!["service_request_id"]!), Is.EqualTo(new[] { code }));
        Assert.That(await RequestAsync(code), Is.Not.Null);
    }

    [Test]
    public async Task A_conduct_case_is_404_by_id_and_absent_from_every_list()
    {
        var conduct = await ConductCaseAsync();
        var air = await ResolvedCaseAsync("已责令整改。");

        foreach (var format in new[] { "json", "xml" })
        {
            var (status, _, body) = await GetRawAsync($"/open311/v2/requests/{conduct}.{format}");
            var (unknownStatus, _, _) = await GetRawAsync($"/open311/v2/requests/22222222222A.{format}");
            Assert.That((status, unknownStatus), Is.EqualTo((404, 404)), body);
            Assert.That(body, Does.Contain(conduct), "worded exactly as an unknown code");
        }
        Assert.Multiple(async () =>
        {
            Assert.That((await RequestsAsync()).Select(r => (string)r!["service_request_id"]!), Is.EqualTo(new[] { air }));
            Assert.That(await RequestsAsync($"?service_request_id={conduct},{air}"), Has.Count.EqualTo(1));
            Assert.That(await RequestsAsync("?service_code=conduct.misconduct"), Is.Empty);
            Assert.That((await UpdatesAsync()).Select(u => (string)u!["service_request_id"]!).Distinct(), Is.EqualTo(new[] { air }));
        });
    }

    [Test]
    public async Task Contact_details_and_the_citizens_description_appear_nowhere()
    {
        var code = await NewCaseAsync(Located());
        using (var clerk = await StaffAsync("enforcement.staff"))
        {
            await ActOkAsync(clerk, code, "accept");
            await ActOkAsync(clerk, code, "notes", new { text = "内部备注：已电话联系王女士" });
            await ActOkAsync(clerk, code, "resolve", new { result = "经现场检查，废气处理设施未运行，已责令整改。" });
        }
        var second = await NewCaseAsync(Located("water.industrial"));

        var paths = new[] { "requests", $"requests/{code}", $"requests?service_request_id={code},{second}", "servicerequestupdates" };
        foreach (var path in paths)
        foreach (var format in new[] { "json", "xml" })
        foreach (var language in new[] { "zh-CN", "en" })
        {
            var suffixed = path.Contains('?') ? path.Replace("?", $".{format}?") : $"{path}.{format}";
            var (status, _, body) = await GetRawAsync($"/open311/v2/{suffixed}", language);
            Assert.That(status, Is.EqualTo(200), body);
            var text = Regex.Unescape(body); // JSON escapes every Chinese character
            Assert.Multiple(() =>
            {
                foreach (var secret in new[] { "13800138000", "wang@example.cn", "王女士", Description, "88 号", "3 幢", "内部备注" })
                    Assert.That(text, Does.Not.Contain(secret), $"{suffixed} ({language})");
            });
        }
    }

    [Test]
    public async Task A_resolved_case_reads_closed_with_its_result_and_its_updates_say_in_progress_then_fixed()
    {
        const string result = "经现场检查，废气处理设施未运行，已责令整改。";
        var code = await AcceptedCaseAsync();
        var accepted = await RequestAsync(code);
        using (var clerk = await StaffAsync("enforcement.staff"))
        {
            var (staffView, _) = await GetCaseAsync(clerk, code);
            Assert.Multiple(() =>
            {
                Assert.That((string)accepted["status"]!, Is.EqualTo("open"));
                Assert.That((string)accepted["status_notes"]!, Does.StartWith("已受理"));
                Assert.That((string)accepted["service_notice"]!, Does.Contain("前办结"));
                Assert.That((string)accepted["expected_datetime"]!, Is.EqualTo($"{(string)staffView["resolveBy"]!}T23:59:59+08:00"),
                    "the end of the resolution deadline's day");
            });
            await ActOkAsync(clerk, code, "notes", new { text = "内部：等待监测数据" });
            Assert.That((string)(await RequestAsync(code))["updated_datetime"]!, Is.EqualTo((string)accepted["updated_datetime"]!),
                "an internal note is not a public change");
            await ActOkAsync(clerk, code, "resolve", new { result });
        }

        var resolved = await RequestAsync(code);
        using var citizenView = await TrackAsync(code, null);
        Assert.Multiple(() =>
        {
            Assert.That((string)resolved["status"]!, Is.EqualTo("closed"));
            Assert.That((string)resolved["status_notes"]!, Is.EqualTo($"已办结。处理结果：{result}"), "as the citizen's timeline words it");
            Assert.That((string)resolved["service_notice"]!, Is.Empty);
            Assert.That(DateTimeOffset.Parse((string)resolved["updated_datetime"]!), Is.GreaterThanOrEqualTo(DateTimeOffset.Parse((string)accepted["updated_datetime"]!)));
        });

        var updates = await UpdatesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(updates.Select(u => (string)u!["status"]!), Is.EqualTo(new[] { "IN_PROGRESS", "FIXED" }));
            Assert.That((string)updates[1]!["description"]!, Is.EqualTo($"已办结。处理结果：{result}"));
            Assert.That((string)updates[1]!["updated_datetime"]!, Is.EqualTo((string)resolved["updated_datetime"]!));
            Assert.That(updates.Select(u => (string)u!["media_url"]!), Has.All.Empty);
        });
        Assert.That((await UpdatesAsync()).Select(u => (string)u!["update_id"]!), Is.EqualTo(updates.Select(u => (string)u!["update_id"]!)),
            "update ids are stable");
        var english = (await JsonAsync("/open311/v2/servicerequestupdates.json", language: "en")).AsArray();
        Assert.That((string)english[1]!["description"]!, Is.EqualTo($"Resolved. Result: {result}"));
    }

    [Test]
    public async Task Rejected_and_merged_cases_read_closed_with_what_fixmystreet_understands()
    {
        using var clerk = await StaffAsync("enforcement.staff");
        var elsewhere = await NewCaseAsync();
        await ActOkAsync(clerk, elsewhere, "reject", new { ground = "outside_remit", reason = "属交通噪声", referral = "请向交警部门反映" });
        var repeated = await NewCaseAsync();
        await ActOkAsync(clerk, repeated, "reject", new { ground = "duplicate", reason = "同一问题已在办理", referral = "请关注原案件" });
        var vague = await NewCaseAsync();
        await ActOkAsync(clerk, vague, "reject", new { ground = "insufficient_information", reason = "未说明地点", referral = "请补充后重新投诉" });
        var original = await AcceptedCaseAsync();
        var duplicate = await NewCaseAsync();
        using (var head = await StaffAsync("enforcement"))
            await ActOkAsync(head, duplicate, "merge", new { originalTrackingCode = original });

        var requests = await RequestsAsync();
        var updates = await UpdatesAsync();
        string UpdateStatus(string code) => (string)updates.Single(u => (string)u!["service_request_id"]! == code)!["status"]!;
        Assert.Multiple(() =>
        {
            foreach (var code in new[] { elsewhere, repeated, vague, duplicate })
                Assert.That((string)ById(requests, code)["status"]!, Is.EqualTo("closed"), code);
            Assert.That((string)ById(requests, elsewhere)["status_notes"]!, Is.EqualTo("不予受理。原因：属交通噪声。建议：请向交警部门反映"));
            Assert.That((string)ById(requests, duplicate)["status_notes"]!, Does.Contain(original));
            Assert.That(ById(requests, elsewhere).ContainsKey("expected_datetime"), Is.False);
            Assert.That(UpdateStatus(elsewhere), Is.EqualTo("NOT_COUNCILS_RESPONSIBILITY"));
            Assert.That(UpdateStatus(repeated), Is.EqualTo("DUPLICATE"));
            Assert.That(UpdateStatus(vague), Is.EqualTo("NO_FURTHER_ACTION"));
            Assert.That(UpdateStatus(duplicate), Is.EqualTo("DUPLICATE"));
            Assert.That((string)ById(updates, elsewhere, "service_request_id")["description"]!, Does.Contain("请向交警部门反映"));
        });
    }

    [Test]
    public async Task A_published_case_shows_its_approved_summary_as_description()
    {
        const string summary = "群众反映城东一化工厂夜间排放刺鼻废气。";
        var published = await ResolvedCaseAsync("已责令整改。");
        var unpublished = await ResolvedCaseAsync("已责令整改。");
        await PublishAsync(published, summary);

        var requests = await RequestsAsync();
        Assert.Multiple(() =>
        {
            Assert.That((string)ById(requests, published)["description"]!, Is.EqualTo(summary));
            Assert.That((string)ById(requests, unpublished)["description"]!, Is.Empty);
        });
    }

    private static async Task PublishAsync(string code, string summary)
    {
        foreach (var (username, suffix, body) in new (string, string, object)[]
                 {
                     ("enforcement.staff", "", new { summary, result = "经现场检查，已责令整改。" }),
                     ("enforcement", "/decision", new { approve = true }),
                 })
        {
            using var staff = await StaffAsync(username);
            using var current = await staff.GetAsync($"/api/v1/staff/complaints/{code}/publication");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{code}/publication{suffix}") { Content = JsonContent.Create(body) };
            request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
            using var response = await staff.SendAsync(request);
            Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        }
    }

    [Test]
    public async Task Filters_combine_and_ids_override_every_other_one()
    {
        var air = await NewCaseAsync();
        var water = await NewCaseAsync(ValidComplaint("water.industrial"));
        var closed = await ResolvedCaseAsync("已责令整改。");

        static List<string> Ids(JsonArray list) => list.Select(r => (string)r!["service_request_id"]!).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(Ids(await RequestsAsync()), Is.EqualTo(new[] { closed, water, air }), "newest first");
            Assert.That(Ids(await RequestsAsync("?service_code=water.industrial")), Is.EqualTo(new[] { water }));
            Assert.That(Ids(await RequestsAsync("?service_code=water.industrial,air.odor")), Is.EquivalentTo(new[] { water, air, closed }));
            Assert.That(Ids(await RequestsAsync("?status=closed")), Is.EqualTo(new[] { closed }));
            Assert.That(Ids(await RequestsAsync("?status=open")), Is.EquivalentTo(new[] { water, air }));
            Assert.That(Ids(await RequestsAsync("?status=open,closed")), Has.Count.EqualTo(3));
            Assert.That(Ids(await RequestsAsync($"?service_request_id={air},{water.ToLowerInvariant()}")), Is.EquivalentTo(new[] { air, water }));
            Assert.That(Ids(await RequestsAsync($"?service_request_id={air}&service_request_id={closed}")), Is.EquivalentTo(new[] { air, closed }));
            Assert.That(Ids(await RequestsAsync($"?service_request_id={air}&status=closed&service_code=water.industrial&start_date=2001-01-01T00:00:00Z&end_date=not-a-date")),
                Is.EqualTo(new[] { air }), "ids override the other filters, even malformed ones");
            Assert.That(Ids(await RequestsAsync($"?service_request_id=nonsense,{air}")), Is.EqualTo(new[] { air }), "an id that cannot exist is simply not found");
            Assert.That(await RequestsAsync("?start_date=2001-01-01T00:00:00Z&end_date=2001-02-01T00:00:00Z"), Is.Empty);
            Assert.That(Ids(await RequestsAsync("?jurisdiction_id=shengzhou&api_key=anything")), Has.Count.EqualTo(3), "public: the key is not needed");
        });
    }

    [Test]
    public async Task Date_windows_accept_any_offset_and_a_plus_that_arrived_as_a_space()
    {
        var code = await NewCaseAsync();
        var requested = DateTimeOffset.Parse((string)(await RequestAsync(code))["requested_datetime"]!);
        var from = requested.AddMinutes(-5);
        var to = requested.AddMinutes(5);
        string Raw(DateTimeOffset instant, TimeSpan offset) => instant.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Multiple(async () =>
        {
            Assert.That(await RequestsAsync($"?start_date={Encoded(from)}&end_date={Encoded(to)}"), Has.Count.EqualTo(1), "%2B08:00");
            Assert.That(await RequestsAsync($"?start_date={Raw(from, TimeSpan.FromHours(8))}&end_date={Raw(to, TimeSpan.FromHours(8))}"), Has.Count.EqualTo(1),
                "an unencoded + arrives as a space");
            Assert.That(await RequestsAsync($"?start_date={Raw(from, TimeSpan.FromHours(-5))}&end_date={Raw(to, TimeSpan.Zero).Replace("+00:00", "Z")}"),
                Has.Count.EqualTo(1), "other offsets and Z");
            Assert.That(await RequestsAsync($"?start_date={Encoded(to)}"), Is.Empty, "from start_date on");
            Assert.That(await RequestsAsync($"?end_date={Encoded(from)}"), Is.Empty, "up to end_date");
            Assert.That(await UpdatesAsync($"?start_date={Raw(from, TimeSpan.FromHours(8))}&end_date={Raw(to.AddDays(1), TimeSpan.FromHours(8))}"), Is.Empty,
                "nothing changed publicly yet");
        });
    }

    [TestCase("start_date=yesterday", "start_date")]
    [TestCase("start_date=2026-13-01T00:00:00Z", "start_date")]
    [TestCase("start_date=2026-02-30T00:00:00Z", "start_date")]
    [TestCase("end_date=2026-12-06T10:15:00", "end_date")]
    [TestCase("end_date=2026-12-06T25:00:00%2B08:00", "end_date")]
    [TestCase("start_date=2026-12-06T10:15:00%2B99:00", "start_date")]
    [TestCase("start_date=0001-01-01T00:00:00Z", "2000")]
    [TestCase("start_date=9999-12-31T23:59:59-12:00", "start_date")]
    [TestCase("start_date=1999-12-31T00:00:00Z&end_date=2000-01-02T00:00:00Z", "2000")]
    [TestCase("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "90")]
    [TestCase("start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "end_date")]
    [TestCase("status=pending", "status")]
    [TestCase("status=open,resolved", "status")]
    public async Task Malformed_parameters_are_georeport_400s_never_500s(string query, string mentioned)
    {
        Assert.That(await BadRequestAsync($"/open311/v2/requests.json?{query}"), Does.Contain(mentioned));
        var xml = await XmlAsync($"/open311/v2/requests.xml?{query}", status: 400);
        Open311Conformance.AssertXml("errors", xml);
        if (!query.StartsWith("status"))
            Assert.That(await BadRequestAsync($"/open311/v2/servicerequestupdates.json?{query}"), Does.Contain(mentioned));
    }

    [Test]
    public async Task Ninety_days_is_the_longest_window_and_a_date_alone_is_the_bureaus_day()
    {
        Assert.That(await RequestsAsync("?start_date=2026-01-01T00:00:00%2B08:00&end_date=2026-04-01T00:00:00%2B08:00"), Is.Empty, "exactly 90 days");
        Assert.That(await BadRequestAsync("/open311/v2/requests.json?start_date=2026-01-01T00:00:00%2B08:00&end_date=2026-04-01T00:00:01%2B08:00"),
            Does.Contain("90"));
        Assert.That(await RequestsAsync("?start_date=2026-01-01&end_date=2026-03-01"), Is.Empty);
    }

    [Test]
    public async Task A_list_holds_at_most_a_thousand_requests_newest_first()
    {
        await NewCaseAsync();
        // 1,005 cases in one statement: filing them through the API would take minutes.
        await ExecuteAsync(
            """
            insert into complaints (tracking_code, query_password_hash, category_code, description, section_code, submitted_at, accept_by, updated_at, due_on)
            select 'T' || translate(lpad(g::text, 11, '0'), '01', 'AB'), c.query_password_hash, c.category_code, c.description, c.section_code,
                   c.submitted_at - g * interval '1 minute', c.accept_by, c.updated_at, c.due_on
            from complaints c, generate_series(1, 1005) g
            """);
        var requests = await RequestsAsync();
        var times = requests.Select(r => DateTimeOffset.Parse((string)r!["requested_datetime"]!)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(requests, Has.Count.EqualTo(1000));
            Assert.That(times, Is.Ordered.Descending);
        });
    }

    [Test]
    public async Task Contact_details_staff_wrote_in_a_result_are_masked_wherever_geoReport_shows_it()
    {
        var code = await ResolvedCaseAsync("已责令整改。如有疑问请致电 13912345678 或写信至 li.si@hb.example.cn");
        var request = await RequestAsync(code);
        var updates = string.Join(" ", (await UpdatesAsync()).Where(u => (string)u!["service_request_id"]! == code).Select(u => u!.ToJsonString()));
        Assert.Multiple(() =>
        {
            Assert.That((string)request["status_notes"]!, Is.EqualTo("已办结。处理结果：已责令整改。如有疑问请致电 *** 或写信至 ***"));
            Assert.That(updates, Does.Contain("***").And.Not.Contain("13912345678").And.Not.Contain("li.si@"));
        });
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;

namespace Feedback.Tests.Integration.Metrics;

/// <summary>
/// The metrics routes as a leader, a section head and everyone else meets them: who may read what,
/// how bad filters are refused, the CSV files and their audit, and figures after real case work.
/// The figures themselves are checked exhaustively by MetricsOracleTests.
/// </summary>
public sealed class MetricsApiTests : IntegrationTest
{
    private static readonly string[] Routes = ["/api/v1/metrics/summary", "/api/v1/metrics/breakdown?by=section", "/api/v1/metrics/ranking", "/api/v1/metrics/overdue"];

    private static async Task<JsonObject> GetOkAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await ReadJsonAsync(response);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body.ToJsonString());
        return body;
    }

    [Test]
    public async Task Anonymous_callers_are_refused_with_401()
    {
        foreach (var route in Routes)
        {
            using var response = await Client.GetAsync(route);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), route);
        }
    }

    [TestCase("enforcement.staff")]
    [TestCase("discipline")]
    public async Task Clerks_and_discipline_inspection_are_refused_with_403(string username)
    {
        using var staff = await StaffAsync(username);
        foreach (var route in Routes)
        {
            using var response = await staff.GetAsync(route);
            await AssertProblemAsync(response, 403);
        }
    }

    [TestCase("leader")]
    [TestCase("admin")]
    [TestCase("enforcement")]
    public async Task Leaders_administrators_and_section_heads_may_read_every_route(string username)
    {
        using var staff = await StaffAsync(username);
        foreach (var route in Routes) await GetOkAsync(staff, route);
    }

    [Test]
    public async Task Every_answer_states_the_rules_it_was_computed_with()
    {
        using var leader = await StaffAsync("leader");
        var summary = await GetOkAsync(leader, "/api/v1/metrics/summary");
        Assert.That(summary["config"]!.ToJsonString(), Is.EqualTo("""{"weights":{"response":0.3,"resolution":0.35,"satisfaction":0.35},"basicallySatisfiedFactor":1,"minimumEvaluations":10}"""));
        var breakdown = await GetOkAsync(leader, "/api/v1/metrics/breakdown?by=month");
        Assert.That(breakdown["config"]!["minimumEvaluations"]!.GetValue<int>(), Is.EqualTo(10));
    }

    [Test]
    public async Task The_default_period_is_the_last_30_days_and_the_previous_one_is_as_long()
    {
        using var leader = await StaffAsync("leader");
        var summary = await GetOkAsync(leader, "/api/v1/metrics/summary?from=2026-03-01&to=2026-03-31");
        Assert.That(summary["period"]!.ToJsonString(), Is.EqualTo("""{"from":"2026-03-01","to":"2026-03-31"}"""));
        Assert.That(summary["previousPeriod"]!.ToJsonString(), Is.EqualTo("""{"from":"2026-01-29","to":"2026-02-28"}"""));

        var defaults = await GetOkAsync(leader, "/api/v1/metrics/summary");
        var from = DateOnly.Parse((string)defaults["period"]!["from"]!);
        var to = DateOnly.Parse((string)defaults["period"]!["to"]!);
        Assert.That(to.DayNumber - from.DayNumber, Is.EqualTo(29));
    }

    [Test]
    public async Task Rates_without_a_denominator_are_null_not_zero()
    {
        using var leader = await StaffAsync("leader");
        var current = (await GetOkAsync(leader, "/api/v1/metrics/summary?from=2020-01-01&to=2020-01-31"))["current"]!;
        foreach (var rate in new[] { "responseRate", "onTimeRate", "resolutionRate", "satisfactionRate", "reviewRate", "acceptanceShare" })
            Assert.That(current[rate]!.ToJsonString(), Is.EqualTo("""{"value":null,"numerator":0,"denominator":0}"""), rate);
        Assert.That(current["composite"], Is.Null);
        Assert.That(current["hoursToDecide"]!.ToJsonString(), Is.EqualTo("""{"median":null,"p90":null,"count":0}"""));
        Assert.That((long)current["volume"]!, Is.Zero);
    }

    [TestCase("from=2026-03-02&to=2026-03-01", "to")]
    [TestCase("from=2020-01-01&to=2026-01-01", "from")]
    [TestCase("section=nowhere", "section")]
    [TestCase("category=lava", "category")]
    [TestCase("township=%E4%B8%8D%E5%AD%98%E5%9C%A8%E9%95%87", "township")]
    [TestCase("channel=fax", "channel")]
    [TestCase("format=xml", "format")]
    public async Task Bad_filters_are_named_in_a_400(string query, string field)
    {
        using var leader = await StaffAsync("leader");
        foreach (var route in new[] { "/api/v1/metrics/summary?", "/api/v1/metrics/breakdown?by=township&", "/api/v1/metrics/ranking?" })
        {
            using var response = await leader.GetAsync(route + query);
            var problem = await AssertProblemAsync(response, 400);
            Assert.That(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
        }
    }

    [TestCase("", "by")]
    [TestCase("by=year", "by")]
    public async Task A_breakdown_needs_a_known_dimension(string query, string field)
    {
        using var leader = await StaffAsync("leader");
        using var response = await leader.GetAsync("/api/v1/metrics/breakdown?" + query);
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=1001", "limit")]
    [TestCase("from=2026-01-01", "filters.from")]
    public async Task The_overdue_list_refuses_a_bad_limit_and_any_period(string query, string field)
    {
        using var leader = await StaffAsync("leader");
        using var response = await leader.GetAsync("/api/v1/metrics/overdue?" + query);
        var problem = await AssertProblemAsync(response, 400);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key.ToLowerInvariant()), Does.Contain(field.ToLowerInvariant()), problem.ToJsonString());
    }

    [Test]
    public async Task Figures_follow_real_case_work()
    {
        var accepted = (string)(await SubmitAsync(ValidComplaint("air.odor")))["trackingCode"]!;
        var rejected = (string)(await SubmitAsync(ValidComplaint("air.dust")))["trackingCode"]!;
        await SubmitAsync(ValidComplaint("water.river"));
        using var head = await StaffAsync("enforcement");
        await ActOkAsync(head, accepted, "accept");
        await ActOkAsync(head, rejected, "reject", new { ground = "outside_remit", reason = "不属于本局职责", referral = "请向住建部门反映" });

        using var leader = await StaffAsync("leader");
        var current = (await GetOkAsync(leader, "/api/v1/metrics/summary"))["current"]!;
        Assert.Multiple(() =>
        {
            Assert.That((long)current["volume"]!, Is.EqualTo(3));
            Assert.That((long)current["accepted"]!, Is.EqualTo(1));
            Assert.That((long)current["rejected"]!, Is.EqualTo(1));
            Assert.That((long)current["awaitingDecision"]!, Is.EqualTo(1));
            Assert.That(current["acceptanceShare"]!.ToJsonString(), Is.EqualTo("""{"value":0.5,"numerator":1,"denominator":2}"""));
            // Both decisions came at once, well before the deadline; the third case's deadline is still running.
            Assert.That(current["responseRate"]!.ToJsonString(), Is.EqualTo("""{"value":1,"numerator":2,"denominator":2}"""));
            Assert.That((long)current["backlog"]!, Is.EqualTo(2), "the accepted case and the undecided one are open");
            Assert.That((long)current["hoursToDecide"]!["count"]!, Is.EqualTo(2));
        });

        var bySection = await GetOkAsync(leader, "/api/v1/metrics/breakdown?by=channel");
        var row = bySection["rows"]!.AsArray().Single()!;
        Assert.That((string)row["key"]!, Is.EqualTo("web"));
        Assert.That((string)row["label"]!, Is.EqualTo("网上提交"));
    }

    [Test]
    public async Task A_section_head_sees_their_own_section_only_and_never_conduct_cases()
    {
        await SubmitAsync(ValidComplaint("air.odor"));
        await SubmitAsync(ValidComplaint("conduct.inaction"));
        await SubmitAsync(ValidComplaint("suggestion"));

        using var leader = await StaffAsync("leader");
        var all = await GetOkAsync(leader, "/api/v1/metrics/breakdown?by=group");
        Assert.That(all["rows"]!.AsArray().Select(r => (string)r!["key"]!), Is.EquivalentTo(new[] { "air", "conduct", "suggestion" }),
            "leaders see conduct cases under their own group");

        using var head = await StaffAsync("enforcement");
        var own = await GetOkAsync(head, "/api/v1/metrics/breakdown?by=group");
        Assert.That(own["rows"]!.AsArray().Select(r => (string)r!["key"]!), Is.EqualTo(new[] { "air" }));
        Assert.That((long)(await GetOkAsync(head, "/api/v1/metrics/summary"))["current"]!["volume"]!, Is.EqualTo(1));
        Assert.That((await GetOkAsync(head, "/api/v1/metrics/ranking"))["rows"]!.AsArray().Select(r => (string)r!["section"]!),
            Is.EqualTo(new[] { "enforcement" }));

        using var other = await head.GetAsync("/api/v1/metrics/summary?section=office");
        await AssertProblemAsync(other, 403);
        Assert.That(await CountAsync("audit_log where action = 'request.forbidden' and target_id = 'GET /api/v1/metrics/summary' and outcome = 'denied'"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_leaders_section_filter_narrows_the_ranking_to_that_row()
    {
        using var leader = await StaffAsync("leader");
        var rows = (await GetOkAsync(leader, "/api/v1/metrics/ranking?section=office"))["rows"]!.AsArray();
        Assert.That(rows.Select(r => (string)r!["section"]!), Is.EqualTo(new[] { "office" }));
    }

    [Test]
    public async Task The_overdue_list_names_places_in_the_readers_language_and_shows_no_contact()
    {
        var code = (string)(await SubmitAsync(ValidComplaint("air.odor")))["trackingCode"]!;
        await ExecuteAsync($"update complaints set accept_by = current_date - 10, due_on = current_date - 10 where tracking_code = '{code}'");
        using var leader = await StaffAsync("leader");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/metrics/overdue");
        request.Headers.AcceptLanguage.ParseAdd("en");
        using var response = await leader.SendAsync(request);
        var body = await ReadJsonAsync(response);
        var row = body["rows"]!.AsArray().Single()!;
        Assert.Multiple(() =>
        {
            Assert.That((long)body["total"]!, Is.EqualTo(1));
            Assert.That((string)row["trackingCode"]!, Is.EqualTo(code));
            Assert.That((string)row["township"]!, Is.EqualTo("剡湖街道"));
            Assert.That((string)row["townshipLabel"]!, Is.EqualTo("Shanhu Subdistrict"));
            Assert.That((string)row["stage"]!, Is.EqualTo("acceptance"));
            Assert.That(body.ToJsonString(), Does.Not.Contain("13800138000").And.Not.Contain("王女士"));
        });
    }

    [Test]
    public async Task Ranking_lists_every_section_with_the_reason_it_is_not_ranked()
    {
        using var leader = await StaffAsync("leader");
        var rows = (await GetOkAsync(leader, "/api/v1/metrics/ranking?language=en"))["rows"]!.AsArray();
        Assert.That(rows, Has.Count.EqualTo(6));
        Assert.That(rows.Select(r => r!["rank"]), Has.All.Null);
        Assert.That((string)rows[0]!["unrankedReason"]!, Is.EqualTo("评价 0 件，少于 10 件"));
    }

    [Test]
    public async Task Month_and_week_breakdowns_have_a_row_for_every_bucket_clipped_to_the_period()
    {
        using var leader = await StaffAsync("leader");
        var months = (await GetOkAsync(leader, "/api/v1/metrics/breakdown?by=month&from=2026-01-15&to=2026-03-10"))["rows"]!.AsArray();
        Assert.That(months.Select(r => (string)r!["key"]!), Is.EqualTo(new[] { "2026-01", "2026-02", "2026-03" }));
        Assert.That(months[0]!["period"]!.ToJsonString(), Is.EqualTo("""{"from":"2026-01-15","to":"2026-01-31"}"""));
        Assert.That(months[2]!["period"]!.ToJsonString(), Is.EqualTo("""{"from":"2026-03-01","to":"2026-03-10"}"""));

        var weeks = (await GetOkAsync(leader, "/api/v1/metrics/breakdown?by=week&from=2026-12-30&to=2027-01-12"))["rows"]!.AsArray();
        Assert.That(weeks.Select(r => (string)r!["key"]!), Is.EqualTo(new[] { "2026-W53", "2027-W01", "2027-W02" }));
    }

    [Test]
    public async Task Csv_files_open_in_excel_name_their_columns_in_the_readers_language_and_are_audited()
    {
        await SubmitAsync(ValidComplaint("air.odor"));
        using var leader = await StaffAsync("leader");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/metrics/breakdown?by=section");
        request.Headers.Accept.ParseAdd("text/csv");
        using var response = await leader.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), Encoding.UTF8.GetString(bytes));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n");
        Assert.That(lines[0], Does.StartWith("代码,名称,起,止,投诉量,合并,受理,不予受理,待受理,受理占比（%）,受理占比分子,受理占比分母,响应率（%）"));
        Assert.That(lines[1], Does.StartWith("enforcement,生态环境执法大队,"));
        Assert.That(lines, Has.Length.EqualTo(3), "header, one section, and the final CRLF");
        Assert.That(lines[1].Split(',')[9..12], Is.EqualTo(new[] { "", "0", "0" }), "a rate without a denominator: no percent");

        using var summary = await leader.GetAsync("/api/v1/metrics/summary?format=csv");
        var summaryRow = (await summary.Content.ReadAsStringAsync()).Split("\r\n")[1].Split(',');
        Assert.That(summaryRow[7..11], Is.EqualTo(new[] { "1", "", "0", "0" }), "awaiting decision, then acceptance share with nothing decided");

        using var english = new HttpRequestMessage(HttpMethod.Get, "/api/v1/metrics/ranking?format=csv");
        english.Headers.AcceptLanguage.ParseAdd("en");
        using var ranking = await leader.SendAsync(english);
        var text = await ranking.Content.ReadAsStringAsync();
        Assert.That(text.TrimStart('\uFEFF'), Does.StartWith("Rank,Section code,Section,Evaluations,Composite (%),Response rate (%)"));

        Assert.That(await CountAsync("audit_log where action = 'metrics.export' and outcome = 'succeeded'"), Is.EqualTo(3));
    }
}

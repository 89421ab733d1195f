using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using Npgsql;

namespace Feedback.Tests.Integration.Staff;

/// <summary>The queue as CSV: the file's format, the same cases as the JSON queue, the audit, streaming.</summary>
public sealed class QueueExportTests : IntegrationTest
{
    private static readonly string[] ChineseHeader =
        ["查询编号", "状态", "类别", "承办科室", "乡镇（街道）", "来源", "提交时间", "办理期限", "剩余工作日",
         "是否超期", "承办人", "延期", "复查", "附议人数", "紧急", "保密", "内容摘要"];

    private static readonly string[] EnglishHeader =
        ["Tracking code", "Status", "Category", "Section", "Township", "Channel", "Submitted at", "Deadline", "Working days left",
         "Overdue", "Assignee", "Extension", "Review", "Supporters", "Urgent", "Confidential", "Excerpt"];

    private async Task<string> FileAsync(string category, string description, string? township = null) =>
        (string)(await SubmitAsync(new { categoryCode = category, description, township }))["trackingCode"]!;

    private static async Task<HttpResponseMessage> ExportAsync(HttpClient staff, string query = "?format=csv", string? accept = null, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/staff/complaints" + query);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return await staff.SendAsync(request);
    }

    private static async Task<(byte[] Bytes, List<string[]> Records)> CsvAsync(HttpClient staff, string query = "?format=csv", string? accept = null, string? language = null)
    {
        using var response = await ExportAsync(staff, query, accept, language);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), Encoding.UTF8.GetString(bytes));
        Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "UTF-8 byte-order mark first");
        return (bytes, Parse(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3)));
    }

    /// <summary>A strict RFC 4180 reader: records end with CRLF; a bare CR or LF is allowed only inside quotes.</summary>
    private static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length) Assert.Fail("unterminated quoted field");
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; }
                    else if (text[i] == '"') { i++; break; }
                    else field.Append(text[i++]);
                }
            }
            while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
            {
                Assert.That(text[i], Is.Not.EqualTo('"'), "a quote outside a quoted field");
                field.Append(text[i++]);
            }
            if (i >= text.Length) Assert.Fail("the last record must end with CRLF");
            fields.Add(field.ToString());
            field.Clear();
            if (text[i] == ',') { i++; continue; }
            Assert.That(text.Substring(i, Math.Min(2, text.Length - i)), Is.EqualTo("\r\n"), $"record {records.Count + 1} must end with CRLF");
            i += 2;
            records.Add([.. fields]);
            fields.Clear();
        }
        return records;
    }

    private static async Task<List<string>> JsonQueueCodesAsync(HttpClient staff, string query)
    {
        var codes = new List<string>();
        string? cursor = null;
        do
        {
            var separator = query.Length == 0 ? "?" : "&";
            using var response = await staff.GetAsync($"/api/v1/staff/complaints{query}{separator}limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
            var page = await ReadJsonAsync(response);
            Assert.That((int)response.StatusCode, Is.EqualTo(200), page.ToJsonString());
            codes.AddRange(page["items"]!.AsArray().Select(i => (string)i!["trackingCode"]!));
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);
        return codes;
    }

    [Test]
    public async Task The_file_is_rfc_4180_with_a_bom_crlf_quoting_chinese_headers_and_no_formula_can_run()
    {
        var formula = await FileAsync("air.odor", "=HYPERLINK(\"http://evil.example\",\"点我\")");
        var quoted = await FileAsync("air.odor", "工厂说：\"没有排放\"，但是\n晚上又排了", "剡湖街道");
        var plus = await FileAsync("air.odor", "+86 电话骚扰");
        var at = await FileAsync("air.odor", "@SUM(1,2) 异味");
        var minus = await FileAsync("air.odor", "-2+3 异味");
        await ExecuteAsync($"update complaints set due_on = current_date - 10 where tracking_code = '{plus}'");
        using var clerk = await StaffAsync("enforcement.staff");

        var (bytes, records) = await CsvAsync(clerk);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(records[0], Is.EqualTo(ChineseHeader));
            Assert.That(records.Skip(1).Select(r => r[0]), Is.EquivalentTo(new[] { formula, quoted, plus, at, minus }));
            Assert.That(records.All(r => r.Length == ChineseHeader.Length), "every record has every column");
            Assert.That(text.Replace("\r\n", ""), Does.Not.Contain("\r"), "…and no bare CR outside the one quoted line break");
        });
        string[] Row(string code) => records.Single(r => r[0] == code);
        Assert.Multiple(() =>
        {
            Assert.That(Row(formula)[16], Is.EqualTo("'=HYPERLINK(\"http://evil.example\",\"点我\")"));
            Assert.That(text, Does.Contain("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\""), "quotes doubled inside a quoted field");
            Assert.That(Row(quoted)[16], Is.EqualTo("工厂说：\"没有排放\"，但是\n晚上又排了"), "the line break survives inside quotes");
            Assert.That(Row(quoted)[4], Is.EqualTo("剡湖街道"));
            Assert.That(Row(plus)[16], Is.EqualTo("'+86 电话骚扰"));
            Assert.That(Row(at)[16], Is.EqualTo("'@SUM(1,2) 异味"));
            Assert.That(Row(minus)[16], Is.EqualTo("'-2+3 异味"));
            Assert.That(int.Parse(Row(plus)[8]), Is.LessThan(0), "working days left stays a plain (negative) number");
            Assert.That(text, Does.Contain($"{plus},待受理,"), "numbers and plain words are not quoted");
            Assert.That(Row(plus)[9], Is.EqualTo("是"));
            Assert.That(Row(formula)[1], Is.EqualTo("待受理"));
            Assert.That(Row(formula)[2], Is.EqualTo("异味臭气"));
            Assert.That(Row(formula)[5], Is.EqualTo("网上提交"));
            Assert.That(Row(formula)[6], Does.Match(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"));
            Assert.That(text, Does.Not.Contain("13800138000").And.Not.Contain("王女士"), "no contact details");
        });
    }

    [Test]
    public async Task Format_csv_and_accept_text_csv_give_the_same_file_with_english_headers_on_request()
    {
        await FileAsync("air.odor", "化工厂夜间排放异味");
        using var clerk = await StaffAsync("enforcement.staff");

        using var byFormat = await ExportAsync(clerk, "?format=csv");
        using var byAccept = await ExportAsync(clerk, "", accept: "text/csv");
        Assert.Multiple(async () =>
        {
            Assert.That(byFormat.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/csv; charset=utf-8"));
            Assert.That(byAccept.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/csv; charset=utf-8"));
            var disposition = byFormat.Content.Headers.ContentDisposition!;
            Assert.That(disposition.DispositionType, Is.EqualTo("attachment"));
            Assert.That(byFormat.Content.Headers.NonValidated["Content-Disposition"].ToString(),
                Does.Match(@"^attachment; filename=""complaints-\d{4}-\d{2}-\d{2}\.csv""; filename\*=UTF-8''%E6%8A%95%E8%AF%89%E6%A1%88%E4%BB%B6-\d{4}-\d{2}-\d{2}\.csv$"),
                "a quoted ASCII name, and the Chinese one percent-encoded");
            Assert.That(disposition.FileNameStar, Does.Match(@"^投诉案件-\d{4}-\d{2}-\d{2}\.csv$"));
            Assert.That(byFormat.Headers.CacheControl?.NoStore, Is.True);
            Assert.That(await byAccept.Content.ReadAsByteArrayAsync(), Is.EqualTo(await byFormat.Content.ReadAsByteArrayAsync()));
        });

        var (_, english) = await CsvAsync(clerk, "", accept: "text/csv", language: "en");
        Assert.Multiple(() =>
        {
            Assert.That(english[0], Is.EqualTo(EnglishHeader));
            Assert.That(english[1][1], Is.EqualTo("awaiting acceptance"));
            Assert.That(english[1][2], Is.EqualTo("Odours"));
        });

        using var json = await ExportAsync(clerk, "", accept: "application/json");
        Assert.That(json.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), "JSON stays the default");
        using var preferJson = await ExportAsync(clerk, "", accept: "application/json, text/csv;q=0.5");
        Assert.That(preferJson.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
    }

    [Test]
    public async Task An_export_holds_exactly_the_cases_the_json_queue_pages_through_for_the_same_caller_and_filters()
    {
        var odor = await FileAsync("air.odor", "化工厂夜间排放异味", "剡湖街道");
        var dust = await FileAsync("air.dust", "工地扬尘", "三江街道");
        var water = await FileAsync("water.industrial", "偷排污水", "剡湖街道");
        var vehicle = await FileAsync("air.vehicle", "黑烟车");
        var conduct = await FileAsync("conduct.inaction", "执法大队某工作人员接到举报后不作为");
        var conduct2 = await FileAsync("conduct.inaction", "执法人员吃拿卡要");
        using var head = await StaffAsync("enforcement");
        await ActOkAsync(head, water, "accept");
        await ActOkAsync(head, water, "resolve", new { result = "已整改" });

        using var clerk = await StaffAsync("enforcement.staff");
        using var discipline = await StaffAsync("discipline");
        using var leader = await StaffAsync("leader");
        var queries = new[]
        {
            "", "?status=resolved", "?status=submitted,resolved", "?category=air", "?township=" + Uri.EscapeDataString("剡湖街道") + "&status=submitted,resolved",
            "?section=discipline", "?section=pollution", "?q=" + Uri.EscapeDataString("不作为"), "?q=" + conduct2, "?sort=newest", "?assignee=none",
        };
        foreach (var (who, staff) in new[] { ("clerk", clerk), ("discipline", discipline), ("leader", leader) })
            foreach (var query in queries)
            {
                var json = await JsonQueueCodesAsync(staff, query);
                var (_, records) = await CsvAsync(staff, query.Length == 0 ? "?format=csv" : query + "&format=csv");
                Assert.That(records.Skip(1).Select(r => r[0]), Is.EqualTo(json), $"{who} {query}: the same cases in the same order");
            }

        var (_, clerkAll) = await CsvAsync(clerk, "?format=csv&status=submitted,accepted,in_progress,resolved,closed,rejected,merged&section=discipline");
        Assert.That(clerkAll.Skip(1).Select(r => r[0]), Is.EquivalentTo(new[] { odor, dust, water }),
            "a clerk's export never holds another section's case or a conduct case, whatever the filters");
        var (_, leaderAll) = await CsvAsync(leader, "?format=csv");
        Assert.That(leaderAll.Skip(1).Select(r => r[0]), Is.EquivalentTo(new[] { odor, dust, vehicle, conduct, conduct2 }));
        Assert.That(leaderAll.Single(r => r[0] == conduct)[15], Is.EqualTo("是"), "conduct cases are marked confidential");
    }

    [Test]
    public async Task Each_export_is_audited_with_the_caller_the_filters_and_the_rows_sent()
    {
        await FileAsync("air.odor", "异味一", "剡湖街道");
        await FileAsync("air.odor", "异味二", "剡湖街道");
        await FileAsync("air.dust", "扬尘", "三江街道");
        using var clerk = await StaffAsync("enforcement.staff");
        var (_, records) = await CsvAsync(clerk, "?format=csv&township=" + Uri.EscapeDataString("剡湖街道"));
        Assert.That(records, Has.Count.EqualTo(3));

        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select actor_username, actor_role, outcome, after::text from audit_log where action = 'complaint.export'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True, "an audit row");
        var after = JsonNode.Parse(reader.GetString(3))!;
        Assert.Multiple(() =>
        {
            Assert.That(reader.GetString(0), Is.EqualTo("enforcement.staff"));
            Assert.That(reader.GetString(1), Is.EqualTo("staff"));
            Assert.That(reader.GetString(2), Is.EqualTo("succeeded"));
            Assert.That((int)after["rows"]!, Is.EqualTo(2));
            Assert.That((string?)after["filters"]!["township"], Is.EqualTo("剡湖街道"));
            Assert.That((string?)after["format"], Is.EqualTo("csv"));
        });
        Assert.That(await reader.ReadAsync(), Is.False, "one row per export");
    }

    [Test]
    public async Task Without_a_token_401_as_admin_403_and_bad_parameters_400()
    {
        using var anonymous = await ExportAsync(Client);
        await AssertProblemAsync(anonymous, 401);
        using var admin = await StaffAsync("admin");
        using var forbidden = await ExportAsync(admin);
        await AssertProblemAsync(forbidden, 403);

        using var clerk = await StaffAsync("enforcement.staff");
        foreach (var (query, field) in new[] { ("?format=csv&limit=10", "limit"), ("?format=csv&cursor=abc", "cursor"), ("?format=xml", "format"), ("?format=csv&status=lost", "status") })
        {
            using var response = await ExportAsync(clerk, query);
            var problem = await AssertProblemAsync(response, 400);
            Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Does.Contain(field), query);
        }
        Assert.That(await CountAsync("audit_log where action = 'complaint.export'"), Is.Zero, "refused exports send and record no rows");
    }

    [Test]
    public async Task Twenty_thousand_cases_come_out_whole_from_one_streamed_query()
    {
        const int count = 20_000;
        // Tracking codes from the code alphabet: "XY" and the number in the digits 2-9, A, B.
        await ExecuteAsync(
            $"""
            insert into complaints (tracking_code, query_password_hash, category_code, description, township, section_code,
                                    submitted_at, accept_by, due_on, updated_at)
            select 'XY' || translate(lpad(i::text, 10, '0'), '0123456789', '23456789AB'), 'v1$x$y', 'air.odor',
                   '第 ' || i || ' 号，含逗号和"引号"', '剡湖街道', 'enforcement', now() - i * interval '1 minute', current_date, current_date + (i % 30), now()
            from generate_series(1, {count}) i
            """);
        using var leader = await StaffAsync("leader");
        var (_, records) = await CsvAsync(leader, "?format=csv&sort=newest");
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(count + 1));
            Assert.That(records.Skip(1).Select(r => r[0]).Distinct().Count(), Is.EqualTo(count), "each case once");
            Assert.That(records[1][16], Is.EqualTo("第 1 号，含逗号和\"引号\""), "newest first");
            Assert.That(records[count][16], Is.EqualTo($"第 {count} 号，含逗号和\"引号\""));
        });
    }

    [Test]
    public async Task A_third_export_at_once_is_refused_with_429_until_one_ends()
    {
        // Enough rows that an export the client does not read stalls on TCP back-pressure, holding its slot.
        await ExecuteAsync(
            """
            insert into complaints (tracking_code, query_password_hash, category_code, description, township, section_code,
                                    submitted_at, accept_by, due_on, updated_at)
            select 'XZ' || translate(lpad(i::text, 10, '0'), '0123456789', '23456789AB'), 'v1$x$y', 'air.odor',
                   repeat('长', 80), '剡湖街道', 'enforcement', now() - i * interval '1 minute', current_date, current_date, now()
            from generate_series(1, 25000) i
            """);
        using var leader = await StaffAsync("leader");
        async Task<HttpResponseMessage> StartAsync() =>
            await leader.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/staff/complaints?format=csv"), HttpCompletionOption.ResponseHeadersRead);

        var first = await StartAsync();
        using var second = await StartAsync();
        Assert.That((int)first.StatusCode, Is.EqualTo(200));
        Assert.That((int)second.StatusCode, Is.EqualTo(200));

        using (var third = await StartAsync())
        {
            await AssertProblemAsync(third, 429);
            Assert.That(third.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(10)));
        }
        using (var page = await leader.GetAsync("/api/v1/staff/complaints"))
            Assert.That((int)page.StatusCode, Is.EqualTo(200), "the JSON queue is not limited");

        first.Dispose(); // the client leaves: the server's next write fails and the slot is free again
        var status = 0;
        for (var attempt = 0; attempt < 50 && status != 200; attempt++)
        {
            await Task.Delay(100);
            using var again = await StartAsync();
            status = (int)again.StatusCode;
        }
        Assert.That(status, Is.EqualTo(200));
    }
}

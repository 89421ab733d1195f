using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feedback.Tests.Integration.Staff;

/// <summary>The work queue: who sees what, filters, bigram search, keyset pages and counts.</summary>
public sealed class QueueTests : IntegrationTest
{
    private static async Task<JsonObject> QueueAsync(HttpClient staff, string query = "")
    {
        using var response = await staff.GetAsync($"/api/v1/staff/complaints{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static IEnumerable<string> Codes(JsonObject page) => page["items"]!.AsArray().Select(i => (string)i!["trackingCode"]!);

    private async Task<string> FileAsync(string category, string description, string? township = null) =>
        (string)(await SubmitAsync(new { categoryCode = category, description, township }))["trackingCode"]!;

    [Test]
    public async Task A_clerk_sees_the_sections_cases_and_never_a_conduct_case_while_leaders_see_all()
    {
        var odor = await FileAsync("air.odor", "化工厂夜间排放异味");
        var conduct = await FileAsync("conduct.inaction", "执法大队某工作人员接到举报后不作为");

        using var clerk = await StaffAsync("enforcement.staff");
        using var discipline = await StaffAsync("discipline");
        using var leader = await StaffAsync("leader");
        Assert.Multiple(async () =>
        {
            Assert.That(Codes(await QueueAsync(clerk)), Is.EqualTo(new[] { odor }));
            Assert.That(Codes(await QueueAsync(clerk, "?q=" + Uri.EscapeDataString("不作为"))), Is.Empty, "not even by search");
            Assert.That(Codes(await QueueAsync(clerk, "?q=" + conduct)), Is.Empty, "not even by its code");
            Assert.That(Codes(await QueueAsync(clerk, "?section=discipline")), Is.EqualTo(new[] { odor }), "a clerk cannot widen the queue");
            Assert.That(Codes(await QueueAsync(discipline)), Is.EquivalentTo(new[] { odor, conduct }));
            Assert.That(Codes(await QueueAsync(leader)), Is.EquivalentTo(new[] { odor, conduct }));
            Assert.That(Codes(await QueueAsync(leader, "?section=discipline")), Is.EqualTo(new[] { conduct }));
        });
        var item = (await QueueAsync(leader, "?section=discipline"))["items"]![0]!;
        Assert.That((bool)item["confidential"]!, Is.True);
    }

    [Test]
    public async Task Search_finds_two_character_words_single_characters_latin_words_and_tracking_codes()
    {
        var discharge = await FileAsync("water.industrial", "河边小厂晚上偷排污水，河水发黑");
        var dust = await FileAsync("air.dust", "工地扬尘严重，渣土车未覆盖，车牌浙D12345");
        var smell = await FileAsync("air.odor", "垃圾站臭气熏天");
        using var clerk = await StaffAsync("enforcement.staff");

        async Task<IEnumerable<string>> Search(string q) => Codes(await QueueAsync(clerk, "?q=" + Uri.EscapeDataString(q)));
        Assert.Multiple(async () =>
        {
            Assert.That(await Search("偷排"), Is.EqualTo(new[] { discharge }));
            Assert.That(await Search("污水 发黑"), Is.EqualTo(new[] { discharge }), "every word must match");
            Assert.That(await Search("偷排扬尘"), Is.Empty, "all bigrams of the query must be present");
            Assert.That(await Search("臭"), Is.EqualTo(new[] { smell }), "one character matches as a prefix");
            Assert.That(await Search("天"), Is.EqualTo(new[] { smell }), "…also at the end of a run");
            Assert.That(await Search("浙d123"), Is.EqualTo(new[] { dust }), "Latin words and numbers, case ignored, as prefixes");
            Assert.That(await Search(smell.ToLowerInvariant()), Is.EqualTo(new[] { smell }), "a tracking code finds its case");
            Assert.That(await Search("，。！"), Is.Empty, "punctuation alone matches nothing");
        });
    }

    [Test]
    public async Task The_search_is_served_by_the_bigram_index()
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            set enable_seqscan = off;
            explain select id from complaints where search_vector @@ '偷排'::tsquery
            """, connection);
        var plan = string.Join("\n", await ReadAllAsync(command));
        Assert.That(plan, Does.Contain("complaints_search"));
    }

    private static async Task<List<string>> ReadAllAsync(NpgsqlCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        } while (await reader.NextResultAsync());
        return lines;
    }

    [Test]
    public async Task Keyset_pages_cover_every_case_once_in_deadline_order()
    {
        var filed = new List<string>();
        for (var i = 0; i < 23; i++) filed.Add(await FileAsync(i % 3 == 0 ? "water.drinking" : "air.odor", $"第 {i} 号测试投诉"));
        using var clerk = await StaffAsync("enforcement.staff");

        var seen = new List<JsonNode>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await QueueAsync(clerk, "?limit=10" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page["items"]!.AsArray().Select(i => i!));
            cursor = (string?)page["nextCursor"];
            pages++;
        } while (cursor is not null);

        Assert.Multiple(() =>
        {
            Assert.That(pages, Is.EqualTo(3));
            Assert.That(seen.Select(i => (string)i["trackingCode"]!), Is.EquivalentTo(filed));
            var dueDates = seen.Select(i => (string)i["dueOn"]!).ToList();
            Assert.That(dueDates, Is.Ordered, "earliest deadline first: urgent drinking-water cases lead");
        });

        var newest = await QueueAsync(clerk, "?sort=newest&limit=5");
        Assert.That(Codes(newest), Is.EqualTo(filed.AsEnumerable().Reverse().Take(5)));
        using var mixed = await clerk.GetAsync($"/api/v1/staff/complaints?sort=due&cursor={newest["nextCursor"]}");
        Assert.That((await AssertProblemAsync(mixed, 400))["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "cursor" }));
        using var garbage = await clerk.GetAsync("/api/v1/staff/complaints?cursor=%%%");
        await AssertProblemAsync(garbage, 400);
    }

    [Test]
    public async Task Filters_combine_and_counts_ignore_only_the_status_filter()
    {
        var a = await FileAsync("air.odor", "异味一", "剡湖街道");
        var b = await FileAsync("air.dust", "扬尘二", "三江街道");
        var c = await FileAsync("water.industrial", "排污三", "剡湖街道");
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, c, "accept");
        await ActOkAsync(clerk, c, "resolve", new { result = "已整改" });

        Assert.Multiple(async () =>
        {
            Assert.That(Codes(await QueueAsync(clerk)), Is.EquivalentTo(new[] { a, b }), "open cases by default");
            Assert.That(Codes(await QueueAsync(clerk, "?status=resolved")), Is.EqualTo(new[] { c }));
            Assert.That(Codes(await QueueAsync(clerk, "?status=submitted,resolved&category=air")), Is.EquivalentTo(new[] { a, b }));
            Assert.That(Codes(await QueueAsync(clerk, "?category=air.dust")), Is.EqualTo(new[] { b }));
            Assert.That(Codes(await QueueAsync(clerk, "?township=" + Uri.EscapeDataString("剡湖街道") + "&status=submitted,resolved")),
                Is.EquivalentTo(new[] { a, c }));
            Assert.That(Codes(await QueueAsync(clerk, "?assignee=none")), Is.EquivalentTo(new[] { a, b }));
            var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd");
            Assert.That(Codes(await QueueAsync(clerk, $"?from={today}&to={today}")), Is.EquivalentTo(new[] { a, b }));
            Assert.That(Codes(await QueueAsync(clerk, "?from=2020-01-01&to=2020-12-31")), Is.Empty);

            var counts = (await QueueAsync(clerk, "?township=" + Uri.EscapeDataString("剡湖街道")))["counts"]!.AsObject();
            Assert.That(counts.ToDictionary(p => p.Key, p => (int)p.Value!), Is.EquivalentTo(new Dictionary<string, int> { ["submitted"] = 1, ["resolved"] = 1 }));
        });

        foreach (var bad in new[] { "?status=lost", "?due=later", "?assignee=someone", "?limit=0", "?limit=101", "?from=2026-02-01&to=2026-01-01", "?from=yesterday" })
        {
            using var response = await clerk.GetAsync("/api/v1/staff/complaints" + bad);
            await AssertProblemAsync(response, 400);
        }
    }

    [Test]
    public async Task Overdue_and_due_soon_follow_the_deadline_and_the_reminder_job_records_one_reminder_per_missed_deadline()
    {
        var late = await FileAsync("air.odor", "超期的案件");
        var soon = await FileAsync("air.odor", "快到期的案件");
        var calm = await FileAsync("air.odor", "不急的案件");
        var calendar = App.Services.GetRequiredService<Feedback.Api.Infrastructure.Time.WorkingDayCalendar>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        await SetDueAsync(late, today.AddDays(-3));
        await SetDueAsync(soon, today);
        await SetDueAsync(calm, calendar.AddWorkingDays(today, 5));

        using var head = await StaffAsync("enforcement");
        Assert.Multiple(async () =>
        {
            Assert.That(Codes(await QueueAsync(head, "?due=overdue")), Is.EqualTo(new[] { late }));
            Assert.That(Codes(await QueueAsync(head, "?due=soon")), Is.EqualTo(new[] { soon }));
            var (lateCase, _) = await GetCaseAsync(head, late);
            Assert.That((bool)lateCase["deadline"]!["overdue"]!, Is.True);
            Assert.That((int)lateCase["deadline"]!["workingDaysLeft"]!, Is.LessThan(0).Or.EqualTo(calendar.WorkingDaysBetween(today, today.AddDays(-3))));
            var (soonCase, _) = await GetCaseAsync(head, soon);
            Assert.That((bool)soonCase["deadline"]!["dueSoon"]!, Is.True);
            Assert.That((int)soonCase["deadline"]!["workingDaysLeft"]!, Is.Zero);
        });

        var reminders = App.Services.GetRequiredService<Feedback.Api.Features.Reminders.OverdueReminders>();
        // Several API instances looking at once still record one reminder.
        var recorded = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => reminders.RecordDueAsync(CancellationToken.None)));
        Assert.That(recorded.Sum(), Is.EqualTo(1));
        Assert.That(await reminders.RecordDueAsync(CancellationToken.None), Is.Zero, "a later round adds nothing");

        var (reminded, _) = await GetCaseAsync(head, late);
        var reminder = reminded["timeline"]!.AsArray().Single(e => (string)e!["type"]! == "reminder")!;
        Assert.Multiple(() =>
        {
            Assert.That((string)reminder["visibility"]!, Is.EqualTo("internal"));
            Assert.That((string)reminder["data"]!["deadline"]!, Is.EqualTo("accept"));
        });
    }

    [Test]
    public async Task Counts_of_the_queue_as_it_opens_follow_every_change_of_status_and_section()
    {
        // Without row filters the counts come from the counters of migration 0006, kept by triggers.
        var odor = await FileAsync("air.odor", "异味一");
        var dust = await FileAsync("air.dust", "扬尘二");
        var discharge = await FileAsync("water.industrial", "排污三");
        await FileAsync("conduct.inaction", "不作为四");
        using var clerk = await StaffAsync("enforcement.staff");
        using var head = await StaffAsync("enforcement");
        using var leader = await StaffAsync("leader");
        await ActOkAsync(clerk, odor, "accept");
        await ActOkAsync(clerk, discharge, "accept");
        await ActOkAsync(clerk, discharge, "resolve", new { result = "已整改" });
        await ActOkAsync(clerk, dust, "accept");
        await ActOkAsync(head, dust, "transfer", new { sectionCode = "pollution", reason = "涉及治理设施改造，由污染防治科牵头" });

        async Task<Dictionary<string, int>> Counts(HttpClient staff, string query = "") =>
            (await QueueAsync(staff, query))["counts"]!.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!);
        Assert.Multiple(async () =>
        {
            Assert.That(await Counts(clerk), Is.EquivalentTo(new Dictionary<string, int> { ["accepted"] = 1, ["resolved"] = 1 }),
                "the transferred case left, the conduct case never came");
            Assert.That(await Counts(clerk, "?category=air"), Is.EquivalentTo(new Dictionary<string, int> { ["accepted"] = 1 }));
            Assert.That(await Counts(clerk, "?category=water.industrial&status=resolved"), Is.EquivalentTo(new Dictionary<string, int> { ["resolved"] = 1 }));
            Assert.That(await Counts(leader), Is.EquivalentTo(new Dictionary<string, int> { ["submitted"] = 2, ["accepted"] = 1, ["resolved"] = 1 }));
            Assert.That(await Counts(leader, "?section=pollution"), Is.EquivalentTo(new Dictionary<string, int> { ["submitted"] = 1 }));
            Assert.That(await Counts(leader, "?section=discipline"), Is.EquivalentTo(new Dictionary<string, int> { ["submitted"] = 1 }));
            Assert.That(await Counts(leader, "?q=" + Uri.EscapeDataString("异味")), Is.EquivalentTo(new Dictionary<string, int> { ["accepted"] = 1 }),
                "a search counts its matches");
            Assert.That(await Counts(clerk, "?q=" + Uri.EscapeDataString("排污")), Is.EquivalentTo(new Dictionary<string, int> { ["resolved"] = 1 }),
                "…also when none of them is open, so the page is empty");
        });
    }

    [Test]
    public async Task A_search_with_more_than_a_page_answers_from_the_queue_order_without_counts_and_counts_on_request()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var discharges = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            discharges.Add(await FileAsync("water.industrial", $"第 {i} 家小厂夜里偷排污水"));
            await SetDueAsync(discharges[^1], today.AddDays(20 - 2 * i));
        }
        await FileAsync("air.odor", "异味");
        discharges.Reverse(); // earliest deadline first
        using var clerk = await StaffAsync("enforcement.staff");
        var search = "?q=" + Uri.EscapeDataString("偷排") + "&limit=3";

        var walked = await QueueAsync(clerk, search);
        var exact = await QueueAsync(clerk, search + "&counts=exact");
        Assert.Multiple(() =>
        {
            Assert.That(Codes(walked), Is.EqualTo(discharges.Take(3)), "the first three by deadline");
            Assert.That(walked["counts"], Is.Null, "more than a page: not counted");
            Assert.That((string?)walked["nextCursor"], Is.Not.Null);
            Assert.That(Codes(exact), Is.EqualTo(Codes(walked)), "the page that reading every match gives");
            Assert.That((string?)exact["nextCursor"], Is.EqualTo((string?)walked["nextCursor"]));
            Assert.That(exact["counts"]!.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!),
                Is.EquivalentTo(new Dictionary<string, int> { ["submitted"] = 8 }), "counts=exact counts every match");
        });

        var pages = new List<JsonObject> { walked };
        while ((string?)pages[^1]["nextCursor"] is { } cursor) pages.Add(await QueueAsync(clerk, search + "&cursor=" + cursor));
        Assert.Multiple(() =>
        {
            Assert.That(pages.SelectMany(Codes), Is.EqualTo(discharges), "every match once, in deadline order");
            Assert.That(pages[^1]["counts"], Is.Not.Null, "the last page reads the few matches left through the index, and counts them");
        });

        using var bad = await clerk.GetAsync("/api/v1/staff/complaints?q=x&counts=about");
        Assert.That((await AssertProblemAsync(bad, 400))["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "counts" }));
    }

    [Test]
    public async Task A_word_too_rare_for_the_walk_of_the_queue_is_found_through_the_bigram_index()
    {
        // A search with limit=1 reads at most 600 cases in deadline order (ListQueue.WalkRowsPerItem):
        // 700 earlier cases without the word come first.
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        await ExecuteAsync(
            """
            insert into complaints (tracking_code, query_password_hash, category_code, description, township, section_code,
                                    submitted_at, accept_by, due_on, updated_at)
            select 'XW' || translate(lpad(i::text, 10, '0'), '0123456789', '23456789AB'), 'v1$x$y', 'air.odor',
                   '第 ' || i || ' 号', '剡湖街道', 'enforcement', now(), current_date, current_date - 30, now()
            from generate_series(1, 700) i
            """);
        var first = await FileAsync("water.industrial", "河边小厂晚上偷排污水");
        var second = await FileAsync("water.industrial", "又见偷排");
        await SetDueAsync(first, today.AddDays(5));
        await SetDueAsync(second, today.AddDays(6));
        using var clerk = await StaffAsync("enforcement.staff");

        var page = await QueueAsync(clerk, "?q=" + Uri.EscapeDataString("偷排") + "&limit=1");
        Assert.Multiple(() =>
        {
            Assert.That(Codes(page), Is.EqualTo(new[] { first }));
            Assert.That((string?)page["nextCursor"], Is.Not.Null);
            Assert.That(page["counts"]!.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!),
                Is.EquivalentTo(new Dictionary<string, int> { ["submitted"] = 2 }),
                "the walk stopped before the matches, so the bigram index read them all and counted them");
        });
    }

    [Test]
    public async Task A_word_common_in_all_cases_but_rare_on_a_tab_is_looked_for_among_the_tabs_cases_not_among_all_its_matches()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var resolved = await FileAsync("air.odor", "街道旁的垃圾站臭气熏天");
        using var head = await StaffAsync("enforcement");
        await ActOkAsync(head, resolved, "accept");
        await ActOkAsync(head, resolved, "resolve", new { result = "已整改" });
        await SetDueAsync(resolved, today.AddDays(30));
        // 20,000 open cases with 街道 among their bigrams, all due before the resolved one: a search on the
        // 已办结 tab with limit=1 reads 600 of them in deadline order (ListQueue.WalkRowsPerItem) and finds none.
        await ExecuteAsync(
            """
            insert into complaints (tracking_code, query_password_hash, category_code, description, township, section_code,
                                    submitted_at, accept_by, due_on, updated_at, search_vector)
            select 'XV' || translate(lpad(i::text, 10, '0'), '0123456789', '23456789AB'), 'v1$x$y', 'air.odor',
                   '街道', '剡湖街道', 'enforcement', now(), current_date, current_date - 30, now(), array_to_tsvector('{街道}')
            from generate_series(1, 20000) i
            """);
        await AnalyzeAsync();
        using var leader = await StaffAsync("leader");
        try
        {
            var common = await QueueAsync(leader, "?q=" + Uri.EscapeDataString("街道") + "&status=resolved&limit=1");
            Assert.Multiple(() =>
            {
                Assert.That(Codes(common), Is.EqualTo(new[] { resolved }));
                Assert.That(common["counts"], Is.Null, "the one resolved case was read and checked, not the word's 20,001 matches (which would be counted)");
                Assert.That((string?)common["nextCursor"], Is.Null);
            });
            var counted = await QueueAsync(leader, "?q=" + Uri.EscapeDataString("街道") + "&status=resolved&limit=1&counts=exact");
            Assert.That(counted["counts"]!.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!),
                Is.EquivalentTo(new Dictionary<string, int> { ["submitted"] = 20_000, ["resolved"] = 1 }));
        }
        finally
        {
            // The next tests' plans come from statistics of their own few cases, not of these 20,000.
            await TestEnvironment.ResetDataAsync();
            await AnalyzeAsync();
        }
    }

    /// <summary>What autovacuum would do some time: PostgreSQL's statistics of the cases, which the planner's estimates come from.</summary>
    private static async Task AnalyzeAsync()
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("analyze complaints", connection);
        await command.ExecuteNonQueryAsync();
    }

    [Test]
    public async Task Every_filter_combined_with_a_search_selects_the_filters_cases_that_hold_the_word_in_the_same_order()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var calendar = App.Services.GetRequiredService<Feedback.Api.Infrastructure.Time.WorkingDayCalendar>();
        string[] categories = ["water.industrial", "air.odor", "water.drinking", "air.dust"];
        string[] townships = ["剡湖街道", "三江街道", "甘霖镇"];
        var withWord = new HashSet<string>();
        var codes = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            var holdsWord = i % 4 != 3;
            var code = await FileAsync(categories[i % categories.Length], holdsWord ? $"第 {i} 起：工厂偷排废水" : $"第 {i} 起：夜间噪声", townships[i % townships.Length]);
            codes.Add(code);
            if (holdsWord) withWord.Add(code);
            var due = (i % 5) switch { 0 => today.AddDays(-3), 1 => today, _ => calendar.AddWorkingDays(today, 3 + i) };
            await ExecuteAsync($"""
                update complaints set accept_by = '{due:yyyy-MM-dd}', due_on = '{due:yyyy-MM-dd}', submitted_at = now() - interval '{i * 3} days'
                where tracking_code = '{code}'
                """);
        }
        using var clerk = await StaffAsync("enforcement.staff");
        using var head = await StaffAsync("enforcement");
        using var leader = await StaffAsync("leader");
        await ActOkAsync(head, codes[0], "accept");
        await ActOkAsync(head, codes[1], "accept");
        await ActOkAsync(head, codes[1], "resolve", new { result = "已整改" });
        await ActOkAsync(head, codes[4], "accept");
        var clerkId = await StaffSecurity.ScalarAsync<long>("select id from staff_users where username = 'enforcement.staff'");
        foreach (var i in new[] { 0, 2, 4, 5, 7 })
            await ActOkAsync(head, codes[i], "assign", new { assigneeId = clerkId });

        const string everyStatus = "&status=submitted,accepted,in_progress,resolved,closed,rejected,merged";
        var from = today.AddDays(-20).ToString("yyyy-MM-dd");
        var to = today.AddDays(-4).ToString("yyyy-MM-dd");
        string[] filters =
        [
            "", "&status=accepted", "&status=resolved", everyStatus, "&category=water", "&category=water.industrial",
            "&township=" + Uri.EscapeDataString("剡湖街道"), "&assignee=me", "&assignee=none", $"&assignee={clerkId}", "&due=overdue", "&due=soon",
            $"&from={from}", $"&from={from}&to={to}", "&category=water&township=" + Uri.EscapeDataString("三江街道") + everyStatus,
            "&assignee=me&due=overdue", "&status=accepted&category=air",
        ];
        async Task<List<JsonNode>> AllPagesAsync(HttpClient staff, string query, int limit)
        {
            var items = new List<JsonNode>();
            string? cursor = null;
            do
            {
                var page = await QueueAsync(staff, $"?limit={limit}{query}" + (cursor is null ? "" : "&cursor=" + cursor));
                items.AddRange(page["items"]!.AsArray().Select(i => i!));
                cursor = (string?)page["nextCursor"];
            } while (cursor is not null);
            return items;
        }

        var word = "&q=" + Uri.EscapeDataString("偷排");
        foreach (var (who, staff) in new[] { ("clerk", clerk), ("leader", leader) })
            foreach (var sort in new[] { "", "&sort=newest" })
                foreach (var filter in filters.Concat(who == "leader" ? ["&section=enforcement", "&section=pollution", "&section=enforcement&due=soon"] : []))
                {
                    var query = sort + filter;
                    var expected = (await AllPagesAsync(staff, query, 100)).Select(i => (string)i["trackingCode"]!).Where(withWord.Contains).ToList();
                    var walked = (await AllPagesAsync(staff, query + word, 1)).Select(i => (string)i["trackingCode"]!);
                    var exact = (await AllPagesAsync(staff, query + word + "&counts=exact", 1)).Select(i => (string)i["trackingCode"]!);
                    Assert.That(walked, Is.EqualTo(expected), $"{who} {query}: page by page from the queue order");
                    Assert.That(exact, Is.EqualTo(expected), $"{who} {query}: page by page from every match");

                    var statusAside = System.Text.RegularExpressions.Regex.Replace(query, "&status=[^&]*", "") + everyStatus;
                    var byStatus = (await AllPagesAsync(staff, statusAside, 100))
                        .Where(i => withWord.Contains((string)i["trackingCode"]!))
                        .GroupBy(i => (string)i["status"]!).ToDictionary(g => g.Key, g => g.Count());
                    var counts = (await QueueAsync(staff, "?limit=1" + query + word + "&counts=exact"))["counts"]!.AsObject()
                        .ToDictionary(p => p.Key, p => (int)p.Value!);
                    Assert.That(counts, Is.EquivalentTo(byStatus), $"{who} {query}: counts per status, status filter aside");
                }
    }

    private static async Task SetDueAsync(string code, DateOnly due)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("update complaints set accept_by = @due, due_on = @due where tracking_code = @code", connection);
        command.Parameters.AddWithValue("due", due);
        command.Parameters.AddWithValue("code", code);
        await command.ExecuteNonQueryAsync();
    }
}

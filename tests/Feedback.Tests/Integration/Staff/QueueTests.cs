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

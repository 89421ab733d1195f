using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration.Staff;

/// <summary>The case workflow over real HTTP: each step as the citizen and the section see it.</summary>
public sealed class CaseWorkflowTests : IntegrationTest
{
    [Test]
    public async Task A_clerk_accepts_replies_and_resolves_and_the_citizen_sees_each_public_step()
    {
        var submitted = await SubmitAsync();
        var code = (string)submitted["trackingCode"]!;
        var password = (string)submitted["queryPassword"]!;
        using var clerk = await StaffAsync("enforcement.staff");

        var (before, _) = await GetCaseAsync(clerk, code);
        Assert.Multiple(() =>
        {
            Assert.That((string)before["status"]!, Is.EqualTo("submitted"));
            Assert.That((string)before["contact"]!["phone"]!, Is.EqualTo("13800138000"), "the handling section sees the contact");
            Assert.That(before["availableActions"]!.AsArray().Select(a => (string)a!), Is.EquivalentTo(new[] { "accept", "reject", "note", "reply" }));
        });

        var accepted = await ActOkAsync(clerk, code, "accept");
        Assert.That((string)accepted["status"]!, Is.EqualTo("accepted"));
        var replied = await ActOkAsync(clerk, code, "replies", new { text = "已安排执法人员今晚到现场检查。" });
        Assert.That((string)replied["status"]!, Is.EqualTo("in_progress"), "the first reply after acceptance starts the work");
        await ActOkAsync(clerk, code, "notes", new { text = "企业负责人电话 0575-1234567，内部备注" });
        var resolved = await ActOkAsync(clerk, code, "resolve", new { result = "经查，该厂废气处理设施未运行，已责令整改并立案处罚。" });
        Assert.That((string)resolved["status"]!, Is.EqualTo("resolved"));

        using var tracked = await TrackAsync(code, password);
        var timeline = (await ReadJsonAsync(tracked))["timeline"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(timeline.Select(e => (string)e!["type"]!), Is.EqualTo(new[] { "submitted", "accepted", "reply", "resolved" }),
                "public events only: no routing decision, no internal note");
            Assert.That((string)timeline[2]!["message"]!, Does.Contain("已安排执法人员今晚到现场检查"));
            Assert.That((string)timeline[3]!["message"]!, Does.Contain("已责令整改"));
            Assert.That(timeline.ToJsonString(), Does.Not.Contain("内部备注"));
        });

        var (after, _) = await GetCaseAsync(clerk, code);
        var staffTimeline = after["timeline"]!.AsArray();
        Assert.That(staffTimeline.Select(e => (string)e!["type"]!),
            Is.EqualTo(new[] { "submitted", "routed", "accepted", "reply", "note", "resolved" }));
        Assert.That((string)staffTimeline[4]!["visibility"]!, Is.EqualTo("internal"));
        Assert.That((string)staffTimeline[4]!["actor"]!["name"]!, Is.EqualTo("生态环境执法大队工作人员"));

        await using var connection = new Npgsql.NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        await connection.OpenAsync();
        await using var read = new Npgsql.NpgsqlCommand(
            """
            select action, actor_username, host(ip), before::text, after::text, coalesce(reason, '')
            from audit_log where target_id = @code order by id
            """, connection);
        read.Parameters.AddWithValue("code", code);
        var audit = new List<(string Action, string Actor, string Ip, string Before, string After, string Reason)>();
        await using (var reader = await read.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                audit.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        Assert.Multiple(() =>
        {
            Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { "complaint.accept", "complaint.reply", "complaint.note", "complaint.resolve" }));
            Assert.That(audit.Select(a => a.Actor).Distinct(), Is.EqualTo(new[] { "enforcement.staff" }));
            Assert.That(audit.Select(a => a.Ip).Distinct(), Is.EqualTo(new[] { "127.0.0.1" }));
            Assert.That(audit[0].Before, Does.Contain("\"submitted\""));
            Assert.That(audit[0].After, Does.Contain("\"accepted\""));
            Assert.That(string.Concat(audit), Does.Not.Contain("13800138000").And.Not.Contain("wang@example.cn").And.Not.Contain("王女士"),
                "the audit log never holds contact details");
        });
    }

    private async Task<(string Code, string Password)> NewCaseAsync(string category = "air.odor")
    {
        var submitted = await SubmitAsync(ValidComplaint(category));
        return ((string)submitted["trackingCode"]!, (string)submitted["queryPassword"]!);
    }

    private async Task<JsonArray> PublicTimelineAsync(string code, string password)
    {
        using var response = await TrackAsync(code, password);
        return (await ReadJsonAsync(response))["timeline"]!.AsArray();
    }

    [Test]
    public async Task A_rejection_needs_a_reason_and_a_referral_and_tells_the_citizen_both()
    {
        var (code, password) = await NewCaseAsync();
        using var clerk = await StaffAsync("enforcement.staff");
        var (_, etag) = await GetCaseAsync(clerk, code);

        using var incomplete = await ActAsync(clerk, code, "reject", etag, new { ground = "outside_remit", reason = "不属于本局职责", referral = "  " });
        var problem = await AssertProblemAsync(incomplete, 400);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { "referral" }));

        await ActOkAsync(clerk, code, "reject", new { ground = "outside_remit", reason = "该事项属于住建部门职责", referral = "请向市住房和城乡建设局反映，电话 12345" });
        var (rejected, newTag) = await GetCaseAsync(clerk, code);
        Assert.That((string)rejected["status"]!, Is.EqualTo("rejected"));
        using var acceptAfter = await ActAsync(clerk, code, "accept", newTag);
        Assert.That((string)(await AssertProblemAsync(acceptAfter, 409))["title"]!, Does.Contain("不予受理"));

        var last = (string)(await PublicTimelineAsync(code, password)).Last()!["message"]!;
        Assert.That(last, Does.Contain("该事项属于住建部门职责").And.Contain("市住房和城乡建设局"));
    }

    [Test]
    public async Task A_transfer_hands_the_case_to_the_new_section_with_a_fresh_acceptance_deadline()
    {
        var (code, password) = await NewCaseAsync();
        using var head = await StaffAsync("enforcement");
        await ActOkAsync(head, code, "accept");
        var moved = await ActOkAsync(head, code, "transfer", new { sectionCode = "pollution", reason = "涉及治理设施改造，由污染防治科牵头" });
        Assert.That((string)moved["status"]!, Is.EqualTo("submitted"), "the receiving section decides afresh");

        using var formerClerk = await StaffAsync("enforcement.staff");
        using var gone = await formerClerk.GetAsync($"/api/v1/staff/complaints/{code}");
        await AssertProblemAsync(gone, 404);

        using var newClerk = await StaffAsync("pollution.staff");
        var (transferred, _) = await GetCaseAsync(newClerk, code);
        Assert.Multiple(() =>
        {
            Assert.That((string)transferred["sectionCode"]!, Is.EqualTo("pollution"));
            Assert.That(transferred["resolveBy"], Is.Null);
            Assert.That((string)transferred["dueOn"]!, Is.EqualTo((string)transferred["acceptBy"]!));
            Assert.That(transferred["availableActions"]!.AsArray().Select(a => (string)a!), Does.Contain("accept"));
        });
        var message = (string)(await PublicTimelineAsync(code, password)).Last()!["message"]!;
        Assert.That(message, Does.Contain("污染防治科").And.Contain("由污染防治科牵头"));
    }

    [Test]
    public async Task A_conduct_case_never_leaves_discipline_inspection()
    {
        var (code, _) = await NewCaseAsync("conduct.inaction");
        using var discipline = await StaffAsync("discipline");
        var (conduct, etag) = await GetCaseAsync(discipline, code);
        Assert.Multiple(() =>
        {
            Assert.That((string)conduct["sectionCode"]!, Is.EqualTo("discipline"));
            // Offered exactly what will not be refused: no transfer, no "me too" count, no ground that cannot fit.
            Assert.That(conduct["availableActions"]!.AsArray().Select(a => (string)a!), Does.Not.Contain("transfer").And.Contain("accept"));
            Assert.That(conduct["supportCount"], Is.Null);
            Assert.That(conduct["rejectionGrounds"]!.AsArray().Select(g => (string)g!), Does.Not.Contain("not_environmental").And.Contain("outside_remit"));
        });
        using var response = await ActAsync(discipline, code, "transfer", etag, new { sectionCode = "enforcement", reason = "试图转出" });
        await AssertProblemAsync(response, 409);
        using var notEnvironmental = await ActAsync(discipline, code, "reject", etag,
            new { ground = "not_environmental", reason = "不属于本局职责", referral = "请向有关部门反映" });
        var problem = await AssertProblemAsync(notEnvironmental, 400);
        Assert.That(problem["errors"]!["ground"], Is.Not.Null, problem.ToJsonString());
        var (unchanged, _) = await GetCaseAsync(discipline, code);
        Assert.That((string)unchanged["status"]!, Is.EqualTo("submitted"), "a refused rejection changes nothing");
    }

    [Test]
    public async Task An_extension_is_asked_once_decided_by_a_leader_and_moves_the_deadline_by_working_days()
    {
        var (code, password) = await NewCaseAsync();
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, code, "accept");
        var (accepted, _) = await GetCaseAsync(clerk, code);
        var resolveBy = DateOnly.Parse((string)accepted["resolveBy"]!);

        using var tooLong = await ActAsync(clerk, code, "extensions", (await GetCaseAsync(clerk, code)).ETag, new { days = 31, reason = "需要监测" });
        await AssertProblemAsync(tooLong, 400);
        await ActOkAsync(clerk, code, "extensions", new { days = 10, reason = "需等待第三方监测报告" });
        using var again = await ActAsync(clerk, code, "extensions", (await GetCaseAsync(clerk, code)).ETag, new { days = 5, reason = "再延" });
        Assert.That((string)(await AssertProblemAsync(again, 409))["title"]!, Does.Contain("一次"));

        using var clerkDecides = await ActAsync(clerk, code, "extensions/decision", (await GetCaseAsync(clerk, code)).ETag, new { approve = true });
        await AssertProblemAsync(clerkDecides, 403);

        using var leader = await StaffAsync("leader");
        await ActOkAsync(leader, code, "extensions/decision", new { approve = true });
        var (extended, _) = await GetCaseAsync(leader, code);
        var calendar = App.Services.GetRequiredService<Feedback.Api.Infrastructure.Time.WorkingDayCalendar>();
        Assert.Multiple(() =>
        {
            Assert.That((string)extended["extension"]!["status"]!, Is.EqualTo("approved"));
            Assert.That(DateOnly.Parse((string)extended["resolveBy"]!), Is.EqualTo(calendar.AddWorkingDays(resolveBy, 10)));
            Assert.That((string)extended["dueOn"]!, Is.EqualTo((string)extended["resolveBy"]!));
        });
        var message = (string)(await PublicTimelineAsync(code, password)).Last()!["message"]!;
        Assert.That(message, Does.Contain("10 个工作日").And.Contain("需等待第三方监测报告"));
    }

    [Test]
    public async Task A_refused_extension_stays_internal_and_the_deadline_stands()
    {
        var (code, password) = await NewCaseAsync();
        using var clerk = await StaffAsync("enforcement.staff");
        await ActOkAsync(clerk, code, "accept");
        await ActOkAsync(clerk, code, "extensions", new { days = 5, reason = "人手不足" });
        using var leader = await StaffAsync("leader");
        using var noReason = await ActAsync(leader, code, "extensions/decision", (await GetCaseAsync(leader, code)).ETag, new { approve = false });
        await AssertProblemAsync(noReason, 400);
        using var noDecision = await ActAsync(leader, code, "extensions/decision", (await GetCaseAsync(leader, code)).ETag, new { reason = "未写明同意与否" });
        Assert.That((await AssertProblemAsync(noDecision, 400))["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "approve" }),
            "a left-out decision is not read as a refusal");
        await ActOkAsync(leader, code, "extensions/decision", new { approve = false, reason = "案情简单，应按期办结" });

        var (refused, _) = await GetCaseAsync(clerk, code);
        Assert.That((string)refused["extension"]!["status"]!, Is.EqualTo("refused"));
        Assert.That((await PublicTimelineAsync(code, password)).Select(e => (string)e!["type"]!), Is.EqualTo(new[] { "submitted", "accepted" }));
    }

    [Test]
    public async Task A_head_assigns_to_a_member_of_the_section_only()
    {
        var (code, _) = await NewCaseAsync();
        using var head = await StaffAsync("enforcement");
        await ActOkAsync(head, code, "accept");
        var colleagues = (await head.GetFromJsonAsync<JsonArray>("/api/v1/staff/colleagues"))!;
        var clerkId = (long)colleagues.Single(c => (string)c!["username"]! == "enforcement.staff")!["id"]!;

        using var pollutionClerk = await StaffAsync("pollution.staff");
        var outsiderId = (long)(await pollutionClerk.GetFromJsonAsync<JsonObject>("/api/v1/auth/me"))!["id"]!;
        using var outsider = await ActAsync(head, code, "assign", (await GetCaseAsync(head, code)).ETag, new { assigneeId = outsiderId });
        await AssertProblemAsync(outsider, 400);

        var assigned = await ActOkAsync(head, code, "assign", new { assigneeId = clerkId });
        Assert.That((string)assigned["status"]!, Is.EqualTo("in_progress"));
        using var clerk = await StaffAsync("enforcement.staff");
        var mine = (await clerk.GetFromJsonAsync<JsonObject>("/api/v1/staff/complaints?assignee=me"))!["items"]!.AsArray();
        Assert.That(mine.Select(i => (string)i!["trackingCode"]!), Is.EqualTo(new[] { code }));
    }

    [Test]
    public async Task A_duplicate_merges_into_its_original_and_its_citizen_is_told_where()
    {
        var (original, _) = await NewCaseAsync();
        var (duplicate, password) = await NewCaseAsync();
        using var head = await StaffAsync("enforcement");

        using var self = await ActAsync(head, duplicate, "merge", (await GetCaseAsync(head, duplicate)).ETag, new { originalTrackingCode = duplicate });
        await AssertProblemAsync(self, 400);
        var merged = await ActOkAsync(head, duplicate, "merge", new { originalTrackingCode = original.ToLowerInvariant(), reason = "同一企业同一问题" });
        Assert.That((string)merged["status"]!, Is.EqualTo("merged"));

        var (dup, _) = await GetCaseAsync(head, duplicate);
        var (orig, _) = await GetCaseAsync(head, original);
        Assert.Multiple(async () =>
        {
            Assert.That((string)dup["mergedInto"]!, Is.EqualTo(original));
            Assert.That(orig["mergedCases"]!.AsArray().Select(c => (string)c!), Is.EqualTo(new[] { duplicate }));
            Assert.That((string)(await PublicTimelineAsync(duplicate, password)).Last()!["message"]!, Does.Contain(original));
        });
    }

    [Test]
    public async Task Illegal_transitions_get_409_with_a_reason_and_change_nothing()
    {
        var (code, _) = await NewCaseAsync();
        using var clerk = await StaffAsync("enforcement.staff");
        var (_, etag) = await GetCaseAsync(clerk, code);

        using var resolveEarly = await ActAsync(clerk, code, "resolve", etag, new { result = "已处理" });
        Assert.That((string)(await AssertProblemAsync(resolveEarly, 409))["title"]!, Does.Contain("待受理"));
        using var extendEarly = await ActAsync(clerk, code, "extensions", etag, new { days = 3, reason = "x" });
        await AssertProblemAsync(extendEarly, 409);

        var (unchanged, sameTag) = await GetCaseAsync(clerk, code);
        Assert.Multiple(() =>
        {
            Assert.That(sameTag, Is.EqualTo(etag), "a refused action leaves the version alone");
            Assert.That((string)unchanged["status"]!, Is.EqualTo("submitted"));
            Assert.That(unchanged["timeline"]!.AsArray(), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task Staff_register_a_phone_complaint_that_is_routed_and_timed_like_an_online_one()
    {
        using var clerk = await StaffAsync("office.staff");
        using var response = await clerk.PostAsJsonAsync("/api/v1/staff/complaints", new
        {
            channel = "phone",
            categoryCode = "noise.construction",
            description = "市民来电：工地夜间施工噪声扰民",
            township = "剡湖街道",
            contact = new { name = "李先生", phone = "13900002222" },
        });
        Assert.That((int)response.StatusCode, Is.EqualTo(201), await response.Content.ReadAsStringAsync());
        var created = await ReadJsonAsync(response);
        var code = (string)created["trackingCode"]!;
        Assert.That((string)created["queryPassword"]!, Has.Length.EqualTo(12), "read out to the caller");

        using var leader = await StaffAsync("leader");
        var (registered, _) = await GetCaseAsync(leader, code);
        Assert.Multiple(() =>
        {
            Assert.That((string)registered["channel"]!, Is.EqualTo("phone"));
            Assert.That((string)registered["sectionCode"]!, Is.EqualTo((string)created["sectionCode"]!));
            Assert.That((string)registered["timeline"]![0]!["actorKind"]!, Is.EqualTo("staff"));
        });

        using var web = await clerk.PostAsJsonAsync("/api/v1/staff/complaints", new { channel = "web", categoryCode = "air.odor", description = "x" });
        Assert.That((await AssertProblemAsync(web, 400))["errors"]!.AsObject().Select(e => e.Key), Does.Contain("channel"));
    }
}

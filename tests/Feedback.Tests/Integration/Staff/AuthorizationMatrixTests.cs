using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feedback.Api.Infrastructure.Security;
using Feedback.Tests.Support;
using static Feedback.Tests.Integration.Staff.StaffSecurity;
using static Feedback.Tests.Integration.Staff.Problems;

namespace Feedback.Tests.Integration.Staff;

/// <summary>
/// Every staff and administration route × every role × (for case routes) every kind of case, with
/// the answer BRIEF §5 calls for. The tables below are the specification; each cell is
/// one test. Refusals change nothing and are audited as 'denied' (401, 403, and the 404 for a case
/// that exists but is not the caller's — which must look exactly like an unknown code).
/// <para>
/// One set of cases serves the whole fixture (refusals leave them untouched, which every refusal
/// checks); an action expected to succeed gets a fresh case in the state it needs.
/// </para>
/// </summary>
[NonParallelizable]
public sealed class AuthorizationMatrixTests
{
    public enum Role { Clerk, ClerkElsewhere, Head, Discipline, Leader, Admin, Anonymous }

    /// <summary>Own: a case of enforcement (the clerk's and the head's section); Other: a case of the office; Conduct: a conduct case (discipline inspection); Unknown: a code nobody holds.</summary>
    public enum Kind { Own, Other, Conduct, Unknown }

    private static readonly Dictionary<Role, string?> Accounts = new()
    {
        [Role.Clerk] = "enforcement.staff",
        [Role.ClerkElsewhere] = "monitoring.staff",
        [Role.Head] = "enforcement",
        [Role.Discipline] = "discipline",
        [Role.Leader] = "leader",
        [Role.Admin] = "admin",
        [Role.Anonymous] = null,
    };

    /// <summary>
    /// Case routes. Each line: seven groups (the roles, in <see cref="Role"/> order), each of four
    /// answers (own, other, conduct, unknown).
    /// </summary>
    private static readonly (string Route, string Answers)[] CaseRoutes =
    [
        //                          clerk             clerk elsewhere   head              discipline        leader            admin             anonymous
        ("GET",                    "200 404 404 404 | 404 404 404 404 | 200 404 404 404 | 200 200 200 404 | 200 200 200 404 | 403 403 403 403 | 401 401 401 401"),
        ("accept",                 "200 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 200 404 | 403 403 403 404 | 403 403 403 403 | 401 401 401 401"),
        ("reject",                 "200 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 200 404 | 403 403 403 404 | 403 403 403 403 | 401 401 401 401"),
        ("notes",                  "200 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 200 404 | 403 403 403 404 | 403 403 403 403 | 401 401 401 401"),
        ("replies",                "200 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 200 404 | 403 403 403 404 | 403 403 403 403 | 401 401 401 401"),
        ("resolve",                "200 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 200 404 | 403 403 403 404 | 403 403 403 403 | 401 401 401 401"),
        ("extensions",             "200 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 200 404 | 403 403 403 404 | 403 403 403 403 | 401 401 401 401"),
        ("assign",                 "403 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 200 404 | 403 403 403 404 | 403 403 403 403 | 401 401 401 401"),
        ("merge",                  "403 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 200 404 | 403 403 403 404 | 403 403 403 403 | 401 401 401 401"),
        // A conduct case never leaves discipline inspection: even its head gets 409.
        ("transfer",               "403 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 409 404 | 403 403 403 404 | 403 403 403 403 | 401 401 401 401"),
        // Only leaders decide extensions.
        ("extensions/decision",    "403 404 404 404 | 404 404 404 404 | 403 404 404 404 | 403 403 403 404 | 200 200 200 404 | 403 403 403 403 | 401 401 401 401"),
        // Publishing a resolved case: the section proposes, its head or a leader decides (never the
        // author), the section or a leader withdraws; a conduct case never, whoever may see it (409).
        ("GET publication",        "200 404 404 404 | 404 404 404 404 | 200 404 404 404 | 200 200 200 404 | 200 200 200 404 | 403 403 403 403 | 401 401 401 401"),
        ("publication",            "200 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 409 404 | 403 403 409 404 | 403 403 403 403 | 401 401 401 401"),
        ("publication/decision",   "403 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 409 404 | 200 200 409 404 | 403 403 403 403 | 401 401 401 401"),
        ("publication/withdraw",   "200 404 404 404 | 404 404 404 404 | 200 404 404 404 | 403 403 409 404 | 200 200 409 404 | 403 403 403 403 | 401 401 401 401"),
    ];

    /// <summary>
    /// Routes without a case: one answer per role. An administrator's request is built to pass
    /// authorization and then get the route's own answer (a taken section code is 409, an unknown
    /// rule 404…), which proves the refusal of everyone else comes before any lookup.
    /// </summary>
    private static readonly (string Route, string Answers)[] OtherRoutes =
    [
        //                                                  clerk elsewhere head discipline leader admin anonymous
        ("GET /api/v1/staff/complaints",                    "200 200 200 200 200 403 401"),
        ("POST /api/v1/staff/complaints",                   "201 201 201 201 201 403 401"),
        ("GET /api/v1/staff/colleagues",                    "200 200 200 200 200 403 401"),
        ("GET /api/v1/sections",                            "200 200 200 200 200 200 401"),
        ("GET /api/v1/auth/me",                             "200 200 200 200 200 200 401"),
        ("POST /api/v1/auth/password",                      "400 400 400 400 400 400 401"),
        ("GET /api/v1/admin/users",                         "403 403 403 403 403 200 401"),
        ("POST /api/v1/admin/users",                        "403 403 403 403 403 201 401"),
        ("PUT /api/v1/admin/users/{user}",                  "403 403 403 403 403 200 401"),
        ("POST /api/v1/admin/users/{user}/password",        "403 403 403 403 403 204 401"),
        ("POST /api/v1/admin/sections/office",              "403 403 403 403 403 409 401"),
        ("PUT /api/v1/admin/sections/no_such_section",      "403 403 403 403 403 404 401"),
        ("GET /api/v1/admin/routing-rules",                 "403 403 403 403 403 200 401"),
        ("POST /api/v1/admin/routing-rules",                "403 403 403 403 403 201 401"),
        ("PUT /api/v1/admin/routing-rules/999999",          "403 403 403 403 403 404 401"),
        ("DELETE /api/v1/admin/routing-rules/999999",       "403 403 403 403 403 404 401"),
        ("GET /api/v1/admin/calendar?year=2026",            "403 403 403 403 403 200 401"),
        ("PUT /api/v1/admin/calendar/2099-06-03",           "403 403 403 403 403 204 401"),
        ("DELETE /api/v1/admin/calendar/2099-06-04",        "403 403 403 403 403 404 401"),
        ("GET /api/v1/admin/categories",                    "403 403 403 403 403 200 401"),
        ("PUT /api/v1/admin/categories/no.such/guidance",   "403 403 403 403 403 404 401"),
        ("PUT /api/v1/admin/categories/no.such",            "403 403 403 403 403 404 401"),
        ("GET /api/v1/admin/townships",                     "403 403 403 403 403 200 401"),
        ("POST /api/v1/admin/townships",                    "403 403 403 403 403 409 401"),
        ("PUT /api/v1/admin/townships/no-such-township",    "403 403 403 403 403 404 401"),
        ("GET /api/v1/admin/open311-keys",                  "403 403 403 403 403 200 401"),
        ("POST /api/v1/admin/open311-keys",                 "403 403 403 403 403 201 401"),
        ("DELETE /api/v1/admin/open311-keys/999999",        "403 403 403 403 403 404 401"),
        ("GET /api/v1/admin/notifications",                 "403 403 403 403 403 200 401"),
        ("GET /api/v1/admin/notifications/figures",         "403 403 403 403 403 200 401"),
        ("GET /api/v1/admin/notifications/kinds",           "403 403 403 403 403 200 401"),
        ("GET /api/v1/admin/notifications/00000000-0000-0000-0000-000000000001", "403 403 403 403 403 404 401"),
        ("POST /api/v1/admin/notifications/00000000-0000-0000-0000-000000000001/retry", "403 403 403 403 403 404 401"),
        // Leadership metrics: leaders and administrators; a section head (their own section only).
        ("GET /api/v1/metrics/summary",                     "403 403 200 403 200 200 401"),
        ("GET /api/v1/metrics/summary?section=office",      "403 403 403 403 200 200 401"),
        ("GET /api/v1/metrics/breakdown?by=section",        "403 403 200 403 200 200 401"),
        ("GET /api/v1/metrics/ranking",                     "403 403 200 403 200 200 401"),
        ("GET /api/v1/metrics/overdue",                     "403 403 200 403 200 200 401"),
        // Public: the same answer for everyone, signed in or not.
        ("GET /api/v1/public/cases",                        "200 200 200 200 200 200 200"),
        ("GET /api/v1/public/bulletins",                    "200 200 200 200 200 200 200"),
        ("GET /open311/v2/discovery.json",                  "200 200 200 200 200 200 200"),
        ("GET /open311/v2/services.json",                   "200 200 200 200 200 200 200"),
        ("GET /open311/v2/services/noise.construction.xml", "200 200 200 200 200 200 200"),
        ("GET /open311/v2/requests.json",                   "200 200 200 200 200 200 200"),
        ("GET /open311/v2/requests/{case}.xml",             "200 200 200 200 200 200 200"),
        ("GET /open311/v2/servicerequestupdates.json",      "200 200 200 200 200 200 200"),
        ("GET /open311/v2/tokens/{case}.json",              "200 200 200 200 200 200 200"),
        // POST /open311/v2/requests.{format} answers by API key, never by role: Open311FilingTests.
        // A month before the first case: the same 404 for everyone, not a refusal.
        ("GET /api/v1/public/bulletins/2001-01",            "404 404 404 404 404 404 404"),
    ];

    private static int[][] Parse(string answers) =>
        answers.Split('|').Select(group => group.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()).ToArray();

    public static IEnumerable<TestCaseData> CaseRouteCells() =>
        from line in CaseRoutes
        let answers = Parse(line.Answers)
        from role in Enum.GetValues<Role>()
        from kind in Enum.GetValues<Kind>()
        let expected = answers[(int)role][(int)kind]
        select new TestCaseData(line.Route, role, kind, expected).SetName($"{role} · {line.Route} · {kind} case → {expected}");

    public static IEnumerable<TestCaseData> OtherRouteCells() =>
        from line in OtherRoutes
        let answers = line.Answers.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()
        from role in Enum.GetValues<Role>()
        let expected = answers[(int)role]
        select new TestCaseData(line.Route, role, expected).SetName($"{role} · {line.Route} → {expected}");

    // ---- the fixture's cases and clients ----

    private static readonly Dictionary<Kind, string> Categories = new()
    {
        [Kind.Own] = "air.odor", [Kind.Other] = "suggestion", [Kind.Conduct] = "conduct.misconduct",
    };

    /// <summary>Who accepts and asks for extensions when a test needs a case in that state.</summary>
    private static readonly Dictionary<Kind, string> Handlers = new()
    {
        [Kind.Own] = "enforcement.staff", [Kind.Other] = "office.staff", [Kind.Conduct] = "discipline.staff",
    };

    private readonly Dictionary<Kind, string> _cases = [];
    private readonly Dictionary<Kind, int> _versions = [];
    private readonly Dictionary<Role, HttpClient> _clients = [];
    private readonly Dictionary<string, long> _members = [];
    private long _throwawayUser;

    private HttpClient Leader => _clients[Role.Leader];

    [OneTimeSetUp]
    public async Task FileTheCasesAsync()
    {
        await TestEnvironment.ResetDataAsync();
        foreach (var (role, username) in Accounts)
            _clients[role] = username is null
                ? TestEnvironment.App.CreateHttpClient()
                // Fresh sign-ins, not the shared cached tokens: these must outlive the whole fixture.
                : await StaffLogin.ClientAsync(username, TestEnvironment.App);
        foreach (var kind in Categories.Keys)
        {
            _cases[kind] = await FileAsync(kind);
            _versions[kind] = await VersionAsync(_cases[kind]);
        }
        _cases[Kind.Unknown] = SecretCode.New();
        foreach (var member in new[] { "enforcement.staff", "discipline.staff" }) _members[member] = await UserIdAsync(member);
        _throwawayUser = (await CreateAccountAsync("matrix")).Id;
    }

    [OneTimeTearDown]
    public async Task TidyUpAsync()
    {
        using (await _clients[Role.Admin].DeleteAsync("/api/v1/admin/calendar/2099-06-03")) { }
        foreach (var client in _clients.Values) client.Dispose();
    }

    private async Task<string> FileAsync(Kind kind)
    {
        using var response = await _clients[Role.Anonymous].PostAsJsonAsync("/api/v1/complaints", new
        {
            categoryCode = Categories[kind],
            description = "矩阵测试：工厂夜间排放异味，工作人员处理不力。",
            contact = new { name = "李先生", phone = "13900139000" },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(201), body);
        return (string)JsonNode.Parse(body)!["trackingCode"]!;
    }

    private async Task<int> VersionAsync(string code)
    {
        using var response = await Leader.GetAsync($"/api/v1/staff/complaints/{code}");
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        return (int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["version"]!;
    }

    private static async Task ActOkAsync(HttpClient client, string code, string action, object body, int version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{code}/{action}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        using var response = await client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"preparing: {action} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A new case of this kind in the state the action needs to succeed.</summary>
    private async Task<string> FreshCaseAsync(Kind kind, string route)
    {
        var code = await FileAsync(kind);
        if (route is "resolve" or "extensions" or "extensions/decision" || IsPublication(route))
        {
            using var handler = await StaffLogin.ClientAsync(Handlers[kind]);
            await ActOkAsync(handler, code, "accept", new { }, await VersionAsync(code));
            if (route == "extensions/decision")
                await ActOkAsync(handler, code, "extensions", new { days = 10, reason = "需要第三方检测报告" }, await VersionAsync(code));
            if (IsPublication(route))
                await ActOkAsync(handler, code, "resolve", new { result = "经查属实，已责令整改" }, await VersionAsync(code));
            if (route is "publication/decision" or "publication/withdraw")
                await ActOkAsync(handler, code, "publication", Body("publication", kind), 0);
        }
        return code;
    }

    private static bool IsPublication(string route) => route.EndsWith("publication") || route.StartsWith("publication/");

    /// <summary>The publication's own version (0 while nothing was proposed), which its actions send in If-Match.</summary>
    private async Task<int> PublicationVersionAsync(string code)
    {
        using var response = await Leader.GetAsync($"/api/v1/staff/complaints/{code}/publication");
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        return (int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["version"]!;
    }

    private object Body(string route, Kind kind) => route switch
    {
        "reject" => new { ground = "outside_remit", reason = "不属于生态环境部门职责", referral = "请向市场监督管理局反映" },
        "assign" => new { assigneeId = _members[kind == Kind.Conduct ? "discipline.staff" : "enforcement.staff"] },
        "transfer" => new { sectionCode = kind == Kind.Other ? "enforcement" : "monitoring", reason = "需要监测数据" },
        "notes" => new { text = "内部备注：已电话联系企业" },
        "replies" => new { text = "已安排人员核查" },
        "extensions" => new { days = 10, reason = "需要第三方检测报告" },
        "extensions/decision" => new { approve = true, reason = "同意" },
        "resolve" => new { result = "经查属实，已责令整改" },
        "merge" => new { originalTrackingCode = _cases[kind == Kind.Conduct ? Kind.Conduct : Kind.Own], reason = "重复投诉" },
        "publication" => new { summary = "群众反映工厂夜间排放异味。", result = "已责令整改，复查时异味已消除。" },
        "publication/decision" => new { approve = true },
        "publication/withdraw" => new { reason = "摘要需要修改" },
        _ => new { },
    };

    /// <summary>The audit action of a route's refusal.</summary>
    private static string AuditAction(string route) => route switch
    {
        "GET publication" => "publication.view",
        "publication" => "publication.propose",
        "publication/decision" => "publication.decide",
        "publication/withdraw" => "publication.withdraw",
        _ => $"complaint.{ActionCode(route)}",
    };

    private static string ActionCode(string route) => route switch
    {
        "GET" => "view",
        "notes" => "note",
        "replies" => "reply",
        "extensions" => "request_extension",
        "extensions/decision" => "decide_extension",
        _ => route,
    };

    private static async Task AssertDeniedAsync(long afterId, string action, string target)
    {
        var rows = await AuditAsync("id > @afterId and outcome = 'denied'", new { afterId });
        Assert.That(rows.Select(r => $"{r.Action} {r.TargetId}"), Is.EqualTo(new[] { $"{action} {target}" }),
            "exactly one 'denied' audit entry for the refusal");
    }

    // ---- the matrix ----

    [TestCaseSource(nameof(CaseRouteCells))]
    public async Task Case_routes(string route, Role role, Kind kind, int expected)
    {
        var get = route.StartsWith("GET", StringComparison.Ordinal);
        var code = expected == 200 && !get ? await FreshCaseAsync(kind, route) : _cases[kind];
        var version = kind == Kind.Unknown ? 1 : IsPublication(route) ? await PublicationVersionAsync(code) : await VersionAsync(code);
        var path = route == "GET" ? $"/api/v1/staff/complaints/{code}"
            : get ? $"/api/v1/staff/complaints/{code}/{route[4..]}"
            : $"/api/v1/staff/complaints/{code}/{route}";
        using var request = new HttpRequestMessage(get ? HttpMethod.Get : HttpMethod.Post, path);
        if (!get)
        {
            request.Content = JsonContent.Create(Body(route, kind));
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        }
        await IntegrationTest.FlushRepeatedRefusalsAsync();
        var lastAudit = await LastAuditIdAsync();
        using var response = await _clients[role].SendAsync(request);

        if (expected == 200)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
            if (route == "GET")
                Assert.That(JsonNode.Parse(body)!["contact"]?["phone"]?.GetValue<string>(), Is.EqualTo("13900139000"),
                    "whoever may see the case sees the contact");
            return;
        }

        await AssertProblemAsync(response, expected);
        switch (expected)
        {
            case 401:
                await AssertDeniedAsync(lastAudit, "request.unauthenticated", IntegrationTest.AuditedRoute(request.Method, path));
                break;
            case 403 when role == Role.Admin:
                await AssertDeniedAsync(lastAudit, "request.forbidden", IntegrationTest.AuditedRoute(request.Method, path));
                break;
            case 403:
            case 404 when kind != Kind.Unknown:
                await AssertDeniedAsync(lastAudit, AuditAction(route), code);
                break;
        }
        if (kind != Kind.Unknown)
        {
            Assert.That(await VersionAsync(code), Is.EqualTo(_versions[kind]), "a refusal changes nothing");
            Assert.That(await PublicationVersionAsync(code), Is.Zero, "a refusal publishes nothing");
        }
    }

    [TestCaseSource(nameof(OtherRouteCells))]
    public async Task Other_routes(string route, Role role, int expected)
    {
        var method = new HttpMethod(route[..route.IndexOf(' ')]);
        var path = route[(route.IndexOf(' ') + 1)..].Replace("{user}", _throwawayUser.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace("{case}", _cases[Kind.Own]);
        using var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get && method != HttpMethod.Delete) request.Content = JsonContent.Create(OtherBody(route));
        await IntegrationTest.FlushRepeatedRefusalsAsync();
        var lastAudit = await LastAuditIdAsync();
        using var response = await _clients[role].SendAsync(request);

        if (expected is >= 200 and < 300)
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
            return;
        }
        await AssertProblemAsync(response, expected);
        var target = IntegrationTest.AuditedRoute(method, path);
        if (expected == 401) await AssertDeniedAsync(lastAudit, "request.unauthenticated", target);
        else if (expected == 403) await AssertDeniedAsync(lastAudit, "request.forbidden", target);
        else Assert.That(await AuditAsync("id > @lastAudit and outcome = 'denied'", new { lastAudit }), Is.Empty,
            "past authorization: not a denial");
    }

    private static object OtherBody(string route) => route switch
    {
        "POST /api/v1/staff/complaints" => new { channel = "phone", categoryCode = "air.odor", description = "来电反映：工厂夜间排放异味" },
        // Authorization passes; the wrong current password then fails validation (no password changes).
        "POST /api/v1/auth/password" => new { currentPassword = "Not-the-password-1", newPassword = "Matrix-pass-2" },
        "POST /api/v1/admin/users" => new { username = NewUsername("matrix"), displayName = "矩阵测试", role = "leader", password = Password },
        "PUT /api/v1/admin/users/{user}" => new { displayName = "矩阵测试", role = "leader", sectionCode = (string?)null, active = true },
        "POST /api/v1/admin/users/{user}/password" => new { password = "Matrix-pass-1" },
        "POST /api/v1/admin/sections/office" => new { nameZh = "办公室", nameEn = "General Office", sortOrder = 10 },
        "PUT /api/v1/admin/sections/no_such_section" => new { nameZh = "无", nameEn = "None", sortOrder = 1 },
        // Inactive, so it routes nothing while the fixture runs.
        "POST /api/v1/admin/routing-rules" => new { name = "矩阵测试", sectionCode = "office", keywords = new[] { "矩阵测试专用词" }, active = false },
        "PUT /api/v1/admin/routing-rules/999999" => new { name = "矩阵测试", sectionCode = "office", keywords = new[] { "矩阵" } },
        "PUT /api/v1/admin/calendar/2099-06-03" => new { kind = "holiday", nameZh = "矩阵测试", nameEn = "Matrix test" },
        "PUT /api/v1/admin/categories/no.such/guidance" => new { guidanceZh = "矩阵", guidanceEn = "Matrix", urgent = false, questions = Array.Empty<object>() },
        "PUT /api/v1/admin/categories/no.such" => new { nameZh = "矩阵", nameEn = "Matrix", acceptWithinDays = 2, resolveWithinDays = 15 },
        // A township that exists: 409, so the fixture adds none.
        "POST /api/v1/admin/open311-keys" => new { name = NewUsername("matrix") },
        "POST /api/v1/admin/townships" => new { nameZh = "剡湖街道", nameEn = "Shanhu Subdistrict" },
        "PUT /api/v1/admin/townships/no-such-township" => new { nameZh = "矩阵", nameEn = "Matrix" },
        _ => new { },
    };

    // ---- what a refusal looks like ----

    [Test]
    public async Task Another_sections_case_is_answered_exactly_like_an_unknown_code()
    {
        var clerk = _clients[Role.Clerk];
        foreach (var (method, suffix) in new[] { (HttpMethod.Get, ""), (HttpMethod.Post, "/accept") })
        {
            var shapes = new List<string>();
            foreach (var code in new[] { _cases[Kind.Other], _cases[Kind.Conduct], _cases[Kind.Unknown] })
            {
                using var request = new HttpRequestMessage(method, $"/api/v1/staff/complaints/{code}{suffix}");
                if (method == HttpMethod.Post)
                {
                    request.Content = JsonContent.Create(new { });
                    request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
                }
                using var response = await clerk.SendAsync(request);
                var problem = await AssertProblemAsync(response, 404);
                shapes.Add(string.Join("|", problem.Where(p => p.Key is not ("traceId" or "instance")).Select(p => $"{p.Key}={p.Value?.ToJsonString()}"))
                           + "|" + string.Join(",", response.Headers.Select(h => h.Key).Order()));
            }
            Assert.That(shapes.Distinct(), Has.Exactly(1).Items, string.Join("\n", shapes));
        }
    }

    [Test]
    public async Task Naming_another_sections_case_as_the_original_of_a_merge_is_answered_like_an_unknown_code()
    {
        var duplicate = await FreshCaseAsync(Kind.Own, "merge");
        var version = await VersionAsync(duplicate);
        var shapes = new List<string>();
        foreach (var original in new[] { _cases[Kind.Other], _cases[Kind.Conduct], _cases[Kind.Unknown] })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{duplicate}/merge")
            {
                Content = JsonContent.Create(new { originalTrackingCode = original }),
            };
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
            var lastAudit = await LastAuditIdAsync();
            using var response = await _clients[Role.Head].SendAsync(request);
            var problem = await AssertProblemAsync(response, 400);
            shapes.Add(string.Join("|", problem.Where(p => p.Key is not ("traceId" or "instance")).Select(p => $"{p.Key}={p.Value?.ToJsonString()}")));
            if (original != _cases[Kind.Unknown]) await AssertDeniedAsync(lastAudit, "complaint.merge", original);
        }
        Assert.Multiple(async () =>
        {
            Assert.That(shapes.Distinct(), Has.Exactly(1).Items, string.Join("\n", shapes));
            Assert.That(shapes[0], Does.Contain("originalTrackingCode"));
            Assert.That(await VersionAsync(duplicate), Is.EqualTo(version), "nothing merged");
        });
    }

    [Test]
    public async Task A_403_says_who_may_do_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{_cases[Kind.Own]}/assign")
        {
            Content = JsonContent.Create(new { assigneeId = _members["enforcement.staff"] }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{_versions[Kind.Own]}\"");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        using var response = await _clients[Role.Clerk].SendAsync(request);
        var problem = await AssertProblemAsync(response, 403);
        Assert.That((string?)problem["title"], Is.EqualTo("Only the head of the handling section may do this"));
    }
}

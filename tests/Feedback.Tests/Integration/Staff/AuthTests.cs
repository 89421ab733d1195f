using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Feedback.Tests.Integration.Staff.StaffSecurity;

namespace Feedback.Tests.Integration.Staff;

/// <summary>
/// Staff sign-in over real HTTP: tokens, lockout, refresh rotation and reuse, logout, password and
/// account changes ending sessions, and forged tokens. Accounts that get locked, disabled or
/// re-passworded are throwaway ones, never the demo accounts other tests sign in as.
/// </summary>
public sealed class AuthTests : IntegrationTest
{
    /// <summary>A throwaway leader whose sessions the refresh, logout and token tests open and end.</summary>
    private static Account _member = null!;

    [OneTimeSetUp]
    public async Task CreateMemberAsync() => _member = await CreateAccountAsync("auth");

    private static JsonObject Payload(string jwt) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]))!.AsObject();

    private static JsonObject Header(string jwt) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[0]))!.AsObject();

    // ---- signing in ----

    [Test]
    public async Task Signing_in_gives_a_short_lived_HS256_token_and_a_refresh_token_and_me_names_the_account()
    {
        using var client = App.CreateHttpClient();
        using var response = await LoginAsync(client, "enforcement.staff", StaffLogin.DemoPassword);
        var tokens = await ReadJsonAsync(response);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), tokens.ToJsonString());
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True, "tokens are never cached");
        var access = (string)tokens["accessToken"]!;
        var header = Header(access);
        var payload = Payload(access);
        Assert.Multiple(() =>
        {
            Assert.That((string?)tokens["tokenType"], Is.EqualTo("Bearer"));
            Assert.That((int)tokens["expiresIn"]!, Is.EqualTo(600), "ten minutes");
            Assert.That((string?)tokens["refreshToken"], Has.Length.GreaterThanOrEqualTo(43), "32 random bytes");
            Assert.That((string?)header["alg"], Is.EqualTo("HS256"));
            Assert.That((string?)payload["iss"], Is.EqualTo("feedback-api"));
            Assert.That((string?)payload["aud"], Is.EqualTo("feedback-staff"));
            Assert.That((string?)payload["name"], Is.EqualTo("enforcement.staff"));
            Assert.That((string?)payload["role"], Is.EqualTo("staff"));
            Assert.That((string?)payload["section"], Is.EqualTo("enforcement"));
            Assert.That(Guid.TryParse((string?)payload["sid"], out _), Is.True, "the token names its session");
            Assert.That((long)payload["exp"]! - (long)payload["iat"]!, Is.EqualTo(600));
            Assert.That(payload.ToJsonString(), Does.Not.Contain(StaffLogin.DemoPassword), "no password in the token");
        });

        using var me = await MeAsync(access);
        var profile = await ReadJsonAsync(me);
        Assert.Multiple(() =>
        {
            Assert.That((int)me.StatusCode, Is.EqualTo(200));
            Assert.That((string?)profile["username"], Is.EqualTo("enforcement.staff"));
            Assert.That((string?)profile["displayName"], Is.EqualTo("生态环境执法大队工作人员"));
            Assert.That((string?)profile["role"], Is.EqualTo("staff"));
            Assert.That((string?)profile["sectionCode"], Is.EqualTo("enforcement"));
            Assert.That((string?)profile["sectionName"], Is.EqualTo("生态环境执法大队"));
        });

        var login = (await AuditAsync("action = 'auth.login' and target_id = 'enforcement.staff'")).Single();
        var everything = await AuditTextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(login.Outcome, Is.EqualTo("succeeded"));
            Assert.That(login.ActorUsername, Is.EqualTo("enforcement.staff"));
            Assert.That(login.Ip, Is.EqualTo("127.0.0.1"));
            Assert.That(everything, Does.Not.Contain(StaffLogin.DemoPassword).And.Not.Contain(access.Split('.')[2])
                .And.Not.Contain((string)tokens["refreshToken"]!), "no password or token in the audit log");
        });
    }

    [Test]
    public async Task A_wrong_password_an_unknown_user_and_a_disabled_account_get_the_same_401()
    {
        var account = await CreateAccountAsync("same");
        using var admin = await StaffAsync("admin");
        using var disable = await admin.PutAsJsonAsync($"/api/v1/admin/users/{account.Id}",
            new { displayName = "测试账户", role = "leader", sectionCode = (string?)null, active = false });
        Assert.That((int)disable.StatusCode, Is.EqualTo(200));

        var probe = await CreateAccountAsync("probe");
        var nobody = NewUsername("nobody");
        using var wrongPassword = await LoginAsync(Client, probe.Username, "Wrong-pass-1");
        using var unknownUser = await LoginAsync(Client, nobody, "Wrong-pass-1");
        using var disabled = await LoginAsync(Client, account.Username, account.Password);

        var answers = new[] { wrongPassword, unknownUser, disabled };
        var problems = new List<JsonObject>();
        foreach (var answer in answers) problems.Add(await AssertProblemAsync(answer, 401));
        string Shape(JsonObject problem) =>
            string.Join("|", problem.Where(p => p.Key != "traceId").OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value?.ToJsonString()}"));
        Assert.Multiple(() =>
        {
            Assert.That(problems.Select(Shape).Distinct().Count(), Is.EqualTo(1), string.Join("\n", problems.Select(Shape)));
            Assert.That(answers.Select(a => string.Join(",", a.Headers.Select(h => h.Key).Order())).Distinct().Count(), Is.EqualTo(1),
                "the same headers too");
        });

        var failures = await AuditAsync("action = 'auth.login' and target_id = any(@names)",
            new { names = new[] { probe.Username, nobody, account.Username } });
        Assert.That(failures.Select(f => (f.Outcome, f.Reason)), Is.EqualTo(new (string, string?)[]
        {
            ("failed", "wrong password"), ("failed", "unknown user"), ("failed", "account disabled"),
        }), "the log tells them apart; the caller cannot");
    }

    /// <summary>A clock a test moves forward, to see a lockout end without waiting 15 minutes.</summary>
    private sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;
        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    [Test]
    public async Task Five_wrong_passwords_lock_the_account_for_15_minutes_even_against_the_right_password()
    {
        var account = await CreateAccountAsync("lock");
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, clock);
        app.StartServer();
        using var client = app.CreateHttpClient();
        string[] wrong = ["Wrong-pass-1", "Wrong-pass-2", "Wrong-pass-3", "Wrong-pass-4", "Wrong-pass-5"];

        for (var i = 0; i < 4; i++)
        {
            using var refused = await LoginAsync(client, account.Username, wrong[i]);
            await AssertProblemAsync(refused, 401);
        }
        using var fifth = await LoginAsync(client, account.Username, wrong[4]);
        await AssertProblemAsync(fifth, 429);
        Assert.That(fifth.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromMinutes(15)));

        var afterFifth = await AuditAsync("action like 'auth.%' and target_id = @username", new { username = account.Username });
        Assert.That(afterFifth.Select(a => $"{a.Action} {a.Outcome}"),
            Is.EqualTo(Enumerable.Repeat("auth.login failed", 5).Append("auth.lockout succeeded")));

        using var rightButLocked = await LoginAsync(client, account.Username, account.Password);
        await AssertProblemAsync(rightButLocked, 429);
        Assert.That(rightButLocked.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromMinutes(15)));

        using var admin = await StaffAsync("admin");
        var listed = (await admin.GetFromJsonAsync<JsonArray>("/api/v1/admin/users"))!
            .Single(u => (string)u!["username"]! == account.Username)!;
        Assert.That((string?)listed["lockedUntil"], Is.Not.Null, "the administrator sees the lock");

        clock.Advance(TimeSpan.FromMinutes(14));
        using var stillLocked = await LoginAsync(client, account.Username, account.Password);
        await AssertProblemAsync(stillLocked, 429);
        Assert.That(stillLocked.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromMinutes(1)));

        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var unlocked = await LoginAsync(client, account.Username, account.Password);
        Assert.That((int)unlocked.StatusCode, Is.EqualTo(200), await unlocked.Content.ReadAsStringAsync());

        var audit = await AuditAsync("action like 'auth.%' and target_id = @username", new { username = account.Username });
        var everything = await AuditTextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(audit.Select(a => $"{a.Action} {a.Outcome} {a.Reason}"), Is.EqualTo(new[]
            {
                "auth.login failed wrong password", "auth.login failed wrong password", "auth.login failed wrong password",
                "auth.login failed wrong password", "auth.login failed wrong password",
                "auth.lockout succeeded 5 failed password checks in a row from one address",
                "auth.login failed locked for this address", "auth.login failed locked for this address",
                "auth.login succeeded ",
            }));
            foreach (var password in wrong.Append(account.Password))
                Assert.That(everything, Does.Not.Contain(password), "the audit log never holds a password");
        });
    }

    [Test]
    public async Task Wrong_passwords_from_one_address_never_lock_the_owner_out_from_another()
    {
        var account = await CreateAccountAsync("target");
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString,
            settings: new Dictionary<string, string> { ["FEEDBACK_TRUSTED_PROXIES"] = "127.0.0.1" });
        app.StartServer();
        using var client = app.CreateHttpClient();
        Task<HttpResponseMessage> LoginFromAsync(string address, string password)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
            {
                Content = JsonContent.Create(new { username = account.Username, password }),
            };
            request.Headers.Add("X-Forwarded-For", address);
            return client.SendAsync(request);
        }

        for (var i = 0; i < 5; i++) (await LoginFromAsync("203.0.113.66", $"Wrong-pass-{i}")).Dispose();
        using var attacker = await LoginFromAsync("203.0.113.66", account.Password);
        using var owner = await LoginFromAsync("198.51.100.7", account.Password);
        Assert.Multiple(async () =>
        {
            await AssertProblemAsync(attacker, 429);
            Assert.That((int)owner.StatusCode, Is.EqualTo(200), "the owner signs in from their own address");
            Assert.That((await AuditAsync($"action = 'auth.lockout' and target_id = '{account.Username}'")).Single().Ip, Is.EqualTo("203.0.113.66"));
        });
    }

    [Test]
    public async Task Only_wrong_passwords_in_a_row_count_towards_the_lockout()
    {
        var account = await CreateAccountAsync("row");
        for (var i = 0; i < 4; i++)
        {
            using var wrong = await LoginAsync(Client, account.Username, $"Wrong-pass-{i}");
            Assert.That((int)wrong.StatusCode, Is.EqualTo(401));
        }
        using var right = await LoginAsync(Client, account.Username, account.Password);
        Assert.That((int)right.StatusCode, Is.EqualTo(200), "the fifth attempt is right: no lock");
        for (var i = 0; i < 4; i++)
        {
            using var wrong = await LoginAsync(Client, account.Username, $"Wrong-again-{i}");
            Assert.That((int)wrong.StatusCode, Is.EqualTo(401), "a success starts the count again");
        }
    }

    [Test]
    public async Task An_unknown_username_locks_like_a_real_one_so_the_lock_reveals_nothing()
    {
        var ghost = NewUsername("ghost");
        for (var i = 0; i < 4; i++)
        {
            using var wrong = await LoginAsync(Client, ghost, $"Wrong-pass-{i}");
            await AssertProblemAsync(wrong, 401);
        }
        using var fifth = await LoginAsync(Client, ghost, "Wrong-pass-5");
        var problem = await AssertProblemAsync(fifth, 429);
        Assert.That(fifth.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromMinutes(15)));
        Assert.That((await AuditAsync($"action = 'auth.lockout' and target_id = '{ghost}'")), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Wrong_current_passwords_count_towards_the_lock_so_a_stolen_token_cannot_guess_the_password()
    {
        var account = await CreateAccountAsync("guess");
        var tokens = await SignInAsync(account.Username, account.Password);
        using var client = Bearer((string)tokens["accessToken"]!);
        for (var i = 0; i < 4; i++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = $"Guess-{i}-pass", newPassword = "Brand-new-pass-7" });
            await AssertProblemAsync(wrong, 400);
        }
        using var fifth = await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = "Guess-5-pass", newPassword = "Brand-new-pass-7" });
        await AssertProblemAsync(fifth, 429);
        using var right = await client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = account.Password, newPassword = "Brand-new-pass-7" });
        await AssertProblemAsync(right, 429);
        using var login = await LoginAsync(Client, account.Username, account.Password);
        await AssertProblemAsync(login, 429);
        Assert.That(await AuditAsync($"action = 'auth.password_change' and outcome = 'failed' and actor_username = '{account.Username}'"), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task Concurrent_wrong_guesses_are_all_counted()
    {
        var account = await CreateAccountAsync("burst");
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => LoginAsync(Client, account.Username, $"Guess-{i}-pass")));
        try
        {
            Assert.That(answers.Select(a => (int)a.StatusCode).Order(), Is.EqualTo(new[] { 401, 401, 401, 401, 429, 429, 429, 429 }),
                "four refusals, the lock on the fifth guess, and every later guess locked out");
        }
        finally
        {
            foreach (var answer in answers) answer.Dispose();
        }
        using var right = await LoginAsync(Client, account.Username, account.Password);
        await AssertProblemAsync(right, 429);
    }

    [Test]
    public async Task An_overlong_password_is_refused_before_any_hashing_and_counts_for_nothing()
    {
        const string failures = "select coalesce(sum(failures), 0)::int from password_guesses where kind = 'username' and subject = 'enforcement.staff'";
        var before = await ScalarAsync<int>(failures);
        using var response = await LoginAsync(Client, "enforcement.staff", new string('x', 1_000) + "1");
        var problem = await AssertProblemAsync(response, 400);
        Assert.Multiple(async () =>
        {
            Assert.That(problem["errors"]!.AsObject().ContainsKey("password"), Is.True, problem.ToJsonString());
            Assert.That(await ScalarAsync<int>(failures), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_forged_X_Forwarded_For_does_not_change_the_audited_address()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { username = NewUsername("spoof"), password = "Wrong-pass-1" }),
        };
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("X-Real-IP", "203.0.113.9");
        using var response = await Client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(401));
        Assert.That((await AuditAsync("action = 'auth.login'")).Single().Ip, Is.EqualTo("127.0.0.1"));
    }

    [Test]
    public async Task Access_tokens_last_ten_minutes_refresh_tokens_as_long_as_the_12_hour_session()
    {
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, clock);
        app.StartServer();
        var tokens = await SignInAsync(_member.Username, _member.Password, app);

        clock.Advance(TimeSpan.FromMinutes(9));
        using (var fresh = await MeAsync((string)tokens["accessToken"]!, app)) Assert.That((int)fresh.StatusCode, Is.EqualTo(200));
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(31));
        using (var expired = await MeAsync((string)tokens["accessToken"]!, app)) await AssertProblemAsync(expired, 401);

        using var refreshed = await RefreshAsync((string)tokens["refreshToken"]!, app);
        var renewed = await ReadJsonAsync(refreshed);
        Assert.That((int)refreshed.StatusCode, Is.EqualTo(200), renewed.ToJsonString());
        using (var again = await MeAsync((string)renewed["accessToken"]!, app)) Assert.That((int)again.StatusCode, Is.EqualTo(200));

        clock.Advance(TimeSpan.FromHours(12));
        using var tooLate = await RefreshAsync((string)renewed["refreshToken"]!, app);
        await AssertProblemAsync(tooLate, 401);
    }

    // ---- refresh, logout ----

    [Test]
    public async Task Refresh_rotates_the_refresh_token_and_keeps_the_session()
    {
        var first = await SignInAsync(_member.Username, _member.Password);
        using var second = await RefreshAsync((string)first["refreshToken"]!);
        var secondTokens = await ReadJsonAsync(second);
        Assert.That((int)second.StatusCode, Is.EqualTo(200), secondTokens.ToJsonString());
        using var third = await RefreshAsync((string)secondTokens["refreshToken"]!);
        var thirdTokens = await ReadJsonAsync(third);
        Assert.That((int)third.StatusCode, Is.EqualTo(200), thirdTokens.ToJsonString());

        Assert.Multiple(async () =>
        {
            Assert.That(new[] { first, secondTokens, thirdTokens }.Select(t => (string)t["refreshToken"]!).Distinct().Count(), Is.EqualTo(3));
            Assert.That((string?)Payload((string)thirdTokens["accessToken"]!)["sid"], Is.EqualTo((string?)Payload((string)first["accessToken"]!)["sid"]),
                "the same session continues");
            using var me = await MeAsync((string)thirdTokens["accessToken"]!);
            Assert.That((int)me.StatusCode, Is.EqualTo(200));
        });

        using var replayed = await RefreshAsync((string)secondTokens["refreshToken"]!);
        await AssertProblemAsync(replayed, 401);
    }

    [Test]
    public async Task Reusing_a_used_refresh_token_ends_the_whole_session_and_is_audited()
    {
        var first = await SignInAsync(_member.Username, _member.Password);
        using var rotated = await RefreshAsync((string)first["refreshToken"]!);
        var newest = await ReadJsonAsync(rotated);
        Assert.That((int)rotated.StatusCode, Is.EqualTo(200));

        using var reused = await RefreshAsync((string)first["refreshToken"]!);
        await AssertProblemAsync(reused, 401);

        using var newestRefresh = await RefreshAsync((string)newest["refreshToken"]!);
        await AssertProblemAsync(newestRefresh, 401);
        using var newestAccess = await MeAsync((string)newest["accessToken"]!);
        await AssertProblemAsync(newestAccess, 401);
        using var firstAccess = await MeAsync((string)first["accessToken"]!);
        await AssertProblemAsync(firstAccess, 401);

        var session = (string)Payload((string)first["accessToken"]!)["sid"]!;
        var entry = (await AuditAsync("action = 'auth.refresh'")).Single();
        Assert.Multiple(async () =>
        {
            Assert.That(entry.Outcome, Is.EqualTo("failed"));
            Assert.That(entry.TargetId, Is.EqualTo(session));
            Assert.That(entry.ActorUsername, Is.EqualTo(_member.Username));
            Assert.That(entry.Reason, Does.Contain("session revoked"));
            Assert.That(await ScalarAsync<string>("select revoked_reason from staff_sessions where id = @id::uuid", new { id = session }),
                Is.EqualTo("refresh_token_reused"));
        });
    }

    [Test]
    public async Task Two_refreshes_with_one_token_at_the_same_moment_never_both_succeed()
    {
        var tokens = await SignInAsync(_member.Username, _member.Password);
        var refreshToken = (string)tokens["refreshToken"]!;
        var answers = await Task.WhenAll(RefreshAsync(refreshToken), RefreshAsync(refreshToken));
        try
        {
            Assert.That(answers.Select(a => (int)a.StatusCode).Order(), Is.EqualTo(new[] { 200, 401 }));
        }
        finally
        {
            foreach (var answer in answers) answer.Dispose();
        }
    }

    [Test]
    public async Task Logout_ends_the_session_at_once()
    {
        var tokens = await SignInAsync(_member.Username, _member.Password);
        var access = (string)tokens["accessToken"]!;
        using (var before = await MeAsync(access)) Assert.That((int)before.StatusCode, Is.EqualTo(200));

        using var logout = await Client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = (string)tokens["refreshToken"]! });
        Assert.That((int)logout.StatusCode, Is.EqualTo(204));

        using var after = await MeAsync(access);
        await AssertProblemAsync(after, 401);
        using var refresh = await RefreshAsync((string)tokens["refreshToken"]!);
        await AssertProblemAsync(refresh, 401);
        using var unknown = await Client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = "not-a-token-we-issued" });
        Assert.That((int)unknown.StatusCode, Is.EqualTo(204), "an unknown token is already logged out: nothing to reveal");

        var entry = (await AuditAsync("action = 'auth.logout'")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(entry.ActorUsername, Is.EqualTo(_member.Username));
            Assert.That(entry.TargetId, Is.EqualTo((string)Payload(access)["sid"]!));
        });
    }

    // ---- password and account changes ----

    [Test]
    public async Task Changing_ones_password_ends_every_session_of_the_account()
    {
        var account = await CreateAccountAsync("chpw");
        var one = await SignInAsync(account.Username, account.Password);
        var two = await SignInAsync(account.Username, account.Password);
        using var client = Bearer((string)one["accessToken"]!);

        using var wrongCurrent = await client.PostAsJsonAsync("/api/v1/auth/password",
            new { currentPassword = "Not-the-pass-1", newPassword = "Brand-new-pass-7" });
        var problem = await AssertProblemAsync(wrongCurrent, 400);
        Assert.That(problem["errors"]!.AsObject().ContainsKey("currentPassword"), Is.True, problem.ToJsonString());
        using (var stillOpen = await MeAsync((string)two["accessToken"]!)) Assert.That((int)stillOpen.StatusCode, Is.EqualTo(200));

        using var changed = await client.PostAsJsonAsync("/api/v1/auth/password",
            new { currentPassword = account.Password, newPassword = "Brand-new-pass-7" });
        Assert.That((int)changed.StatusCode, Is.EqualTo(204), await changed.Content.ReadAsStringAsync());

        foreach (var tokens in new[] { one, two })
        {
            using var me = await MeAsync((string)tokens["accessToken"]!);
            await AssertProblemAsync(me, 401);
            using var refresh = await RefreshAsync((string)tokens["refreshToken"]!);
            await AssertProblemAsync(refresh, 401);
        }
        using var oldPassword = await LoginAsync(Client, account.Username, account.Password);
        await AssertProblemAsync(oldPassword, 401);
        await SignInAsync(account.Username, "Brand-new-pass-7");

        var text = await AuditTextAsync();
        Assert.Multiple(async () =>
        {
            Assert.That((await AuditAsync("action = 'auth.password_change' and outcome = 'succeeded'")).Single().ActorUsername, Is.EqualTo(account.Username));
            Assert.That(text, Does.Not.Contain("Brand-new-pass-7").And.Not.Contain(account.Password).And.Not.Contain("Not-the-pass-1"));
        });
    }

    [Test]
    public async Task Disabling_an_account_ends_its_sessions_at_once()
    {
        var account = await CreateAccountAsync("off", "staff", "monitoring");
        var tokens = await SignInAsync(account.Username, account.Password);
        using var admin = await StaffAsync("admin");

        using var disabled = await admin.PutAsJsonAsync($"/api/v1/admin/users/{account.Id}",
            new { displayName = "测试账户", role = "staff", sectionCode = "monitoring", active = false });
        Assert.That((int)disabled.StatusCode, Is.EqualTo(200), await disabled.Content.ReadAsStringAsync());

        using var me = await MeAsync((string)tokens["accessToken"]!);
        await AssertProblemAsync(me, 401);
        using var refresh = await RefreshAsync((string)tokens["refreshToken"]!);
        await AssertProblemAsync(refresh, 401);
        using var login = await LoginAsync(Client, account.Username, account.Password);
        await AssertProblemAsync(login, 401);
    }

    [Test]
    public async Task Changing_an_accounts_role_ends_its_sessions_but_renaming_it_does_not()
    {
        var account = await CreateAccountAsync("role", "staff", "monitoring");
        var tokens = await SignInAsync(account.Username, account.Password);
        using var admin = await StaffAsync("admin");

        using var renamed = await admin.PutAsJsonAsync($"/api/v1/admin/users/{account.Id}",
            new { displayName = "改了名字", role = "staff", sectionCode = "monitoring", active = true });
        Assert.That((int)renamed.StatusCode, Is.EqualTo(200));
        using (var stillOpen = await MeAsync((string)tokens["accessToken"]!))
            Assert.That((int)stillOpen.StatusCode, Is.EqualTo(200), "a new display name changes no rights");

        using var promoted = await admin.PutAsJsonAsync($"/api/v1/admin/users/{account.Id}",
            new { displayName = "改了名字", role = "section_head", sectionCode = "monitoring", active = true });
        Assert.That((int)promoted.StatusCode, Is.EqualTo(200));
        using var me = await MeAsync((string)tokens["accessToken"]!);
        await AssertProblemAsync(me, 401);
        using var refresh = await RefreshAsync((string)tokens["refreshToken"]!);
        await AssertProblemAsync(refresh, 401);

        var again = await SignInAsync(account.Username, account.Password);
        using var profile = await MeAsync((string)again["accessToken"]!);
        Assert.That((string?)(await ReadJsonAsync(profile))["role"], Is.EqualTo("section_head"), "the new token carries the new role");
    }

    // ---- forged and broken tokens ----

    private static string Encode(JsonObject part) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(part.ToJsonString()));

    private static string Sign(JsonObject header, JsonObject payload, byte[] key)
    {
        var input = $"{Encode(header)}.{Encode(payload)}";
        var bytes = Encoding.ASCII.GetBytes(input);
        var signature = (string?)header["alg"] switch
        {
            "HS256" => HMACSHA256.HashData(key, bytes),
            "HS512" => HMACSHA512.HashData(key, bytes),
            _ => [],
        };
        return $"{input}.{Base64Url.EncodeToString(signature)}";
    }

    private static byte[] ServerKey => App.Services.GetRequiredService<StaffTokens>().SigningKey.Key;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>Builds a token from a genuine one (an open session), changed in one way.</summary>
    private static readonly Dictionary<string, Func<string, string>> Forgeries = new()
    {
        ["alg none, no signature"] = genuine => $"{Encode(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" })}.{genuine.Split('.')[1]}.",
        ["signed with another key"] = genuine => Sign(Header(genuine), Payload(genuine), RandomNumberGenerator.GetBytes(48)),
        ["HS512 with the server's key"] = genuine =>
            Sign(new JsonObject { ["alg"] = "HS512", ["typ"] = "JWT" }, Payload(genuine), ServerKey),
        ["wrong issuer"] = genuine => Resigned(genuine, p => p["iss"] = "someone-else"),
        ["wrong audience"] = genuine => Resigned(genuine, p => p["aud"] = "feedback-citizens"),
        ["expired"] = genuine => Resigned(genuine, p =>
        {
            p["iat"] = Now - 900;
            p["nbf"] = Now - 900;
            p["exp"] = Now - 120;
        }),
        ["not valid yet"] = genuine => Resigned(genuine, p => p["nbf"] = Now + 600),
        ["no expiry"] = genuine => Resigned(genuine, p => p.Remove("exp")),
        ["no session"] = genuine => Resigned(genuine, p => p.Remove("sid")),
        ["a session that does not exist"] = genuine => Resigned(genuine, p => p["sid"] = Guid.NewGuid().ToString()),
        ["role changed after signing"] = genuine =>
        {
            var payload = Payload(genuine);
            payload["role"] = "admin";
            var parts = genuine.Split('.');
            return $"{parts[0]}.{Encode(payload)}.{parts[2]}";
        },
        ["signature cut off"] = genuine => genuine[..genuine.LastIndexOf('.')] + ".",
        ["garbage"] = _ => "this-is-not-a-token",
    };

    private static string Resigned(string genuine, Action<JsonObject> change)
    {
        var payload = Payload(genuine);
        change(payload);
        return Sign(Header(genuine), payload, ServerKey);
    }

    private static IEnumerable<TestCaseData> ForgedTokens() =>
        Forgeries.Keys.Select(name => new TestCaseData(name).SetName($"A forged token is refused: {name}"));

    private static string? _genuine;

    private static async Task<string> GenuineAsync() =>
        _genuine ??= (string)(await SignInAsync(_member.Username, _member.Password))["accessToken"]!;

    [Test]
    public async Task A_token_re_signed_unchanged_with_the_servers_key_is_accepted_so_the_forgeries_differ_only_in_what_they_change()
    {
        var genuine = await GenuineAsync();
        using var me = await MeAsync(Resigned(genuine, _ => { }));
        Assert.That((int)me.StatusCode, Is.EqualTo(200), await me.Content.ReadAsStringAsync());
    }

    [TestCaseSource(nameof(ForgedTokens))]
    public async Task Forged_tokens_are_refused(string forgery)
    {
        var genuine = await GenuineAsync();
        using var me = await MeAsync(Forgeries[forgery](genuine));
        await AssertProblemAsync(me, 401);
        var denial = (await AuditAsync("outcome = 'denied'")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(me.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer error=\"invalid_token\""), "never why the token failed");
            Assert.That(denial.Action, Is.EqualTo("request.unauthenticated"));
            Assert.That(denial.TargetId, Is.EqualTo("GET /api/v1/auth/me"));
            Assert.That(denial.ActorId, Is.Null, "nobody is signed in");
        });
    }

    [Test]
    public async Task No_token_at_all_gets_a_401_problem()
    {
        using var me = await Client.GetAsync("/api/v1/auth/me");
        await AssertProblemAsync(me, 401);
    }
}

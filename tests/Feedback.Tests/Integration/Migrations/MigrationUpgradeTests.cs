using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Feedback.Api.Features.Metrics;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Security;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration.Migrations;

/// <summary>
/// A database left at an earlier migration, filled the way the API of that time wrote cases, then
/// started with this build: the migrator applies the rest at start-up, and every case, event and
/// support is still there as it was, and the API serves them (the staff case, the citizen's
/// tracking page, the metrics summary against counts of the data put in).
/// </summary>
[NonParallelizable]
public sealed class MigrationUpgradeTests
{
    /// <param name="Letter">Names the case: its tracking code ends with it, and its query password with it.</param>
    private sealed record HistoricCase(
        char Letter, string Status, string Channel, string Category, int Day, int Supports = 0,
        int? DecidedDay = null, int? ResolvedDay = null, int? EvaluatedDay = null, char? MergedInto = null);

    // March 2026 has no holiday; every case is submitted on a working day at 09:00 in the bureau's zone.
    private static readonly HistoricCase[] Cases =
    [
        new('A', "submitted", "web", "air.odor", 2, Supports: 2),
        new('B', "in_progress", "phone", "air.odor", 3, Supports: 1, DecidedDay: 4),
        new('C', "rejected", "web", "air.industrial", 4, DecidedDay: 5),
        new('D', "resolved", "letter", "air.industrial", 5, DecidedDay: 6, ResolvedDay: 11),
        new('E', "closed", "web", "air.odor", 6, DecidedDay: 9, ResolvedDay: 10, EvaluatedDay: 12),
        new('F', "merged", "web", "air.odor", 9, MergedInto: 'B'),
        new('G', "accepted", "visit", "air.industrial", 10, DecidedDay: 11),
    ];

    private const string Answers = """{"smell": "chemical"}""";

    private static string TrackingCode(string stage, char letter) => $"UPGRADE{stage}CAS{letter}";

    /// <summary>Query passwords are codes like tracking codes (SecretCode's alphabet and length).</summary>
    private static string Password(char letter) => $"QUERYPWDCAS{letter}";

    private static DateTimeOffset At(int day, int hour = 9) => new(2026, 3, day, hour, 0, 0, TimeSpan.FromHours(8));

    private static string Sql(DateTimeOffset? at) => at is { } value ? $"'{value.ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture)}'" : "null";
    private static string Sql(DateOnly? day) => day is { } value ? $"'{value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'" : "null";

    /// <summary>The cases, their timelines and supports, in the columns the schema had after <paramref name="applied"/>.</summary>
    private static string HistoricData(string stage, IReadOnlyCollection<string> applied)
    {
        var rejectionGrounds = applied.Any(name => name.StartsWith("0016_", StringComparison.Ordinal));
        var sql = new StringBuilder(
            """
            insert into staff_users (username, display_name, role, section_code, password_hash, created_at, updated_at)
            values ('zhang.historic', '张历史', 'staff', 'enforcement', 'v1$not-a-password', '2026-01-05 09:00:00+08', '2026-01-05 09:00:00+08')
            on conflict (username) do nothing;

            """);
        foreach (var c in Cases)
        {
            var code = TrackingCode(stage, c.Letter);
            var submitted = At(c.Day);
            DateTimeOffset? decided = c.DecidedDay is { } d ? At(d, 10) : null;
            DateTimeOffset? resolved = c.ResolvedDay is { } r ? At(r, 15) : null;
            DateTimeOffset? evaluated = c.EvaluatedDay is { } e ? At(e, 20) : null;
            var acceptBy = DateOnly.FromDateTime(submitted.Date).AddDays(2);
            DateOnly? resolveBy = decided is not null && c.Status != "rejected" ? new DateOnly(2026, 3, 31) : null;
            var updated = new[] { submitted, decided, resolved, evaluated }.Max()!.Value;
            var assigned = c.Status is "in_progress" or "resolved" or "closed";
            var merged = c.MergedInto is { } into ? $"(select id from complaints where tracking_code = '{TrackingCode(stage, into)}')" : "null";
            sql.Append(
                $"""
                insert into complaints (tracking_code, query_password_hash, category_code, description, township, address, contact_name, contact_phone,
                                        channel, status, section_code, submitted_at, accept_by, updated_at, resolve_by, due_on, assignee_id,
                                        decided_at, resolved_at, merged_into_id, search_vector, answers, latitude, longitude, support_count,
                                        evaluation_solved, evaluation_satisfaction, evaluated_at, closed_at{(rejectionGrounds ? ", rejection_ground" : "")})
                values ('{code}', '{QueryPasswordHash.Create(Password(c.Letter))}', '{c.Category}', '案件 {c.Letter}：城东化工厂附近夜间有刺鼻气味。', '剡湖街道',
                        '城东路 {c.Day} 号', '王女士', '13800138000', '{c.Channel}', '{c.Status}', 'enforcement', {Sql(submitted)}, {Sql(acceptBy)},
                        {Sql(updated)}, {Sql(resolveBy)}, {Sql(resolveBy ?? acceptBy)},
                        {(assigned ? "(select id from staff_users where username = 'zhang.historic')" : "null")},
                        {Sql(decided)}, {Sql(resolved)}, {merged}, to_tsvector('simple', '城东 化工厂 气味 {c.Letter}'),
                        '{Answers}', {(c.Letter == 'A' ? "29.5886, 120.8210" : "null, null")}, {c.Supports},
                        {(evaluated is null ? "null, null" : "'yes', 'satisfied'")}, {Sql(evaluated)}, {Sql(c.Status == "closed" ? evaluated : null)}
                        {(rejectionGrounds ? c.Status == "rejected" ? ", 'outside_remit'" : ", null" : "")});

                """);
            void Event(string type, string visibility, string actor, DateTimeOffset at, string? message = null, string data = "{}", string? dataSql = null) => sql.Append(
                $"""
                insert into complaint_events (complaint_id, type, visibility, actor_kind, actor_id, message, data, occurred_at)
                select id, '{type}', '{visibility}', '{actor}', {(actor == "staff" ? "(select id::text from staff_users where username = 'zhang.historic')" : "null")}, {(message is null ? "null" : $"'{message}'")},
                       {dataSql ?? $"'{data}'"}, {Sql(at)} from complaints where tracking_code = '{code}';

                """);
            Event("submitted", "public", "citizen", submitted);
            Event("routed", "internal", "system", submitted, data: """{"section": "enforcement", "rule": null}""");
            if (c.Status == "rejected")
                Event("rejected", "public", "staff", decided!.Value, "不属于本局职责", """{"referral": "请向住建局反映"}""");
            else if (decided is not null)
                Event("accepted", "public", "staff", decided.Value, data: $$"""{"resolveBy": "{{resolveBy:yyyy-MM-dd}}"}""");
            if (assigned) Event("assigned", "internal", "staff", decided!.Value.AddMinutes(5), 
                dataSql: "(select jsonb_build_object('assigneeId', id, 'assigneeName', display_name) from staff_users where username = 'zhang.historic')");
            if (c.Status == "in_progress") Event("note", "internal", "staff", decided!.Value.AddHours(2), "已电话联系投诉人");
            if (resolved is not null) Event("resolved", "public", "staff", resolved.Value, "已责令企业整改，夜间停产检修。");
            if (evaluated is not null)
            {
                Event("evaluated", "public", "citizen", evaluated.Value, "处理及时", """{"solved": "yes", "satisfaction": "satisfied"}""");
                Event("closed", "public", "system", evaluated.Value, data: """{"reason": "evaluated"}""");
            }
            if (c.MergedInto is { } original)
                Event("merged", "public", "staff", submitted.AddHours(3), data: $$"""{"originalTrackingCode": "{{TrackingCode(stage, original)}}"}""");
            for (var n = 1; n <= c.Supports; n++)
                sql.Append(
                    $"""
                    insert into complaint_supports (complaint_id, device_hash, supported_at)
                    select id, sha256('device {n}'::bytea), {Sql(submitted.AddHours(n))} from complaints where tracking_code = '{code}';

                    """);
        }
        return sql.ToString();
    }

    /// <summary>Every row of the tables that hold cases, in the columns they had before the upgrade, as text.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(ScratchDatabase database, Dictionary<string, string[]> columns)
    {
        await using var connection = database.Owner();
        var snapshot = new Dictionary<string, string>();
        foreach (var (table, names) in columns)
            snapshot[table] = await connection.ExecuteScalarAsync<string>(
                $"select coalesce(json_agg(row order by row::text), '[]')::text from (select to_jsonb(t) as row from (select {string.Join(", ", names)} from {table}) t) rows")
                ?? "";
        return snapshot;
    }

    private static readonly string[] CaseTables = ["complaints", "complaint_events", "complaint_supports", "staff_users"];

    [TestCase("0009_citizen_evidence_and_follow_up.sql", "A")]
    [TestCase("0017_working_hours_on_the_case.sql", "B", Description = "just before the metrics counters (0018)")]
    [TestCase("0021_audit_log_bounded_targets.sql", "C")]
    public async Task A_database_left_at_an_earlier_migration_keeps_every_case_and_figure(string lastApplied, string stage)
    {
        await using var database = await ScratchDatabase.CreateAsync();
        var earlier = MigrationScript.Embedded.Where(script => string.CompareOrdinal(script.Name, lastApplied) <= 0).ToList();
        database.ApplyAsBeforeChecksums(earlier);
        await using (var owner = database.Owner())
            await owner.ExecuteAsync(HistoricData(stage, earlier.Select(script => script.Name).ToList()));

        var columns = new Dictionary<string, string[]>();
        await using (var owner = database.Owner())
        {
            foreach (var table in CaseTables)
                columns[table] = (await owner.QueryAsync<string>(
                    "select column_name from information_schema.columns where table_schema = 'public' and table_name = @table order by ordinal_position",
                    new { table })).ToArray();
            Assert.That(await owner.ExecuteScalarAsync<long>("select coalesce(sum(n), 0)::bigint from complaint_counts"), Is.EqualTo(Cases.Length),
                "the queue counters of that time kept up");
            if (earlier.Any(script => script.Name.StartsWith("0018_", StringComparison.Ordinal)))
                Assert.That(await owner.ExecuteScalarAsync<long>("select count(*) from metrics_changes"), Is.EqualTo(Cases.Length),
                    "the metrics change log of that time kept up");
        }
        var before = await SnapshotAsync(database, columns);

        // This build's migrator applies the rest (as at start-up, before the API's own jobs run).
        await database.Migrator().MigrateAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await database.JournalAsync(), Is.EqualTo(DatabaseMigrator.ScriptNames), "every migration applied");
            Assert.That(await database.ChecksumsAsync(), Has.Count.EqualTo(DatabaseMigrator.ScriptNames.Count), "every checksum recorded");
            var after = await SnapshotAsync(database, columns);
            foreach (var table in CaseTables) Assert.That(after[table], Is.EqualTo(before[table]), $"{table} as it was");
            await using var owner = database.Owner();
            Assert.That(await owner.ExecuteScalarAsync<long>("select coalesce(sum(n), 0)::bigint from complaint_counts"), Is.EqualTo(Cases.Length));
        });

        // Then the API on it, on the day after the last case's news.
        await using var app = StartApp(database);
        await AssertServedAsync(app, stage);
        // Folded into the counters, the figures stay the same.
        await app.Services.GetRequiredService<MetricsFolder>().FoldAllAsync(CancellationToken.None);
        await AssertFiguresAsync(app);
    }

    /// <summary>
    /// A database migrated while 0009 and 0018 had earlier texts: idempotency keys without their
    /// response, metrics tables without the channel (here the five-level shape). Migration 0024
    /// brings them to today's shape and counts every case again.
    /// </summary>
    [Test]
    public async Task Tables_left_by_earlier_texts_of_0009_and_0018_are_repaired()
    {
        await using var database = await ScratchDatabase.CreateAsync();
        database.ApplyAsBeforeChecksums(MigrationScript.Embedded.Where(script => string.CompareOrdinal(script.Name, "0022_public_support_ids.sql") <= 0));
        await using (var owner = database.Owner())
        {
            await owner.ExecuteAsync(HistoricData("D", DatabaseMigrator.ScriptNames.ToList()));
            await owner.ExecuteAsync(
                """
                alter table idempotency_keys drop column response;
                drop table metrics_changes, metrics_facts, metrics_spans;
                create table metrics_changes (
                    id bigint generated always as identity primary key, sign smallint not null check (sign in (-1, 1)),
                    section_code text not null, category_code text not null, township text not null, merged boolean not null,
                    rejected boolean not null, submitted date not null, decided date, resolved date, evaluated date, reviewed date,
                    accept_by date, resolve_by date, solved boolean, satisfaction text, supports int not null,
                    latitude double precision, longitude double precision, decide_hours double precision, resolve_hours double precision);
                create table metrics_facts (
                    level smallint not null check (level between 1 and 5), grain "char" not null check (grain in ('d', 'm')), day date not null,
                    category_code text not null, section_code text not null, township text not null, confidential boolean not null,
                    fact smallint not null, n bigint not null,
                    primary key (level, grain, day, category_code, section_code, township, confidential, fact) include (n));
                create table metrics_spans (
                    kind smallint not null, level smallint not null check (level between 1 and 5), category_code text not null,
                    section_code text not null, township text not null, confidential boolean not null, lo date not null,
                    hi date not null check (hi >= lo + 2), n bigint not null,
                    primary key (kind, level, category_code, section_code, township, confidential, lo, hi) include (n));
                """);
        }

        await database.Migrator().MigrateAsync(CancellationToken.None);
        await using (var owner = database.Owner())
            Assert.That(await owner.ExecuteScalarAsync<long>("select count(*) from metrics_changes where channel is not null"), Is.EqualTo(Cases.Length),
                "every case counted anew");

        await using var app = StartApp(database);
        await AssertFiguresAsync(app);
        await app.Services.GetRequiredService<MetricsFolder>().FoldAllAsync(CancellationToken.None);
        await AssertFiguresAsync(app);
        using var citizen = app.CreateHttpClient();
        citizen.DefaultRequestHeaders.Add("Idempotency-Key", "after-the-repair-0001");
        var complaint = new { categoryCode = "air.odor", description = "迁移修复后的新投诉：夜间异味。" };
        using var submitted = await citizen.PostAsJsonAsync("/api/v1/complaints", complaint);
        var first = await submitted.Content.ReadAsStringAsync();
        Assert.That((int)submitted.StatusCode, Is.EqualTo(201), "a new case is taken: " + first);
        using var again = await citizen.PostAsJsonAsync("/api/v1/complaints", complaint);
        Assert.That((int)again.StatusCode, Is.EqualTo(201), "the same key replays the first answer");
        Assert.That((string?)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["trackingCode"], Is.EqualTo((string?)JsonNode.Parse(first)!["trackingCode"]));
    }

    /// <summary>The API on the database, its clock on the day after the cases' last news (so no resolved case has closed by itself yet).</summary>
    private static FeedbackApp StartApp(ScratchDatabase database)
    {
        var app = new FeedbackApp(database.ConnectionString, new FixedTimeProvider(Today),
            migrationConnectionString: database.MigrationConnectionString);
        app.StartServer();
        return app;
    }

    private static readonly DateTimeOffset Today = new(2026, 3, 13, 4, 0, 0, TimeSpan.Zero); // noon in the bureau's zone

    private static async Task AssertServedAsync(FeedbackApp app, string stage)
    {
        await using var owner = new Npgsql.NpgsqlConnection(app.Services.GetRequiredService<Feedback.Api.Infrastructure.FeedbackOptions>().MigrationConnectionString);
        using var leader = await StaffLogin.ClientAsync("leader", app);
        using var citizen = app.CreateHttpClient("en");
        foreach (var c in Cases)
        {
            var code = TrackingCode(stage, c.Letter);
            var events = (await owner.QueryAsync<(string Type, string Visibility)>(
                "select e.type, e.visibility from complaint_events e join complaints k on k.id = e.complaint_id where k.tracking_code = @code order by e.id",
                new { code })).ToList();

            using var staffResponse = await leader.GetAsync($"/api/v1/staff/complaints/{code}");
            var staffBody = await staffResponse.Content.ReadAsStringAsync();
            Assert.That((int)staffResponse.StatusCode, Is.EqualTo(200), $"staff case {c.Letter}: {staffBody}");
            var staffCase = JsonNode.Parse(staffBody)!;
            Assert.Multiple(() =>
            {
                Assert.That((string?)staffCase["trackingCode"], Is.EqualTo(code));
                Assert.That(staffCase["timeline"]!.AsArray().Select(e => (string?)e!["type"]), Is.EqualTo(events.Select(e => e.Type)), $"staff timeline {c.Letter}");
                Assert.That((int?)staffCase["supportCount"], Is.EqualTo(c.Supports), $"supports {c.Letter}");
            });

            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{code}");
            request.Headers.Add("X-Query-Password", Password(c.Letter));
            using var tracked = await citizen.SendAsync(request);
            var trackedBody = await tracked.Content.ReadAsStringAsync();
            Assert.That((int)tracked.StatusCode, Is.EqualTo(200), $"tracking {c.Letter}: {trackedBody}");
            var page = JsonNode.Parse(trackedBody)!;
            Assert.Multiple(() =>
            {
                Assert.That(((string?)page["status"])?.Replace("_", "").ToLowerInvariant(), Is.EqualTo(c.Status.Replace("_", "")), $"status {c.Letter}");
                Assert.That(page["timeline"]!.AsArray().Select(e => (string?)e!["type"]),
                    Is.EqualTo(events.Where(e => e.Visibility == "public").Select(e => e.Type)), $"citizen timeline {c.Letter}");
            });
        }
        await AssertFiguresAsync(app);
    }

    /// <summary>The summary of March 2026 up to today against counts of the cases put in.</summary>
    private static async Task AssertFiguresAsync(FeedbackApp app)
    {
        using var leader = await StaffLogin.ClientAsync("leader", app);
        using var response = await leader.GetAsync("/api/v1/metrics/summary?from=2026-03-01&to=2026-03-13");
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        var current = JsonNode.Parse(body)!["current"]!;
        var counted = Cases.Where(c => c.MergedInto is null).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((long)current["volume"]!, Is.EqualTo(counted.Count), "volume");
            Assert.That((long)current["merged"]!, Is.EqualTo(Cases.Count(c => c.MergedInto is not null)), "merged");
            Assert.That((long)current["accepted"]!, Is.EqualTo(counted.Count(c => c.DecidedDay is not null && c.Status != "rejected")), "accepted");
            Assert.That((long)current["rejected"]!, Is.EqualTo(counted.Count(c => c.Status == "rejected")), "rejected");
            Assert.That((long)current["awaitingDecision"]!, Is.EqualTo(counted.Count(c => c.DecidedDay is null)), "awaiting a decision");
            Assert.That((long)current["evaluations"]!, Is.EqualTo(counted.Count(c => c.EvaluatedDay is not null)), "evaluations");
            Assert.That((long)current["supports"]!, Is.EqualTo(counted.Sum(c => c.Supports)), "supports");
            Assert.That((long)current["hoursToDecide"]!["count"]!, Is.EqualTo(counted.Count(c => c.DecidedDay is not null)), "decisions measured");
        });
    }
}

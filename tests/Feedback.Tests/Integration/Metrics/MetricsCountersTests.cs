using System.Globalization;
using System.Text.Json.Nodes;
using Feedback.Api.Features.Metrics;
using Feedback.Api.Infrastructure.Database;
using Feedback.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feedback.Tests.Integration.Metrics;

/// <summary>
/// The stored counters (migration 0033) against the change log they are folded from: what a
/// request answers must not depend on what has been folded yet, on changes made while folding, or
/// on whether the counters were kept up change by change or rebuilt from the cases. (The oracle
/// test checks the figures themselves, folded and not.)
/// </summary>
[NonParallelizable]
public sealed class MetricsCountersTests
{
    private static readonly DateTimeOffset First = DateTimeOffset.Parse("2025-10-31T16:00:00Z", CultureInfo.InvariantCulture);

    private static readonly string[] Routes =
    [
        "/api/v1/metrics/summary?from=2026-01-01&to=2026-11-20",
        "/api/v1/metrics/summary?from=2026-03-10&to=2026-05-20&section=enforcement",
        "/api/v1/metrics/breakdown?by=section&from=2026-01-01&to=2026-11-20",
        "/api/v1/metrics/breakdown?by=category&from=2026-02-01&to=2026-10-31",
        "/api/v1/metrics/breakdown?by=township&from=2026-01-01&to=2026-11-20",
        "/api/v1/metrics/breakdown?by=week&from=2026-08-01&to=2026-11-20",
        "/api/v1/metrics/ranking?from=2026-01-01&to=2026-11-20",
    ];

    [SetUp]
    public async Task GenerateAsync()
    {
        await TestEnvironment.ResetDataAsync();
        var (calendar, sections, categories, townships) = await OracleData.ReadReferenceAsync(TestEnvironment.Database.ConnectionString);
        var data = OracleData.Generate(800, 20261127, First, MetricsOracleTests.Now, calendar, sections, categories, townships);
        await data.WriteAsync(TestEnvironment.Database.AdminConnectionString, MetricsOracleTests.Now);
    }

    [TearDown]
    public Task ResetAsync() => TestEnvironment.ResetDataAsync();

    [Test]
    public async Task Figures_are_the_same_before_and_after_folding_and_when_rebuilt_from_the_cases()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(MetricsOracleTests.Now));
        app.StartServer();
        using var leader = await StaffLogin.ClientAsync("leader", app);
        var folder = app.Services.GetRequiredService<MetricsFolder>();

        var unfolded = await AnswersAsync(leader);
        Assert.That(await folder.FoldAllAsync(CancellationToken.None), Is.EqualTo(800));
        Assert.That(await AnswersAsync(leader), Is.EqualTo(unfolded), "after folding");

        // Cases change after the fold, as staff and citizens change them: transfers, decisions,
        // results, evaluations, reviews, supports, a new deadline.
        await ExecuteAsync("""
            update complaints set section_code = 'monitoring' where id % 17 = 0 and category_code not like 'conduct.%';
            update complaints set status = 'accepted', decided_at = submitted_at + interval '5 hours' where status = 'submitted' and id % 3 = 0;
            update complaints set status = 'resolved', resolved_at = decided_at + interval '9 days'
                where resolved_at is null and decided_at is not null and status in ('accepted', 'in_progress') and id % 2 = 0;
            update complaints set evaluated_at = resolved_at + interval '2 days', evaluation_solved = 'partly', evaluation_satisfaction = 'basically_satisfied'
                where evaluated_at is null and resolved_at is not null and id % 5 = 0;
            update complaints set status = 'in_progress', review_requested_at = resolved_at + interval '3 days', resolved_at = null
                where resolved_at is not null and review_requested_at is null and id % 11 = 0;
            update complaints set support_count = support_count + 2 where id % 7 = 0;
            update complaints set resolve_by = resolve_by + 30 where resolve_by is not null and id % 13 = 0;
            """);
        var changed = await AnswersAsync(leader);
        Assert.That(changed, Is.Not.EqualTo(unfolded), "the changes show before they are folded");
        Assert.That(await folder.FoldAllAsync(CancellationToken.None), Is.GreaterThan(0));
        Assert.That(await AnswersAsync(leader), Is.EqualTo(changed), "after folding the changes");

        await ExecuteAsync("select metrics_rebuild()");
        Assert.That(await AnswersAsync(leader), Is.EqualTo(changed), "rebuilt from the cases, not folded");
        await folder.FoldAllAsync(CancellationToken.None);
        Assert.That(await AnswersAsync(leader), Is.EqualTo(changed), "rebuilt from the cases and folded");
    }

    [Test]
    public async Task A_log_too_long_to_add_up_on_each_request_is_answered_being_computed_until_folded()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(MetricsOracleTests.Now));
        app.StartServer();
        using var leader = await StaffLogin.ClientAsync("leader", app);
        var folder = app.Services.GetRequiredService<MetricsFolder>();
        await folder.FoldAllAsync(CancellationToken.None);
        var folded = await AnswersAsync(leader);

        // As after a recount: every case in the log again, here with pairs that cancel out, so the
        // log holds 800 × 15 = 12,000 rows (over MaxUnfolded) and the figures stay the same.
        await ExecuteAsync("""
            select metrics_rebuild();
            insert into metrics_changes (sign, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at,
                                         evaluated_at, review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction,
                                         support_count, latitude, longitude, decide_hours, resolve_hours)
            select s.sign, section_code, category_code, township, channel, status, submitted_at, decided_at, resolved_at, evaluated_at,
                   review_requested_at, accept_by, resolve_by, evaluation_solved, evaluation_satisfaction, support_count, latitude, longitude,
                   decide_hours, resolve_hours
            from metrics_changes cross join (values (1), (-1)) as s (sign) cross join generate_series(1, 7);
            """);
        Assert.That(await ScalarAsync("select count(*) from metrics_changes"), Is.GreaterThan(MetricsCalculator.MaxUnfolded));

        foreach (var route in Routes)
        {
            using var response = await leader.GetAsync(route);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Multiple(() =>
            {
                Assert.That((int)response.StatusCode, Is.EqualTo(503), route);
                Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(30)), route);
                Assert.That((string?)problem["title"], Does.Contain("计算"), route);
            });
        }

        Assert.That(await folder.FoldAllAsync(CancellationToken.None), Is.EqualTo(12_000));
        Assert.That(await AnswersAsync(leader), Is.EqualTo(folded), "the same figures once folded");
    }

    [Test]
    public async Task Changes_written_while_folding_are_neither_lost_nor_counted_twice()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(MetricsOracleTests.Now));
        app.StartServer();
        using var leader = await StaffLogin.ClientAsync("leader", app);
        var folder = app.Services.GetRequiredService<MetricsFolder>();

        // Four writers add supports one case at a time, each in its own transaction, while two
        // folders fold over and over (one of them at a time: the other finds the lock taken).
        using var stop = new CancellationTokenSource();
        var folders = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await folder.FoldAllAsync(CancellationToken.None);
        })).ToList();
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(TestEnvironment.Database.ConnectionString);
            await connection.OpenAsync();
            for (var i = 0; i < 150; i++)
            {
                await using var command = new NpgsqlCommand("update complaints set support_count = support_count + 1 where id = @id", connection);
                command.Parameters.AddWithValue("id", 1 + (writer * 150 + i) * 7 % 800);
                await command.ExecuteNonQueryAsync();
            }
        })).ToList();
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await Task.WhenAll(folders);
        await folder.FoldAllAsync(CancellationToken.None);

        var expected = await ScalarAsync("""
            select coalesce(sum(support_count), 0) from complaints
            where status <> 'merged' and (submitted_at at time zone 'Asia/Shanghai')::date between '2025-11-01' and '2026-11-20'
            """);
        var body = await GetAsync(leader, "/api/v1/metrics/summary?from=2025-11-01&to=2026-11-20");
        Assert.Multiple(async () =>
        {
            Assert.That(expected, Is.GreaterThanOrEqualTo(600), "every support the writers added is in the cases");
            Assert.That((long)body["current"]!["supports"]!, Is.EqualTo(expected));
            Assert.That(await ScalarAsync("select count(*) from metrics_changes"), Is.Zero);
        });
    }

    [Test]
    public async Task The_log_is_folded_in_the_background()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(MetricsOracleTests.Now),
            new Dictionary<string, string> { ["FEEDBACK_METRICS_FOLD_SECONDS"] = "1" });
        app.StartServer();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await ScalarAsync("select count(*) from metrics_changes") > 0 && waited.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(200);
        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync("select count(*) from metrics_changes"), Is.Zero);
            Assert.That(await ScalarAsync(
                "select count(*) from metrics_counts r join metrics_combinations k on k.id = r.combination where k.level = 0 and r.grain = 'm' and r.volume > 0"),
                Is.GreaterThan(0), "the bureau's months counted");
        });
    }

    [Test]
    public async Task A_new_time_zone_counts_every_case_again()
    {
        await using var app = new FeedbackApp(TestEnvironment.Database.ConnectionString, new FixedTimeProvider(MetricsOracleTests.Now),
            migrationConnectionString: TestEnvironment.Database.MigrationConnectionString);
        app.StartServer();
        await app.Services.GetRequiredService<MetricsFolder>().FoldAllAsync(CancellationToken.None);
        await ExecuteAsync("update bureau_settings set time_zone = 'UTC'");

        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await ScalarAsync("select count(*) from bureau_settings where time_zone = 'Asia/Shanghai'"), Is.EqualTo(1));
            Assert.That(await ScalarAsync("select count(*) from metrics_counts"), Is.Zero, "the counters start again");
            Assert.That(await ScalarAsync("select count(*) from metrics_changes"), Is.EqualTo(800), "every case, to be folded");
            Assert.That(await ScalarAsync("select count(*) from metrics_changes m join complaints c using (submitted_at, section_code, category_code)"),
                Is.EqualTo(800), "each case as it is");
        });
    }

    private static async Task<List<string>> AnswersAsync(HttpClient client)
    {
        var answers = new List<string>();
        foreach (var route in Routes) answers.Add($"{route}: {(await GetAsync(client, route)).ToJsonString()}");
        return answers;
    }

    private static async Task<JsonNode> GetAsync(HttpClient client, string route)
    {
        using var response = await client.GetAsync(route);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{route}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}

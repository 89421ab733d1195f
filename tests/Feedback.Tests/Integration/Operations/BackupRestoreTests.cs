using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Feedback.Tests.Support;
using Npgsql;

namespace Feedback.Tests.Integration.Operations;

/// <summary>
/// `make backup` and `make restore` (scripts/backup.sh) on a cluster of their own that archives its
/// WAL as the local database does. Through the API: cases with their timelines and a photo, a base
/// backup, more cases, a second backup that retires the first, more cases, a point in time T, then
/// more cases and a reply to an earlier case. A restore to T in a fresh data folder must hold every
/// case, event and photo committed by T, identical, and nothing after; a restore over the running
/// database to the end of the archive must hold everything — down to the last case, which only the
/// old data folder's unarchived WAL has.
/// </summary>
public sealed class BackupRestoreTests
{
    private PostgresCluster _source = null!;
    private string _backups = null!;
    private string _targetTime = null!;
    private Fingerprint _atTarget = null!, _atEnd = null!;
    private readonly List<(string Code, string Password)> _beforeTarget = [], _afterTarget = [];
    private string[] _backupsLeft = [], _archiveLeft = [];
    private string _secondBackupStartWal = null!;

    [OneTimeSetUp]
    public async Task WriteBackUpAndWriteMoreAsync()
    {
        _source = await PostgresCluster.StartAsync(archiveWal: true);
        _backups = Path.Combine(_source.Folder, "backups");
        await using var app = new FeedbackApp(_source.ConnectionString, migrationConnectionString: _source.MigrationConnectionString);
        app.StartServer();
        using var citizen = app.CreateHttpClient();
        using var clerk = await StaffLogin.ClientAsync("enforcement.staff", app);

        async Task WriteCasesAsync(List<(string, string)> into, int count)
        {
            for (var i = 0; i < count; i++) into.Add(await SubmitHandledCaseAsync(citizen, clerk, withPhoto: i == 0));
        }

        await WriteCasesAsync(_beforeTarget, 3);
        await BackupAsync();
        await WriteCasesAsync(_beforeTarget, 3);
        await BackupAsync(keep: 1);
        _backupsLeft = Directory.GetFileSystemEntries(_backups).Select(Path.GetFileName).Where(name => !name!.StartsWith('.')).ToArray()!;
        _archiveLeft = Directory.GetFiles(_source.WalArchive!).Select(Path.GetFileName).ToArray()!;
        _secondBackupStartWal = File.ReadLines(Path.Combine(_backups, _backupsLeft.Single(), "backup_label"))
            .Single(line => line.StartsWith("START WAL LOCATION:")).Split("(file ")[1].TrimEnd(')');
        // Rolled forward from the archive only: written after the base backup that will be restored.
        await WriteCasesAsync(_beforeTarget, 3);

        _atTarget = await FingerprintAsync(_source.AdminConnectionString);
        _targetTime = await ScalarAsync<string>(_source.AdminConnectionString,
            "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'");

        await WriteCasesAsync(_afterTarget, 2);
        await ActAsync(clerk, _beforeTarget[0].Code, "replies", new { text = "时间点之后的答复，按时间点恢复时不应出现。" });
        // Everything so far into the archive, as archive_timeout would within a minute.
        await using (var admin = new NpgsqlConnection(_source.AdminConnectionString))
        {
            var switched = await admin.ExecuteScalarAsync<string>("select pg_walfile_name(pg_switch_wal())");
            for (var attempt = 0; attempt < 600 && string.CompareOrdinal(
                     await admin.ExecuteScalarAsync<string>("select coalesce(last_archived_wal, '') from pg_stat_archiver"), switched) < 0; attempt++)
                await Task.Delay(100);
        }
        // In the current WAL segment only, which is not archived yet.
        await WriteCasesAsync(_afterTarget, 1);
        _atEnd = await FingerprintAsync(_source.AdminConnectionString);

        Assert.That(_atTarget.Tables["photos"].Rows, Is.EqualTo(3), "the cases before T have photos");
        Assert.That(_atTarget.Tables["complaint_events"].Rows, Is.EqualTo(9 * 4), "each case has four events");
    }

    [OneTimeTearDown]
    public async Task RemoveClusterAsync()
    {
        if (_source is not null) await _source.DisposeAsync();
    }

    [Test]
    public void Backups_beyond_the_number_kept_are_removed_with_the_archived_WAL_only_they_needed()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_backupsLeft, Has.Length.EqualTo(1), "BACKUP_KEEP=1 keeps the newest backup");
            Assert.That(_archiveLeft.Where(name => name.Length == 27 && name.EndsWith(".gz")).Select(name => name[8..24]),
                Has.All.GreaterThanOrEqualTo(_secondBackupStartWal[8..]), "no segment older than the backup kept");
            Assert.That(_archiveLeft, Does.Contain(_secondBackupStartWal + ".gz"), "the segments the backup kept needs stay");
        });
    }

    [Test]
    public async Task Restored_to_a_point_in_time_it_holds_exactly_what_was_committed_by_then()
    {
        var restored = await RestoreAsync(new()
        {
            ["PG_DATA"] = Path.Combine(_source.Folder, "restored-to-time"),
            ["PG_PORT"] = LoopbackPort.Free().ToString(),
            ["TARGET_TIME"] = _targetTime,
            // A drill: its new timeline goes to an archive of its own, not the source's.
            ["RESTORED_WAL_ARCHIVE"] = Path.Combine(_source.Folder, "restored-to-time-wal-archive"),
        });
        try
        {
            Assert.That(restored.Run.Errors, Does.Contain("Restored").And.Contain(_targetTime));
            Assert.That(await FingerprintAsync(restored.AdminConnectionString), Is.EqualTo(_atTarget));

            // As a citizen sees it, through the API on the restored database.
            await using var app = new FeedbackApp(restored.ConnectionString, migrationConnectionString: restored.MigrationConnectionString);
            app.StartServer();
            using var citizen = app.CreateHttpClient();
            foreach (var (code, password) in _beforeTarget)
            {
                using var found = await TrackAsync(citizen, code, password);
                Assert.That(found.StatusCode, Is.EqualTo(HttpStatusCode.OK), code);
            }
            foreach (var (code, password) in _afterTarget)
            {
                using var missing = await TrackAsync(citizen, code, password);
                Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{code} was submitted after T");
            }
        }
        finally
        {
            await ScriptRun.RunAsync("pg-cluster.sh", ["stop", restored.DataDirectory]);
        }
    }

    [Test]
    public async Task Restored_over_the_running_database_it_first_refuses_then_keeps_the_old_folder_and_loses_nothing()
    {
        var settings = new Dictionary<string, string> { ["PG_DATA"] = _source.DataDirectory, ["PG_PORT"] = _source.Port.ToString() };
        var refused = await RunBackupScriptAsync("restore", settings);
        Assert.Multiple(async () =>
        {
            Assert.That(refused.ExitCode, Is.Not.EqualTo(0));
            Assert.That(refused.Errors, Does.Contain("is running").And.Contain("STOP=1"));
            Assert.That(await FingerprintAsync(_source.AdminConnectionString), Is.EqualTo(_atEnd), "the running database is untouched");
        });

        var restored = await RestoreAsync(new(settings) { ["STOP"] = "1" });
        var aside = Directory.GetDirectories(_source.Folder, "pg.before-restore-*").Single();
        Assert.Multiple(async () =>
        {
            Assert.That(await FingerprintAsync(restored.AdminConnectionString), Is.EqualTo(_atEnd));
            Assert.That(File.Exists(Path.Combine(aside, "PG_VERSION")), Is.True, "the old data folder is kept");
            Assert.That(restored.Run.Errors, Does.Contain(aside));
        });
    }

    /// <summary>A complaint with the clerk's acceptance and reply (four events), and a photo when asked.</summary>
    private static async Task<(string Code, string Password)> SubmitHandledCaseAsync(HttpClient citizen, HttpClient clerk, bool withPhoto)
    {
        const string device = "device-token-BACKUPBACKUPBACKUPBACKUP";
        var photoIds = new List<Guid>();
        if (withPhoto)
        {
            var file = new ByteArrayContent(TestImages.Jpeg(64, 48));
            file.Headers.ContentType = MediaTypeHeaderValue.Parse("image/jpeg");
            using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/v1/uploads") { Content = new MultipartFormDataContent { { file, "file", "photo.jpg" } } };
            upload.Headers.Add("X-Device-Token", device);
            using var uploaded = await citizen.SendAsync(upload);
            Assert.That((int)uploaded.StatusCode, Is.EqualTo(201), await uploaded.Content.ReadAsStringAsync());
            photoIds.Add(Guid.Parse((string)(await uploaded.Content.ReadFromJsonAsync<JsonObject>())!["uploadId"]!));
        }
        using var submit = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints")
        {
            Content = JsonContent.Create(new
            {
                categoryCode = "air.odor",
                description = "备份恢复测试：工业园区夜间排放刺鼻气味。",
                township = "剡湖街道",
                contact = new { name = "李先生", phone = "13900139000" },
                photoIds,
            }),
        };
        submit.Headers.Add("X-Device-Token", device);
        using var submitted = await citizen.SendAsync(submit);
        var body = await submitted.Content.ReadAsStringAsync();
        Assert.That((int)submitted.StatusCode, Is.EqualTo(201), body);
        var json = JsonNode.Parse(body)!;
        var code = (string)json["trackingCode"]!;
        await ActAsync(clerk, code, "accept");
        await ActAsync(clerk, code, "replies", new { text = "已安排人员夜间巡查。" });
        return (code, (string)json["queryPassword"]!);
    }

    private static async Task ActAsync(HttpClient clerk, string code, string action, object? body = null)
    {
        using var current = await clerk.GetAsync($"/api/v1/staff/complaints/{code}");
        Assert.That((int)current.StatusCode, Is.EqualTo(200), await current.Content.ReadAsStringAsync());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{code}/{action}") { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        using var response = await clerk.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{action}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<HttpResponseMessage> TrackAsync(HttpClient citizen, string code, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/complaints/{code}");
        request.Headers.Add("X-Query-Password", password);
        return await citizen.SendAsync(request);
    }

    private async Task BackupAsync(int? keep = null)
    {
        var settings = new Dictionary<string, string> { ["PG_DATA"] = _source.DataDirectory, ["PG_PORT"] = _source.Port.ToString() };
        if (keep is not null) settings["BACKUP_KEEP"] = keep.ToString()!;
        var watch = Stopwatch.StartNew();
        var run = (await RunBackupScriptAsync("backup", settings)).EnsureSucceeded("backup.sh backup");
        TestContext.Progress.WriteLine($"backup: {watch.Elapsed.TotalSeconds:0.0} s; {run.Errors.Trim()}");
    }

    private sealed record Restored(ScriptRun Run, string DataDirectory, string ConnectionString, string MigrationConnectionString, string AdminConnectionString);

    /// <summary>Runs the restore; the restored server has the source's roles and passwords, on its own port.</summary>
    private async Task<Restored> RestoreAsync(Dictionary<string, string> settings)
    {
        var watch = Stopwatch.StartNew();
        var run = (await RunBackupScriptAsync("restore", settings)).EnsureSucceeded("backup.sh restore");
        TestContext.Progress.WriteLine($"restore: {watch.Elapsed.TotalSeconds:0.0} s; {run.Errors.Trim()}");
        var port = int.Parse(settings["PG_PORT"]);
        string On(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Port = port }.ConnectionString;
        return new Restored(run, settings["PG_DATA"], On(_source.ConnectionString), On(_source.MigrationConnectionString), On(_source.AdminConnectionString));
    }

    private Task<ScriptRun> RunBackupScriptAsync(string verb, Dictionary<string, string> settings) =>
        ScriptRun.RunAsync("backup.sh", [verb], new Dictionary<string, string>(settings)
        {
            ["WAL_ARCHIVE"] = _source.WalArchive!,
            ["BACKUP_DIR"] = _backups,
        });

    private sealed record TableFingerprint(long Rows, string Md5);

    /// <summary>Row counts and an MD5 over every row's text, per table, in key order.</summary>
    private sealed record Fingerprint(IReadOnlyDictionary<string, TableFingerprint> Tables)
    {
        public bool Equals(Fingerprint? other) => other is not null && Tables.Count == other.Tables.Count
            && Tables.All(table => other.Tables.TryGetValue(table.Key, out var theirs) && theirs == table.Value);

        public override int GetHashCode() => Tables.Count;

        public override string ToString() => string.Join(", ", Tables.Select(table => $"{table.Key}: {table.Value.Rows} rows, md5 {table.Value.Md5}"));
    }

    /// <summary>
    /// Cases, events and photo rows; and the photos' contents where the database holds them
    /// (photo_contents, by each content's MD5).
    /// </summary>
    private static async Task<Fingerprint> FingerprintAsync(string adminConnectionString)
    {
        // Unpooled: a restore over the same port ends the connections of the server it replaces.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(adminConnectionString) { Pooling = false }.ConnectionString);
        var tables = new Dictionary<string, TableFingerprint>();
        foreach (var table in new[] { "complaints", "complaint_events", "photos" })
            tables[table] = await connection.QuerySingleAsync<TableFingerprint>(
                $"select count(*) as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t.id), '')) as md5 from {table} t");
        if (await connection.ExecuteScalarAsync<bool>("select to_regclass('public.photo_contents') is not null"))
            tables["photo_contents"] = await connection.QuerySingleAsync<TableFingerprint>(
                "select count(*) as rows, md5(coalesce(string_agg(photo_id::text || ' ' || md5(content), E'\\n' order by photo_id), '')) as md5 from photo_contents");
        return new Fingerprint(tables);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }
}

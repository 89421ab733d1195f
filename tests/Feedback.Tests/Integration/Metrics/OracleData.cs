using Npgsql;
using NpgsqlTypes;

namespace Feedback.Tests.Integration.Metrics;

public sealed record OracleCategory(string Code, string Group, string DefaultSection, int AcceptDays, int ResolveDays);

/// <summary>
/// A reproducible set of cases with known timestamps, written straight into the tables (COPY), the
/// way they would be after years of handling: decisions early and late, rejections, extensions,
/// evaluations, reviews that reopen a case, transfers, merges and reminders.
/// </summary>
public sealed class OracleData
{
    public required IReadOnlyList<OracleCase> Cases { get; init; }
    public required OracleCalendar Calendar { get; init; }
    public required IReadOnlyList<string> Sections { get; init; }
    public required IReadOnlyList<OracleCategory> Categories { get; init; }
    public required IReadOnlyList<string> Townships { get; init; }
    /// <summary>Reminder events to write: (complaint, deadline kind, due date).</summary>
    public required IReadOnlyList<(long Id, string Deadline, DateOnly Due, DateTimeOffset At)> Reminders { get; init; }
    public IReadOnlyDictionary<long, (string? ExtensionStatus, int? ExtensionDays, DateTimeOffset? ClosedAt)> Extras { get; init; } =
        new Dictionary<long, (string?, int?, DateTimeOffset?)>();

    public static async Task<(OracleCalendar, IReadOnlyList<string>, IReadOnlyList<OracleCategory>, IReadOnlyList<string>)> ReadReferenceAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var holidays = new List<DateOnly>();
        var workdays = new List<DateOnly>();
        await using (var command = new NpgsqlCommand("select day, kind from calendar_days", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                (reader.GetString(1) == "holiday" ? holidays : workdays).Add(reader.GetFieldValue<DateOnly>(0));
        var sections = new List<string>();
        await using (var command = new NpgsqlCommand("select code from sections order by sort_order, code", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) sections.Add(reader.GetString(0));
        var categories = new List<OracleCategory>();
        await using (var command = new NpgsqlCommand(
            "select code, group_code, default_section_code, accept_within_days, resolve_within_days from categories where active order by sort_order, code", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                categories.Add(new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4)));
        var townships = new List<string>();
        await using (var command = new NpgsqlCommand("select name_zh from townships order by sort_order, name_zh", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) townships.Add(reader.GetString(0));
        return (new OracleCalendar(holidays, workdays), sections, categories, townships);
    }

    public static OracleData Generate(int count, int seed, DateTimeOffset first, DateTimeOffset now, OracleCalendar calendar,
        IReadOnlyList<string> sections, IReadOnlyList<OracleCategory> categories, IReadOnlyList<string> townships)
    {
        var random = new Random(seed);
        var cases = new List<OracleCase>();
        var reminders = new List<(long, string, DateOnly, DateTimeOffset)>();
        var extras = new Dictionary<long, (string?, int?, DateTimeOffset?)>();
        var conduct = categories.Where(c => c.Group == "conduct").ToList();
        var environmental = categories.Where(c => c.Group != "conduct").ToList();
        string[] channels = ["web", "web", "web", "web", "web", "web", "phone", "phone", "letter", "visit"];
        var span = (now - first).TotalSeconds - 3600;

        DateTimeOffset After(DateTimeOffset start, double minHours, double maxHours) =>
            start.AddSeconds(Math.Floor((minHours + random.NextDouble() * (maxHours - minHours)) * 3600));
        DateOnly Local(DateTimeOffset instant) => OracleCalculator.LocalDate(instant);
        string Pick(string[] options, int[] weights)
        {
            var roll = random.Next(weights.Sum());
            for (var i = 0; i < options.Length; i++)
                if ((roll -= weights[i]) < 0) return options[i];
            throw new InvalidOperationException();
        }

        for (long id = 1; id <= count; id++)
        {
            var submittedAt = first.AddSeconds(Math.Floor(random.NextDouble() * span));
            var category = random.NextDouble() < 0.08 ? conduct[random.Next(conduct.Count)] : environmental[random.Next(environmental.Count)];
            var section = category.DefaultSection;
            // Transfers: the case now sits in another section than the routed default.
            if (random.NextDouble() < 0.12)
            {
                var others = sections.Where(s => s != section && s != "discipline").ToList();
                section = category.Group == "conduct" ? "enforcement" : others[random.Next(others.Count)];
            }
            var township = random.NextDouble() < 0.85 ? townships[random.Next(townships.Count)] : null;
            var pinned = random.NextDouble() < 0.5;
            var acceptBy = calendar.AddWorkingDays(Local(submittedAt), category.AcceptDays);
            var c = new OracleCase
            {
                Id = id, Category = category.Code, Group = category.Group, Section = section, Township = township,
                Channel = channels[random.Next(channels.Length)], Status = "submitted", SubmittedAt = submittedAt, AcceptBy = acceptBy,
                SupportCount = random.NextDouble() < 0.7 ? 0 : random.Next(1, 7),
                Latitude = pinned ? Math.Round(29.3 + random.NextDouble() * 0.6, 6) : null,
                Longitude = pinned ? Math.Round(120.5 + random.NextDouble() * 0.7, 6) : null,
            };
            string? extensionStatus = null;
            int? extensionDays = null;
            DateTimeOffset? closedAt = null;

            // Duplicates: merged into an earlier case that is not itself merged.
            if (id > 50 && random.NextDouble() < 0.05)
            {
                var target = cases[random.Next(cases.Count)];
                while (target.Status == "merged") target = cases[random.Next(cases.Count)];
                var decided = random.NextDouble() < 0.3 ? After(submittedAt, 0.2, 30) : (DateTimeOffset?)null;
                if (decided >= now) decided = null;
                c = c with
                {
                    Status = "merged", MergedIntoId = target.Id, DecidedAt = decided,
                    ResolveBy = decided is null ? null : calendar.AddWorkingDays(Local(decided.Value), category.ResolveDays),
                };
                cases.Add(c);
                extras[id] = (null, null, null);
                continue;
            }

            var decidedAt = random.NextDouble() < 0.7 ? After(submittedAt, 0.1, 96) : After(submittedAt, 24, 300);
            if (decidedAt >= now || random.NextDouble() < 0.03)
            {
                cases.Add(c);
                extras[id] = (null, null, null);
                AddReminders(c);
                continue;
            }
            if (random.NextDouble() < 0.12)
            {
                c = c with { Status = "rejected", DecidedAt = decidedAt };
                cases.Add(c);
                extras[id] = (null, null, null);
                AddReminders(c);
                continue;
            }
            var resolveBy = calendar.AddWorkingDays(Local(decidedAt), category.ResolveDays);
            var roll = random.NextDouble();
            if (roll < 0.10)
            {
                extensionStatus = "approved";
                extensionDays = random.Next(1, 31);
                resolveBy = calendar.AddWorkingDays(resolveBy, extensionDays.Value);
            }
            else if (roll < 0.13)
            {
                extensionStatus = random.NextDouble() < 0.5 ? "requested" : "refused";
                extensionDays = random.Next(1, 31);
            }
            c = c with { Status = random.NextDouble() < 0.6 ? "in_progress" : "accepted", DecidedAt = decidedAt, ResolveBy = resolveBy };

            var resolvedAt = random.NextDouble() < 0.85 ? After(decidedAt, 2, 24 * 40) : (DateTimeOffset?)null;
            if (resolvedAt is { } r && r < now)
            {
                c = c with { Status = "resolved", ResolvedAt = r };
                if (random.NextDouble() < 0.65 && After(r, 1, 24 * 14) is var evaluatedAt && evaluatedAt < now)
                {
                    c = c with
                    {
                        Status = "closed", EvaluatedAt = evaluatedAt,
                        Solved = Pick(["yes", "partly", "no"], [60, 20, 20]),
                        Satisfaction = Pick(["satisfied", "basically_satisfied", "dissatisfied"], [55, 25, 20]),
                    };
                    closedAt = evaluatedAt;
                }
                else if (Local(r).AddDays(15) < Local(now))
                {
                    c = c with { Status = "closed" };
                    closedAt = r.AddDays(15);
                }
                // A review reopens the case: the first result no longer counts.
                var reviewAt = After(c.EvaluatedAt ?? r, 1, 24 * 14);
                if (random.NextDouble() < 0.12 && reviewAt < now)
                {
                    AddReminders(c);
                    c = c with
                    {
                        Status = "in_progress", ReviewRequestedAt = reviewAt, ResolvedAt = null,
                        ResolveBy = calendar.AddWorkingDays(Local(reviewAt), category.ResolveDays),
                    };
                    closedAt = null;
                    var again = After(reviewAt, 1, 24 * 20);
                    if (random.NextDouble() < 0.5 && again < now)
                    {
                        c = c with { Status = "resolved", ResolvedAt = again };
                        if (Local(again).AddDays(15) < Local(now))
                        {
                            c = c with { Status = "closed" };
                            closedAt = again.AddDays(15);
                        }
                    }
                }
            }
            cases.Add(c);
            extras[id] = (extensionStatus, extensionDays, closedAt);
            AddReminders(c);
        }

        // 督办 reminders for missed deadlines (most, not all, were sent); counted per case.
        void AddReminders(OracleCase c)
        {
            var missedAccept = c.AcceptBy < Local(now) && (c.DecidedAt is null || Local(c.DecidedAt.Value) > c.AcceptBy);
            if (missedAccept && random.NextDouble() < 0.8)
                reminders.Add((c.Id, "accept", c.AcceptBy, OracleCalculator.StartOf(c.AcceptBy.AddDays(1)).AddHours(9)));
            if (c.ResolveBy is { } due && due < Local(now) && (c.ResolvedAt is null || Local(c.ResolvedAt.Value) > due)
                && c.Status != "merged" && random.NextDouble() < 0.8)
                reminders.Add((c.Id, "resolve", due, OracleCalculator.StartOf(due.AddDays(1)).AddHours(9)));
        }

        var distinct = reminders.Distinct().ToList();
        var perCase = distinct.GroupBy(r => r.Item1).ToDictionary(g => g.Key, g => g.Count());
        return new OracleData
        {
            Cases = cases.Select(c => c with { RemindersSent = perCase.GetValueOrDefault(c.Id) }).ToList(),
            Calendar = calendar, Sections = sections, Categories = categories, Townships = townships,
            Reminders = distinct, Extras = extras,
        };
    }

    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    public static string TrackingCode(long id)
    {
        var chars = new char[12];
        for (var i = 11; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(id % Alphabet.Length)];
            id /= Alphabet.Length;
        }
        return new string(chars);
    }

    /// <summary>Writes the cases and their reminders with COPY (as the superuser; the API's triggers still run).</summary>
    public async Task WriteAsync(string adminConnectionString, DateTimeOffset now)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using (var import = await connection.BeginBinaryImportAsync(
            """
            copy complaints (id, tracking_code, query_password_hash, category_code, description, township, latitude, longitude,
                channel, status, section_code, submitted_at, accept_by, updated_at, resolve_by, due_on, decided_at, resolved_at,
                extension_status, extension_days, extension_reason, merged_into_id, support_count, evaluation_solved,
                evaluation_satisfaction, evaluated_at, review_requested_at, closed_at, reminded_for) from stdin (format binary)
            """))
        {
            foreach (var c in Cases)
            {
                var (extensionStatus, extensionDays, closedAt) = Extras.GetValueOrDefault(c.Id);
                var dueOn = c.DecidedAt is null || c.Status == "rejected" ? c.AcceptBy : c.ResolveBy!.Value;
                DateTimeOffset?[] stamps = [c.SubmittedAt, c.DecidedAt, c.ResolvedAt, c.EvaluatedAt, c.ReviewRequestedAt, closedAt];
                await import.StartRowAsync();
                await import.WriteAsync(c.Id, NpgsqlDbType.Bigint);
                await import.WriteAsync(TrackingCode(c.Id), NpgsqlDbType.Text);
                await import.WriteAsync("v1$oracle$not-a-real-hash", NpgsqlDbType.Text);
                await import.WriteAsync(c.Category, NpgsqlDbType.Text);
                await import.WriteAsync($"测试案件 {c.Id}", NpgsqlDbType.Text);
                await WriteNullable(import, c.Township, NpgsqlDbType.Text);
                await WriteNullable(import, c.Latitude, NpgsqlDbType.Double);
                await WriteNullable(import, c.Longitude, NpgsqlDbType.Double);
                await import.WriteAsync(c.Channel, NpgsqlDbType.Text);
                await import.WriteAsync(c.Status, NpgsqlDbType.Text);
                await import.WriteAsync(c.Section, NpgsqlDbType.Text);
                await import.WriteAsync(c.SubmittedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                await import.WriteAsync(c.AcceptBy, NpgsqlDbType.Date);
                await import.WriteAsync(stamps.Max()!.Value.UtcDateTime, NpgsqlDbType.TimestampTz);
                await WriteNullable(import, c.ResolveBy, NpgsqlDbType.Date);
                await import.WriteAsync(dueOn, NpgsqlDbType.Date);
                await WriteNullable(import, c.DecidedAt?.UtcDateTime, NpgsqlDbType.TimestampTz);
                await WriteNullable(import, c.ResolvedAt?.UtcDateTime, NpgsqlDbType.TimestampTz);
                await WriteNullable(import, extensionStatus, NpgsqlDbType.Text);
                await WriteNullable(import, extensionDays, NpgsqlDbType.Integer);
                await WriteNullable(import, extensionStatus is null ? null : "需要现场监测", NpgsqlDbType.Text);
                await WriteNullable(import, c.MergedIntoId, NpgsqlDbType.Bigint);
                await import.WriteAsync(c.SupportCount, NpgsqlDbType.Integer);
                await WriteNullable(import, c.Solved, NpgsqlDbType.Text);
                await WriteNullable(import, c.Satisfaction, NpgsqlDbType.Text);
                await WriteNullable(import, c.EvaluatedAt?.UtcDateTime, NpgsqlDbType.TimestampTz);
                await WriteNullable(import, c.ReviewRequestedAt?.UtcDateTime, NpgsqlDbType.TimestampTz);
                await WriteNullable(import, closedAt?.UtcDateTime, NpgsqlDbType.TimestampTz);
                // Marked as reminded, so the API's 督办 job adds nothing the oracle does not know of.
                await import.WriteAsync(dueOn, NpgsqlDbType.Date);
            }
            await import.CompleteAsync();
        }
        await using (var import = await connection.BeginBinaryImportAsync(
            "copy complaint_events (complaint_id, type, visibility, actor_kind, data, occurred_at) from stdin (format binary)"))
        {
            foreach (var (id, deadline, due, at) in Reminders)
            {
                await import.StartRowAsync();
                await import.WriteAsync(id, NpgsqlDbType.Bigint);
                await import.WriteAsync("reminder", NpgsqlDbType.Text);
                await import.WriteAsync("internal", NpgsqlDbType.Text);
                await import.WriteAsync("system", NpgsqlDbType.Text);
                await import.WriteAsync($$"""{"deadline":"{{deadline}}","due":"{{due:yyyy-MM-dd}}"}""", NpgsqlDbType.Jsonb);
                await import.WriteAsync((at < now ? at : now).UtcDateTime, NpgsqlDbType.TimestampTz);
            }
            await import.CompleteAsync();
        }
        await using var sequence = new NpgsqlCommand(
            "select setval(pg_get_serial_sequence('complaints', 'id'), (select max(id) from complaints))", connection);
        await sequence.ExecuteNonQueryAsync();
    }

    private static Task WriteNullable<T>(NpgsqlBinaryImporter import, T? value, NpgsqlDbType type) where T : class =>
        value is null ? import.WriteNullAsync() : import.WriteAsync(value, type);

    private static Task WriteNullable<T>(NpgsqlBinaryImporter import, T? value, NpgsqlDbType type) where T : struct =>
        value is { } v ? import.WriteAsync(v, type) : import.WriteNullAsync();
}

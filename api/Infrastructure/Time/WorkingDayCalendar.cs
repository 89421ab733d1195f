using System.Collections.Frozen;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Feedback.Api.Infrastructure.Time;

/// <summary>
/// Counts legal deadlines in working days: Monday to Friday, less the public holidays, plus the
/// make-up working weekends (调休) listed in <c>calendar_days</c>. Answers are synchronous, from a
/// copy in memory, so no request waits for the database. Like the category catalogue, the copy is
/// read from the primary, loaded at start-up, reloaded on every instance when an edit commits (the
/// catalogue's change listener) and, as a net, in the background once older than <see cref="MaxAge"/>;
/// the instance that made the edit calls <see cref="ReloadAsync"/> to see it at once.
/// </summary>
public sealed class WorkingDayCalendar
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    public enum DayKind
    {
        /// <summary>A Monday-to-Friday day off.</summary>
        Holiday,
        /// <summary>A Saturday or Sunday that is worked (调休上班).</summary>
        Workday,
    }

    /// <summary>A day that is not what its weekday says.</summary>
    public sealed record SpecialDay(DateOnly Day, DayKind Kind, string NameZh, string NameEn);

    private sealed record Snapshot(FrozenDictionary<DateOnly, SpecialDay> Days, DateTimeOffset LoadedAt);

    private readonly Npgsql.NpgsqlDataSource? _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;
    private Task<Snapshot>? _running; // the read in flight
    private Task<Snapshot>? _queued;  // a read that starts after it, for callers who need newer data

    public WorkingDayCalendar(Npgsql.NpgsqlDataSource database, TimeProvider time, ILogger<WorkingDayCalendar> logger)
    {
        _database = database;
        _time = time;
        _logger = logger;
    }

    private WorkingDayCalendar(IEnumerable<SpecialDay> days)
    {
        _time = TimeProvider.System;
        _logger = NullLogger.Instance;
        _snapshot = CreateSnapshot(days, DateTimeOffset.MaxValue);
    }

    /// <summary>A fixed calendar with no database behind it, for tests.</summary>
    public static WorkingDayCalendar FromDays(IEnumerable<SpecialDay> days) => new(days);

    public Task LoadAsync() => ReloadAsync();

    /// <summary>
    /// Reads <c>calendar_days</c> again. The read starts after this call (it may wait for one
    /// already in flight), so a caller that has just committed an edit sees it when this returns.
    /// </summary>
    public Task ReloadAsync()
    {
        if (_database is null) return Task.CompletedTask;
        lock (_gate)
        {
            if (_running is null) return _running = ReadAsync(_database);
            return _queued ??= ReadAfterAsync(_running, _database);
        }
    }

    public bool IsWorkingDay(DateOnly date) => IsWorkingDay(Current().Days, date);

    /// <summary>
    /// The date <paramref name="workingDays"/> working days after <paramref name="start"/>. The start
    /// day itself never counts (as in 信访条例: "within N days of receipt" starts the next day), so a
    /// complaint filed on a Saturday with 2 days is due on Tuesday.
    /// </summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workingDays);
        var days = Current().Days;
        var date = start;
        for (var counted = 0; counted < workingDays;)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(days, date)) counted++;
        }
        return date;
    }

    /// <summary>
    /// The working days after <paramref name="from"/> up to and including <paramref name="to"/>;
    /// when <paramref name="to"/> is earlier, minus those after <paramref name="to"/> up to and
    /// including <paramref name="from"/>. So <c>WorkingDaysBetween(d, AddWorkingDays(d, n)) == n</c>:
    /// from today to a deadline it is the working days left (0 = due today), and a negative -n means
    /// overdue by n working days. It is 0 when no working day lies between the two (a deadline on
    /// Friday seen on Saturday): whether a date has passed is a date comparison, not this count.
    /// </summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        if (to < from) return -WorkingDaysBetween(to, from);
        var days = Current().Days;
        var count = 0;
        for (var date = from.AddDays(1); date <= to; date = date.AddDays(1))
            if (IsWorkingDay(days, date)) count++;
        return count;
    }

    private static bool IsWorkingDay(FrozenDictionary<DateOnly, SpecialDay> days, DateOnly date) =>
        days.TryGetValue(date, out var special)
            ? special.Kind == DayKind.Workday
            : date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The copy in memory; a stale one is still used while a newer one is read.</summary>
    private Snapshot Current()
    {
        var snapshot = Volatile.Read(ref _snapshot)
            ?? throw new InvalidOperationException("The working-day calendar is used before LoadAsync finished.");
        if (_database is not null && _time.GetUtcNow() - snapshot.LoadedAt >= MaxAge)
        {
            Task<Snapshot> reload;
            lock (_gate) reload = _running ??= ReadAsync(_database);
            _ = reload.ContinueWith(
                failed => _logger.LogWarning("Reloading the working-day calendar failed: {Reason}", failed.Exception?.GetBaseException().Message),
                TaskContinuationOptions.OnlyOnFaulted);
        }
        return snapshot;
    }

    private async Task<Snapshot> ReadAfterAsync(Task previous, Npgsql.NpgsqlDataSource database)
    {
        await Task.Yield(); // let ReloadAsync publish this task before it clears it
        try
        {
            await previous;
        }
        catch
        {
            // Its callers hear of that failure; this read is a new attempt.
        }
        Task<Snapshot> read;
        lock (_gate)
        {
            _queued = null;
            read = _running ??= ReadAsync(database); // one started since then began after our callers too
        }
        return await read;
    }

    private async Task<Snapshot> ReadAsync(Npgsql.NpgsqlDataSource database)
    {
        await Task.Yield(); // let the caller publish this task before it can finish
        try
        {
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
            var rows = await connection.QueryAsync<(DateTime Day, string Kind, string NameZh, string NameEn)>(
                "select day, kind, name_zh, name_en from calendar_days");
            var days = rows.Select(row => new SpecialDay(
                DateOnly.FromDateTime(row.Day),
                row.Kind switch
                {
                    "holiday" => DayKind.Holiday,
                    "workday" => DayKind.Workday,
                    _ => throw new InvalidDataException($"calendar_days: unknown kind '{row.Kind}'."),
                },
                row.NameZh, row.NameEn));
            var snapshot = CreateSnapshot(days, _time.GetUtcNow());
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
        finally
        {
            lock (_gate) _running = null;
        }
    }

    private static Snapshot CreateSnapshot(IEnumerable<SpecialDay> days, DateTimeOffset loadedAt)
    {
        var byDay = days.ToFrozenDictionary(day => day.Day);
        foreach (var day in byDay.Values)
        {
            var weekend = day.Day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            if (weekend != (day.Kind == DayKind.Workday))
                throw new ArgumentException($"{day.Day:yyyy-MM-dd} is a {day.Day.DayOfWeek}: it cannot be a {day.Kind}.", nameof(days));
        }
        return new Snapshot(byDay, loadedAt);
    }
}

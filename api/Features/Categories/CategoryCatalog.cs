using Dapper;
using Feedback.Api.Infrastructure.Database;

namespace Feedback.Api.Features.Categories;

/// <summary>
/// Categories and sections, kept in memory: every submission and lookup needs them, and it changes only when an administrator edits it. Loaded at start-up;
/// when older than 30 seconds it is reloaded in the background while requests keep using the
/// copy they have, so an edit reaches every API instance within about that time and no request
/// ever waits for a second database connection.
/// </summary>
public sealed class CategoryCatalog(ReadDatabase database, TimeProvider time, ILogger<CategoryCatalog> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    public sealed record Category(string Code, string NameZh, string NameEn, string DefaultSectionCode, int AcceptWithinDays, int ResolveWithinDays, bool Active);

    public sealed record Section(string Code, string NameZh, string NameEn);

    private sealed record Snapshot(
        IReadOnlyDictionary<string, Category> Categories,
        IReadOnlyDictionary<string, Section> Sections,
        DateTimeOffset LoadedAt);

    private readonly Lock _gate = new();
    private Snapshot? _snapshot;
    private Task<Snapshot>? _reload;

    /// <summary>A category that may be chosen today, or null when there is no such code.</summary>
    public async ValueTask<Category?> FindActiveCategoryAsync(string code) =>
        (await CurrentAsync()).Categories.GetValueOrDefault(code) is { Active: true } category ? category : null;

    /// <summary>Any category, retired ones included (old cases keep theirs).</summary>
    public async ValueTask<Category> GetCategoryAsync(string code) => (await CurrentAsync()).Categories[code];

    public async ValueTask<Section> GetSectionAsync(string code) => (await CurrentAsync()).Sections[code];

    public Task LoadAsync() => ReloadAsync();

    private async ValueTask<Snapshot> CurrentAsync()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null) return await ReloadAsync();
        if (time.GetUtcNow() - snapshot.LoadedAt >= MaxAge)
            _ = ReloadAsync().ContinueWith(
                failed => logger.LogWarning("Reloading categories failed: {Reason}", failed.Exception?.GetBaseException().Message),
                TaskContinuationOptions.OnlyOnFaulted);
        return snapshot;
    }

    /// <summary>At most one load at a time; concurrent callers share it.</summary>
    private Task<Snapshot> ReloadAsync()
    {
        lock (_gate) return _reload ??= ReadAsync();
    }

    private async Task<Snapshot> ReadAsync()
    {
        await Task.Yield(); // let ReloadAsync publish this task before it can finish
        try
        {
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
            var categories = await connection.QueryAsync<Category>(
                "select code, name_zh, name_en, default_section_code, accept_within_days, resolve_within_days, active from categories");
            var sections = await connection.QueryAsync<Section>("select code, name_zh, name_en from sections");
            var snapshot = new Snapshot(categories.ToDictionary(c => c.Code), sections.ToDictionary(s => s.Code), time.GetUtcNow());
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
        finally
        {
            lock (_gate) _reload = null;
        }
    }
}

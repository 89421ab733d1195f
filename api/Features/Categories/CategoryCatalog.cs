using Dapper;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Categories;

/// <summary>A routing rule as the catalog keeps it; the router (Features/Routing) applies the rules in order.</summary>
/// <param name="Keywords">The rule holds when any one of them appears in the description (case ignored).</param>
public sealed record RoutingRule(
    long Id, int Position, string Name, string? CategoryCode, string? GroupCode, string? Township, string[] Keywords, string SectionCode);

/// <summary>
/// Categories (with their guidance and questions), sections, routing rules and townships, kept in memory: every page, submission and lookup needs them, and
/// they change only when an administrator edits them. Loaded at start-up, from the primary (an
/// edit is read back at once, never from a replica that has not caught up); reloaded when an edit
/// commits on any instance (<see cref="CatalogChangeListener"/>), and, as a net under that, in the
/// background when older than 30 seconds while requests keep using the copy they have, so no
/// request waits for a second database connection. A code this copy does not know triggers one
/// reload first (at most every few seconds, so unknown codes cannot flood the database).
/// </summary>
public sealed class CategoryCatalog(Npgsql.NpgsqlDataSource primary, TimeProvider time, ILogger<CategoryCatalog> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinAgeForReloadOnMiss = TimeSpan.FromSeconds(5);

    /// <summary>The answer to a category code that is unknown or closed for new complaints.</summary>
    public static string UnknownCategory => Lang.Pick("未知的投诉类别", "Unknown category");

    /// <summary>A category with its group; categories come in display order.</summary>
    public sealed record Category(
        string Code, string GroupCode, string GroupNameZh, string GroupNameEn, bool Confidential,
        string NameZh, string NameEn, string DescriptionZh, string DescriptionEn,
        string DefaultSectionCode, int AcceptWithinDays, int ResolveWithinDays, bool Active)
    {
        public string? GuidanceZh { get; init; }
        public string? GuidanceEn { get; init; }
        /// <summary>Flagged to staff from the first minute (drinking-water sources); copied onto each case.</summary>
        public bool Urgent { get; init; }
        public IReadOnlyList<CategoryQuestion> Questions { get; init; } = [];
        public int Version { get; init; } = 1;
    }

    /// <summary>A township (乡镇/街道) a citizen picks from; the Chinese name is what complaints store.</summary>
    public sealed record Township(string NameZh, string NameEn, int SortOrder, bool Active, int Version);

    public sealed record Section(string Code, string NameZh, string NameEn, int SortOrder);

    private sealed record Snapshot(
        IReadOnlyList<Category> Categories,
        IReadOnlyDictionary<string, Category> CategoriesByCode,
        IReadOnlyList<Section> Sections,
        IReadOnlyDictionary<string, Section> SectionsByCode,
        IReadOnlyList<RoutingRule> RoutingRules,
        IReadOnlyList<Township> Townships,
        DateTimeOffset LoadedAt);

    private readonly Lock _gate = new();
    private Snapshot? _snapshot;
    private Task<Snapshot>? _reload;

    public Task LoadAsync() => ReloadAsync();

    /// <summary>After an administrator's edit: waits out a load that may have started before it, then loads again.</summary>
    public async Task ReloadAfterEditAsync()
    {
        Task? running;
        lock (_gate) running = _reload;
        if (running is not null) await running;
        await ReloadAsync();
    }

    /// <summary>The categories a citizen can choose today, in display order.</summary>
    public async ValueTask<IReadOnlyList<Category>> ListActiveAsync() =>
        (await CurrentAsync()).Categories.Where(c => c.Active).ToList();

    /// <summary>Every category, retired ones included.</summary>
    public async ValueTask<IReadOnlyList<Category>> ListAllCategoriesAsync() => (await CurrentAsync()).Categories;

    /// <summary>A category that may be chosen today, or null when there is no such code.</summary>
    public async ValueTask<Category?> FindActiveCategoryAsync(string code) =>
        await FindAsync(code, snapshot => snapshot.CategoriesByCode) is { Active: true } category ? category : null;

    /// <summary>Any category, retired ones included (old cases keep theirs).</summary>
    public async ValueTask<Category> GetCategoryAsync(string code) =>
        await FindAsync(code, snapshot => snapshot.CategoriesByCode) ?? throw new KeyNotFoundException($"No category '{code}'.");

    public async ValueTask<Section> GetSectionAsync(string code) =>
        await FindAsync(code, snapshot => snapshot.SectionsByCode) ?? throw new KeyNotFoundException($"No section '{code}'.");

    public async ValueTask<Section?> FindSectionAsync(string code) => await FindAsync(code, snapshot => snapshot.SectionsByCode);

    /// <summary>Every section, in display order.</summary>
    public async ValueTask<IReadOnlyList<Section>> ListSectionsAsync() => (await CurrentAsync()).Sections;

    /// <summary>A section's name by its code in the reader's language (null for an unknown code), as timeline wordings ask for it.</summary>
    public async ValueTask<Func<string, string?>> SectionNamesAsync()
    {
        var sections = (await CurrentAsync()).SectionsByCode;
        return code => sections.TryGetValue(code, out var section) ? Lang.Pick(section.NameZh, section.NameEn) : null;
    }

    /// <summary>The active routing rules, in the order they are tried.</summary>
    public async ValueTask<IReadOnlyList<RoutingRule>> ListRoutingRulesAsync() => (await CurrentAsync()).RoutingRules;

    /// <summary>Every township, inactive ones included, in display order.</summary>
    public async ValueTask<IReadOnlyList<Township>> ListTownshipsAsync() => (await CurrentAsync()).Townships;

    /// <summary>An active township by its Chinese name (as complaints store it), or null.</summary>
    public async ValueTask<Township?> FindActiveTownshipAsync(string nameZh) =>
        (await CurrentAsync()).Townships.FirstOrDefault(t => t.Active && t.NameZh == nameZh);

    private async ValueTask<T?> FindAsync<T>(string code, Func<Snapshot, IReadOnlyDictionary<string, T>> table) where T : class
    {
        var snapshot = await CurrentAsync();
        if (table(snapshot).TryGetValue(code, out var found)) return found;
        if (time.GetUtcNow() - snapshot.LoadedAt < MinAgeForReloadOnMiss) return null;
        return table(await ReloadAsync()).GetValueOrDefault(code);
    }

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
            await using var connection = await primary.OpenConnectionAsync(CancellationToken.None);
            var categories = (await connection.QueryAsync<CategoryRow>(
                """
                select c.code, g.code as group_code, g.name_zh as group_name_zh, g.name_en as group_name_en, g.confidential,
                       c.name_zh, c.name_en, c.description_zh, c.description_en,
                       c.default_section_code, c.accept_within_days, c.resolve_within_days, c.active,
                       c.guidance_zh, c.guidance_en, c.urgent, c.questions::text as questions, c.version
                from categories c
                join category_groups g on g.code = c.group_code
                order by g.sort_order, c.sort_order, c.code
                """)).Select(r => r.ToCategory()).ToList();
            var sections = (await connection.QueryAsync<Section>("select code, name_zh, name_en, sort_order from sections order by sort_order, code")).AsList();
            var rules = (await connection.QueryAsync<RuleRow>(
                """
                select id, position, name, category_code, group_code, township, keywords, section_code
                from routing_rules where active order by position, id
                """)).Select(r => r.ToRule()).ToList();
            var townships = (await connection.QueryAsync<Township>(
                "select name_zh, name_en, sort_order, active, version from townships order by sort_order, name_zh")).AsList();
            var snapshot = new Snapshot(categories, categories.ToDictionary(c => c.Code), sections, sections.ToDictionary(s => s.Code),
                rules, townships, time.GetUtcNow());
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
        finally
        {
            lock (_gate) _reload = null;
        }
    }

    private sealed record CategoryRow(
        string Code, string GroupCode, string GroupNameZh, string GroupNameEn, bool Confidential,
        string NameZh, string NameEn, string DescriptionZh, string DescriptionEn,
        string DefaultSectionCode, int AcceptWithinDays, int ResolveWithinDays, bool Active,
        string? GuidanceZh, string? GuidanceEn, bool Urgent, string Questions, int Version)
    {
        public Category ToCategory() => new(Code, GroupCode, GroupNameZh, GroupNameEn, Confidential, NameZh, NameEn, DescriptionZh, DescriptionEn,
            DefaultSectionCode, AcceptWithinDays, ResolveWithinDays, Active)
        {
            GuidanceZh = GuidanceZh, GuidanceEn = GuidanceEn, Urgent = Urgent, Questions = CategoryQuestions.Parse(Questions), Version = Version,
        };
    }

    /// <summary>Dapper fills text[] columns through properties, not constructor parameters.</summary>
    private sealed class RuleRow
    {
        public long Id { get; init; }
        public int Position { get; init; }
        public string Name { get; init; } = "";
        public string? CategoryCode { get; init; }
        public string? GroupCode { get; init; }
        public string? Township { get; init; }
        public string[] Keywords { get; init; } = [];
        public string SectionCode { get; init; } = "";

        public RoutingRule ToRule() => new(Id, Position, Name, CategoryCode, GroupCode, Township, Keywords, SectionCode);
    }
}

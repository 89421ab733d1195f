using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Routing;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Time;
using Npgsql;

namespace Feedback.Api.Features.Users;

/// <summary>
/// Accounts made outside the API: the first administrator of a fresh database (the "admin" verb)
/// and the demo accounts (FEEDBACK_DEMO=1). Both insert only what is missing, so they are safe to repeat.
/// </summary>
public sealed class StaffAccounts(NpgsqlDataSource dataSource, CategoryCatalog catalog, BureauClock clock, ILogger<StaffAccounts> logger)
{
    private sealed record Account(string Username, string DisplayName, StaffRole Role, string? SectionCode);

    /// <summary>
    /// admin, leader, and for every section a head named by its code ("discipline" has the
    /// discipline role) and a clerk named "&lt;code&gt;.staff", all with one password.
    /// </summary>
    public async Task SeedDemoAsync(string password, CancellationToken cancellationToken)
    {
        List<Account> accounts = [new("admin", "系统管理员", StaffRole.Admin, null), new("leader", "局领导", StaffRole.Leader, null)];
        foreach (var section in await catalog.ListSectionsAsync())
        {
            var headRole = section.Code == Router.DisciplineSection ? StaffRole.Discipline : StaffRole.SectionHead;
            accounts.Add(new(section.Code, $"{section.NameZh}负责人", headRole, section.Code));
            accounts.Add(new($"{section.Code}.staff", $"{section.NameZh}工作人员", StaffRole.Staff, section.Code));
        }
        var created = await InsertMissingAsync(accounts, password, cancellationToken);
        logger.LogWarning("Demo mode: {Count} staff accounts ({Created} new), password from FEEDBACK_DEMO_PASSWORD. Never use demo mode in production.",
            accounts.Count, created);
    }

    /// <returns>False when the username is taken.</returns>
    public async Task<bool> CreateAdministratorAsync(string username, string password, CancellationToken cancellationToken) =>
        await InsertMissingAsync([new(username, "系统管理员", StaffRole.Admin, null)], password, cancellationToken) == 1;

    private async Task<int> InsertMissingAsync(IReadOnlyList<Account> accounts, string password, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var existing = (await connection.QueryAsync<string>(new CommandDefinition(
            "select username from staff_users where username = any(@usernames)",
            new { usernames = accounts.Select(a => a.Username).ToArray() }, cancellationToken: cancellationToken))).ToHashSet();
        var missing = accounts.Where(a => !existing.Contains(a.Username)).ToList();
        // Each hash costs 210,000 PBKDF2 rounds: spread them over the cores.
        var hashes = new string[missing.Count];
        Parallel.For(0, missing.Count, i => hashes[i] = PasswordHasher.Hash(password));

        var created = 0;
        var now = clock.UtcNow;
        for (var i = 0; i < missing.Count; i++)
            created += await connection.ExecuteAsync(new CommandDefinition(
                """
                insert into staff_users (username, display_name, role, section_code, password_hash, created_at, updated_at)
                values (@Username, @DisplayName, @role, @SectionCode, @hash, @now, @now)
                on conflict (username) do nothing
                """,
                new { missing[i].Username, missing[i].DisplayName, role = missing[i].Role.ToCode(), missing[i].SectionCode, hash = hashes[i], now },
                cancellationToken: cancellationToken));
        return created;
    }
}

using Dapper;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Mediator;

namespace Feedback.Api.Features.Users;

/// <summary>Every staff account, by section then name, for the administrator.</summary>
public static class ListUsers
{
    public sealed record Query : IQuery<IReadOnlyList<User>>;

    /// <param name="LockedUntil">Set while five wrong passwords in a row keep some address locked out of the account (the latest such lock).</param>
    public sealed record User(
        long Id, string Username, string DisplayName, StaffRole Role, string? SectionCode, bool Active,
        DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt);

    private sealed record Row(long Id, string Username, string DisplayName, string Role, string? SectionCode, bool Active,
        DateTime? LockedUntil, DateTime CreatedAt);

    public sealed class Handler(ReadDatabase database, TimeProvider time) : IQueryHandler<Query, IReadOnlyList<User>>
    {
        public async ValueTask<IReadOnlyList<User>> Handle(Query query, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<Row>(new CommandDefinition(
                """
                select u.id, u.username, u.display_name, u.role, u.section_code, u.active, t.locked_until, u.created_at
                from staff_users u left join sections s on s.code = u.section_code
                left join lateral (select max(locked_until) as locked_until from password_guesses g
                                   where g.kind = 'username' and g.subject = u.username) t on true
                order by s.sort_order nulls first, u.username
                """, cancellationToken: cancellationToken));
            var now = time.GetUtcNow();
            return rows.Select(r => new User(r.Id, r.Username, r.DisplayName, StaffRoles.Parse(r.Role), r.SectionCode, r.Active,
                r.LockedUntil is { } locked && new DateTimeOffset(locked, TimeSpan.Zero) > now ? new DateTimeOffset(locked, TimeSpan.Zero) : null,
                new DateTimeOffset(r.CreatedAt, TimeSpan.Zero))).ToList();
        }
    }
}

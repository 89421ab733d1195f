using Dapper;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Mediator;

namespace Feedback.Api.Features.StaffComplaints;

/// <summary>The active members of the caller's section: whom a section head can assign a case to.</summary>
public static class ListColleagues
{
    public sealed record Query : IQuery<IReadOnlyList<Colleague>>;

    public sealed record Colleague(long Id, string Username, string DisplayName, StaffRole Role);

    private sealed record Row(long Id, string Username, string DisplayName, string Role);

    public sealed class Handler(ReadDatabase database, CurrentStaff staff) : IQueryHandler<Query, IReadOnlyList<Colleague>>
    {
        public async ValueTask<IReadOnlyList<Colleague>> Handle(Query query, CancellationToken cancellationToken)
        {
            if (staff.SectionCode is null) return [];
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<Row>(new CommandDefinition(
                """
                select id, username, display_name, role from staff_users
                where section_code = @section and active and role in ('staff', 'section_head', 'discipline')
                order by display_name, username
                """, new { section = staff.SectionCode }, cancellationToken: cancellationToken));
            return rows.Select(r => new Colleague(r.Id, r.Username, r.DisplayName, StaffRoles.Parse(r.Role))).ToList();
        }
    }
}

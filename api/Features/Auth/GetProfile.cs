using Dapper;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Mediator;

namespace Feedback.Api.Features.Auth;

/// <summary>Who is signed in: what the console shows in its header and which menus it offers.</summary>
public static class GetProfile
{
    public sealed record Query : IQuery<Result>;

    public sealed record Result(long Id, string Username, string DisplayName, StaffRole Role, string? SectionCode, string? SectionName);

    public sealed class Handler(ReadDatabase database, CurrentStaff staff, CategoryCatalog catalog) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var displayName = await connection.QuerySingleAsync<string>(new CommandDefinition(
                "select display_name from staff_users where id = @id", new { id = staff.Id }, cancellationToken: cancellationToken));
            var section = staff.SectionCode is { } code ? await catalog.GetSectionAsync(code) : null;
            return new Result(staff.Id, staff.Username, displayName, staff.Role, staff.SectionCode,
                section is null ? null : Lang.Pick(section.NameZh, section.NameEn));
        }
    }
}

using System.Text.Json.Serialization;
using Feedback.Api.Features.Auth;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Users;

/// <summary>
/// An administrator changes an account's name, role, section or whether it may sign in. A change
/// of role, section or status ends the user's sessions, so no token carries stale rights.
/// Administrators cannot demote or disable themselves (someone must be left to manage accounts).
/// </summary>
public static class UpdateUser
{
    public sealed record Command(long Id, string DisplayName, StaffRole Role, string? SectionCode, bool Active) : ICommand<ListUsers.User>;

    /// <summary>The body of PUT /admin/users/{id}.</summary>
    /// <remarks>Role and Active must be sent: left out, they would read as "staff" and "disabled".</remarks>
    public sealed record Request(
        string DisplayName, [property: JsonRequired] StaffRole Role, string? SectionCode, [property: JsonRequired] bool Active);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(CategoryCatalog catalog)
        {
            RuleFor(c => c.DisplayName).DisplayName();
            RuleFor(c => c.Role).IsInEnum();
            RuleFor(c => c.SectionCode).KnownSection(catalog)
                .Must((c, section) => StaffAccountRules.SectionFits(c.Role, section)).WithMessage(_ => StaffAccountRules.SectionMessage);
        }
    }

    private sealed record Row(string Username, string DisplayName, string Role, string? SectionCode, bool Active, DateTime CreatedAt);

    public sealed class Handler(WriteTransaction database, StaffSessions sessions, AuditLog audit, CurrentStaff admin, BureauClock clock)
        : ICommandHandler<Command, ListUsers.User>
    {
        public async ValueTask<ListUsers.User> Handle(Command command, CancellationToken cancellationToken)
        {
            var before = await database.QuerySingleOrDefaultAsync<Row>(
                "select username, display_name, role, section_code, active, created_at from staff_users where id = @Id for update", command, cancellationToken)
                ?? throw new ProblemException(StatusCodes.Status404NotFound, Lang.Pick("没有这个用户", "No such user"));
            if (command.Id == admin.Id && (command.Role != StaffRole.Admin || !command.Active))
                throw new ProblemException(StatusCodes.Status409Conflict,
                    Lang.Pick("不能停用自己或取消自己的管理员角色", "You cannot disable yourself or give up your own administrator role"));

            await database.ExecuteAsync(
                """
                update staff_users set display_name = @displayName, role = @role, section_code = @SectionCode, active = @Active,
                       updated_at = @now, version = version + 1
                where id = @Id
                """,
                new { command.Id, displayName = command.DisplayName.Trim(), role = command.Role.ToCode(), command.SectionCode, command.Active, now = clock.UtcNow },
                cancellationToken);

            var rightsChanged = before.Role != command.Role.ToCode() || before.SectionCode != command.SectionCode || before.Active != command.Active;
            if (rightsChanged) await sessions.RevokeAllAsync(command.Id, "account_changed", cancellationToken);
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry("user.update", "staff_user", before.Username,
                Before: new { before.DisplayName, Role = before.Role, before.SectionCode, before.Active },
                After: new { DisplayName = command.DisplayName.Trim(), Role = command.Role.ToCode(), command.SectionCode, command.Active }), cancellationToken);

            return new ListUsers.User(command.Id, before.Username, command.DisplayName.Trim(), command.Role, command.SectionCode, command.Active,
                null, new DateTimeOffset(before.CreatedAt, TimeSpan.Zero));
        }
    }
}

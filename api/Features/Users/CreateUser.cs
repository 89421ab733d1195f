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

/// <summary>An administrator opens an account with a first password, which they hand over in person.</summary>
public static class CreateUser
{
    /// <param name="Username">Lower-case letters, digits and . _ -; starts with a letter; 2–32 characters.</param>
    /// <param name="SectionCode">Required for staff and section_head; "discipline" for discipline; empty for leader and admin.</param>
    public sealed record Command(string Username, string DisplayName, StaffRole Role, string? SectionCode, string Password)
        : ICommand<ListUsers.User>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(CategoryCatalog catalog)
        {
            RuleFor(c => c.Username).NotEmpty().Matches(StaffAccountRules.UsernamePattern)
                .WithMessage(_ => Lang.Pick("用户名须以小写字母开头，由 2–32 个小写字母、数字或 . _ - 组成",
                    "A username starts with a lower-case letter and has 2–32 lower-case letters, digits, '.', '_' or '-'"));
            RuleFor(c => c.DisplayName).DisplayName();
            RuleFor(c => c.Role).IsInEnum();
            RuleFor(c => c.SectionCode).KnownSection(catalog)
                .Must((c, section) => StaffAccountRules.SectionFits(c.Role, section)).WithMessage(_ => StaffAccountRules.SectionMessage);
            RuleFor(c => c.Password).NewPassword();
        }
    }

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff admin, BureauClock clock)
        : ICommandHandler<Command, ListUsers.User>
    {
        public async ValueTask<ListUsers.User> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = clock.UtcNow;
            var id = await database.QuerySingleOrDefaultAsync<long?>(
                """
                insert into staff_users (username, display_name, role, section_code, password_hash, created_at, updated_at)
                values (@username, @displayName, @role, @sectionCode, @passwordHash, @now, @now)
                on conflict (username) do nothing
                returning id
                """,
                new
                {
                    command.Username,
                    displayName = command.DisplayName.Trim(),
                    role = command.Role.ToCode(),
                    command.SectionCode,
                    passwordHash = PasswordHasher.Hash(command.Password),
                    now,
                }, cancellationToken)
                ?? throw new ProblemException(StatusCodes.Status409Conflict, Lang.Pick("用户名已存在", "That username is taken"));

            var user = new ListUsers.User(id, command.Username, command.DisplayName.Trim(), command.Role, command.SectionCode, true, null, now);
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry("user.create", "staff_user", command.Username,
                After: new { Role = command.Role.ToCode(), user.SectionCode, user.Active }), cancellationToken);
            return user;
        }
    }
}

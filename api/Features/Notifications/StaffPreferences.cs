using Dapper;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Notifications;

/// <summary>
/// A member of staff's own notification settings: the address their email goes to (none: no
/// email), the hour of their daily digest, and per kind that concerns their role whether they are
/// told. A choice equal to the kind's default is not stored, so a changed default reaches them.
/// </summary>
public static class StaffPreferences
{
    /// <param name="Kind">The kind's code, e.g. new_case.</param>
    /// <param name="Name">The kind in the reader's language.</param>
    /// <param name="Digest">Sent in the daily digest (urgent categories at once).</param>
    public sealed record KindSetting(string Kind, string Name, bool Enabled, bool OnByDefault, bool Digest);

    /// <param name="Email">Where staff email goes; null, none is sent.</param>
    /// <param name="DigestHour">The hour (0–23, the bureau's time) at which the digest leaves.</param>
    public sealed record Settings(string? Email, int DigestHour, IReadOnlyList<KindSetting> Kinds);

    public sealed record Query : IQuery<Settings>;

    public sealed record Choice(string Kind, bool Enabled);

    /// <param name="Kinds">Choices for kinds of one's role; kinds not listed keep their setting.</param>
    public sealed record Command(string? Email, int DigestHour, IReadOnlyList<Choice>? Kinds) : ICommand<Settings>;

    private static IReadOnlyList<NotificationKind> KindsFor(StaffRole role) =>
        StaffNotices.All.Where(kind => kind.Staff!.Roles.Contains(role)).ToList();

    private const string ChosenSql = "select kind, enabled from staff_notification_preferences where user_id = @id";

    private static Settings Build(StaffRole role, string? email, int digestHour, IEnumerable<(string Kind, bool Enabled)> choices)
    {
        var chosen = choices.ToDictionary(p => p.Kind, p => p.Enabled);
        return new Settings(email, digestHour, KindsFor(role).Select(kind =>
        {
            var byDefault = kind.Staff!.OnByDefault.Contains(role);
            return new KindSetting(kind.Code, Lang.Pick(kind.Name.Zh, kind.Name.En), chosen.GetValueOrDefault(kind.Code, byDefault), byDefault, kind.Staff.Digest);
        }).ToList());
    }

    public sealed class Handler(ReadDatabase database, CurrentStaff staff) : IQueryHandler<Query, Settings>
    {
        public async ValueTask<Settings> Handle(Query query, CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var account = await connection.QuerySingleAsync<(string? Email, short DigestHour)>(new CommandDefinition(
                "select email, digest_hour from staff_users where id = @id", new { id = staff.Id }, cancellationToken: cancellationToken));
            var chosen = await connection.QueryAsync<(string Kind, bool Enabled)>(new CommandDefinition(
                ChosenSql, new { id = staff.Id }, cancellationToken: cancellationToken));
            return Build(staff.Role, account.Email, account.DigestHour, chosen);
        }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email)
                .Must(email => email is null || InputRules.IsEmailAddress(email))
                .WithMessage(_ => Lang.Pick("请填写正确的电子邮箱", "Enter a valid email address"));
            RuleFor(c => c.DigestHour).InclusiveBetween(0, 23)
                .WithMessage(_ => Lang.Pick("汇总时间应为 0–23 点", "The digest hour is from 0 to 23"));
        }
    }

    public sealed class UpdateHandler(WriteTransaction database, CurrentStaff staff, AuditLog audit, BureauClock clock, Infrastructure.FeedbackOptions options)
        : ICommandHandler<Command, Settings>
    {
        public async ValueTask<Settings> Handle(Command command, CancellationToken cancellationToken)
        {
            if (command.Kinds?.Any(choice => KindsFor(staff.Role).All(kind => kind.Code != choice.Kind)) == true)
                throw new ValidationException([new FluentValidation.Results.ValidationFailure(nameof(Command.Kinds),
                    Lang.Pick("没有这种通知，或它与您的角色无关", "No such notification for your role"))]);
            var email = string.IsNullOrWhiteSpace(command.Email) ? null : command.Email.Trim();
            await database.ExecuteAsync("update staff_users set email = @email, digest_hour = @hour where id = @id",
                new { email, hour = (short)command.DigestHour, id = staff.Id }, cancellationToken);
            foreach (var choice in command.Kinds ?? [])
            {
                var byDefault = NotificationKinds.Find(choice.Kind)!.Staff!.OnByDefault.Contains(staff.Role);
                await database.ExecuteAsync(choice.Enabled == byDefault
                    ? "delete from staff_notification_preferences where user_id = @id and kind = @kind"
                    : """
                      insert into staff_notification_preferences (user_id, kind, enabled) values (@id, @kind, @enabled)
                      on conflict (user_id, kind) do update set enabled = excluded.enabled
                      """, new { id = staff.Id, kind = choice.Kind, enabled = choice.Enabled }, cancellationToken);
                if (!choice.Enabled)
                    await database.ExecuteAsync(
                        "update notifications set state = 'cancelled', last_error = 'switched off' where staff_user_id = @id and kind = @kind and state = 'pending'",
                        new { id = staff.Id, kind = choice.Kind }, cancellationToken);
            }
            // What waits for the digest leaves at the new hour.
            await database.ExecuteAsync(
                $"""
                 update notifications set next_attempt_at = {NotificationOutbox.NextDigestSql("@hour")}, recipient = coalesce(@email, recipient)
                 where staff_user_id = @id and digest and state = 'pending'
                 """,
                new { id = staff.Id, hour = command.DigestHour, email, now = clock.UtcNow, timeZone = options.TimeZone.Id }, cancellationToken);
            await audit.RecordAsync(AuditActor.Of(staff), new AuditEntry("user.notification_settings", "user", staff.Username,
                After: new { hasEmail = email is not null, command.DigestHour, kinds = command.Kinds }), cancellationToken);
            return Build(staff.Role, email, command.DigestHour,
                await database.QueryAsync<(string Kind, bool Enabled)>(ChosenSql, new { id = staff.Id }, cancellationToken));
        }
    }
}

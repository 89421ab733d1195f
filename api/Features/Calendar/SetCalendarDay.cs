using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Calendar;

/// <summary>
/// An administrator marks a weekday as a holiday or a weekend day as a make-up working day, or
/// removes the mark (Kind null). Deadlines already set keep their dates; new ones use the edit.
/// </summary>
public static class SetCalendarDay
{
    /// <param name="Kind">holiday (only Monday–Friday) or workday (only Saturday/Sunday).</param>
    public sealed record Request(string Kind, string NameZh, string NameEn);

    public sealed record Command(DateOnly Date, string? Kind, string? NameZh, string? NameEn) : ICommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Kind).Must(kind => kind is "holiday" or "workday")
                .WithMessage(_ => Lang.Pick("类型须为 holiday（放假）或 workday（调休上班）", "kind is holiday or workday"))
                .When(c => c.Kind is not null);
            RuleFor(c => c.Kind).Must((c, kind) => kind != "holiday" || c.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                .WithMessage(_ => Lang.Pick("周末本来就不上班，无需设为假日", "A weekend day is already a day off"))
                .Must((c, kind) => kind != "workday" || c.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                .WithMessage(_ => Lang.Pick("只有周末可以设为调休上班日", "Only a Saturday or Sunday can be a make-up working day"));
            RuleFor(c => c.NameZh).RequiredText(50).When(c => c.Kind is not null);
            RuleFor(c => c.NameEn).RequiredText(80).When(c => c.Kind is not null);
            RuleFor(c => c.Date.Year).InclusiveBetween(2000, 2100).OverridePropertyName("Date");
        }
    }

    private sealed record Row(string Kind, string NameZh, string NameEn);

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff admin) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var before = await database.QuerySingleOrDefaultAsync<Row>(
                "select kind, name_zh, name_en from calendar_days where day = @Date for update", command, cancellationToken);
            if (command.Kind is null)
            {
                if (before is null) throw new ProblemException(StatusCodes.Status404NotFound, Lang.Pick("这一天没有特殊安排", "That day has no entry"));
                await database.ExecuteAsync("delete from calendar_days where day = @Date", command, cancellationToken);
            }
            else
                await database.ExecuteAsync(
                    """
                    insert into calendar_days (day, kind, name_zh, name_en) values (@Date, @Kind, @nameZh, @nameEn)
                    on conflict (day) do update set kind = excluded.kind, name_zh = excluded.name_zh, name_en = excluded.name_en
                    """,
                    new { command.Date, command.Kind, nameZh = ComplaintText.Clean(command.NameZh), nameEn = ComplaintText.Clean(command.NameEn) },
                    cancellationToken);
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry(command.Kind is null ? "calendar.remove" : "calendar.set", "calendar_day",
                command.Date.ToString("O", System.Globalization.CultureInfo.InvariantCulture), Before: before,
                After: command.Kind is null ? null : new Row(command.Kind, command.NameZh!, command.NameEn!)), cancellationToken);
            return Unit.Value;
        }
    }
}

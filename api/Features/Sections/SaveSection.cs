using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Sections;

/// <summary>
/// An administrator adds a section or renames one. Sections are never deleted: cases, accounts
/// and rules refer to them. The code is fixed once created (it names the demo accounts and rules).
/// </summary>
public static class SaveSection
{
    /// <param name="SortOrder">Where it appears in lists (smaller first); left out, a new section goes last and a renamed one stays where it is.</param>
    public sealed record Request(string NameZh, string NameEn, int? SortOrder = null);

    /// <param name="Code">Lower-case letters and underscores, 2–32 characters.</param>
    public sealed record Command(string Code, string NameZh, string NameEn, int? SortOrder, bool Create) : ICommand<ListSections.Section>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Code).Matches("^[a-z][a-z_]{1,31}$")
                .WithMessage(_ => Lang.Pick("科室代码须为 2–32 个小写字母或下划线", "A section code has 2–32 lower-case letters or underscores"));
            RuleFor(c => c.NameZh).RequiredText(50);
            RuleFor(c => c.NameEn).RequiredText(80);
        }
    }

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff admin) : ICommandHandler<Command, ListSections.Section>
    {
        public async ValueTask<ListSections.Section> Handle(Command command, CancellationToken cancellationToken)
        {
            var values = new { command.Code, nameZh = ComplaintText.Clean(command.NameZh), nameEn = ComplaintText.Clean(command.NameEn), command.SortOrder };
            // Left out: a new section goes last, a renamed one stays where it is.
            var before = await database.QuerySingleOrDefaultAsync<ListSections.Section>(
                "select code, name_zh as name, name_zh, name_en, sort_order from sections where code = @Code for update", values, cancellationToken);
            if (command.Create && before is not null)
                throw new ProblemException(StatusCodes.Status409Conflict, Lang.Pick("科室代码已存在", "That section code is taken"));
            if (!command.Create && before is null)
                throw new ProblemException(StatusCodes.Status404NotFound, Lang.Pick("没有这个科室", "No such section"));

            await database.ExecuteAsync(command.Create
                ? """
                  insert into sections (code, name_zh, name_en, sort_order)
                  select @Code, @nameZh, @nameEn, coalesce(@SortOrder, (select coalesce(max(sort_order), 0) + 10 from sections))
                  """
                : "update sections set name_zh = @nameZh, name_en = @nameEn, sort_order = coalesce(@SortOrder, sort_order) where code = @Code",
                values, cancellationToken);
            var sortOrder = await database.QuerySingleAsync<int>("select sort_order from sections where code = @Code", values, cancellationToken);
            var after = new ListSections.Section(command.Code, Lang.Pick(values.nameZh!, values.nameEn!), values.nameZh!, values.nameEn!, sortOrder);
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry(command.Create ? "section.create" : "section.update", "section", command.Code,
                Before: before, After: after), cancellationToken);
            return after;
        }
    }
}

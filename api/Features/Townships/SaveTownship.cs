using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Townships;

/// <summary>
/// An administrator adds a township, renames one (either name), moves it in the list or
/// deactivates it. Townships are never deleted: complaints keep the name they were filed with,
/// and a renamed township's old cases keep the old name, as routing rules naming it do.
/// </summary>
public static class SaveTownship
{
    /// <param name="NameZh">The official Chinese name, which complaints store; a change renames the township.</param>
    /// <param name="SortOrder">Smaller first; left out, a new township goes last and an edited one stays where it is.</param>
    /// <param name="Active">Inactive townships are no longer offered or accepted.</param>
    public sealed record Request(string NameZh, string NameEn, int? SortOrder = null, bool Active = true);

    /// <param name="Current">The township's name now (null to add one).</param>
    public sealed record Command(string? Current, Request Township, int? ExpectedVersion = null) : ICommand<ListTownships.Township>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Township.NameZh).RequiredText(50).OverridePropertyName("NameZh");
            RuleFor(c => c.Township.NameEn).RequiredText(80).OverridePropertyName("NameEn");
        }
    }

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff admin) : ICommandHandler<Command, ListTownships.Township>
    {
        private const string Columns = "name_zh, name_en, sort_order, active, version";

        public async ValueTask<ListTownships.Township> Handle(Command command, CancellationToken cancellationToken)
        {
            var before = command.Current is { } current
                ? await database.QuerySingleOrDefaultAsync<ListTownships.Township>(
                      $"select {Columns} from townships where name_zh = @current for update", new { current }, cancellationToken)
                  ?? throw new ProblemException(StatusCodes.Status404NotFound, Lang.Pick("没有这个乡镇（街道）", "No such township"))
                : null;
            if (before is not null && command.ExpectedVersion is { } expected && expected != before.Version)
                throw new ProblemException(StatusCodes.Status412PreconditionFailed,
                    Lang.Pick("该乡镇（街道）已被他人修改，请刷新后重试", "Someone changed this township since you loaded it: reload and try again"));

            var values = new
            {
                current = command.Current,
                nameZh = ComplaintText.Clean(command.Township.NameZh)!,
                nameEn = ComplaintText.Clean(command.Township.NameEn)!,
                command.Township.SortOrder,
                command.Township.Active,
            };
            if (values.nameZh != command.Current
                && await database.QuerySingleAsync<bool>("select exists (select from townships where name_zh = @nameZh)", values, cancellationToken))
                throw new ProblemException(StatusCodes.Status409Conflict, Lang.Pick("已有同名的乡镇（街道）", "A township of that name exists"));

            var after = await database.QuerySingleAsync<ListTownships.Township>(before is null
                ? $"""
                   insert into townships (name_zh, name_en, sort_order, active)
                   select @nameZh, @nameEn, coalesce(@SortOrder, (select coalesce(max(sort_order), 0) + 10 from townships)), @Active
                   returning {Columns}
                   """
                : $"""
                   update townships set name_zh = @nameZh, name_en = @nameEn, sort_order = coalesce(@SortOrder, sort_order),
                          active = @Active, version = version + 1
                   where name_zh = @current returning {Columns}
                   """, values, cancellationToken);
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry(before is null ? "township.create" : "township.update", "township",
                after.NameZh, Before: before, After: after), cancellationToken);
            return after;
        }
    }
}

using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Routing;

/// <summary>
/// An administrator adds a routing rule (Id null) or changes one, including its place in the
/// order: the others move down or up so positions stay 1..n. The cached rules reload right after.
/// </summary>
public static class SaveRoutingRule
{
    /// <param name="ExpectedVersion">From If-Match, when the administrator's client sends it: a stale one gets 412.</param>
    public sealed record Command(long? Id, RoutingRuleFields Rule, int? ExpectedVersion = null) : ICommand<ListRoutingRules.Rule>;

    /// <summary>Errors are named after the request's own fields (name, sectionCode…), as the client sent them.</summary>
    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(CategoryCatalog catalog)
        {
            RuleFor(c => c.Rule.Name).RequiredText(100).OverridePropertyName("Name");
            RuleFor(c => c.Rule.SectionCode).NotEmpty().WithMessage(_ => Lang.Pick("请选择目标科室", "Choose the target section"))
                .KnownSection(catalog).OverridePropertyName("SectionCode");
            RuleFor(c => c.Rule.CategoryCode)
                .MustAsync(async (code, _) => code is null || await catalog.FindActiveCategoryAsync(code) is not null)
                .WithMessage(_ => CategoryCatalog.UnknownCategory).OverridePropertyName("CategoryCode");
            RuleFor(c => c.Rule.GroupCode)
                .MustAsync(async (code, _) => code is null || (await catalog.ListAllCategoriesAsync()).Any(c => c.GroupCode == code))
                .WithMessage(_ => Lang.Pick("未知的类别分组", "Unknown category group")).OverridePropertyName("GroupCode");
            RuleFor(c => c.Rule.Township).OptionalText(50).OverridePropertyName("Township");
            RuleFor(c => c.Rule.Keywords).Must(k => k is null || (k.Length <= 20 && k.All(w => w is null || w.Length <= 50)))
                .WithMessage(_ => Lang.Pick("关键词最多 20 个，每个不超过 50 个字", "At most 20 keywords of at most 50 characters"))
                .Must(k => k is null || k.All(ComplaintText.HasNoHiddenCharacters))
                .WithMessage(_ => ComplaintText.HiddenCharactersMessage)
                .OverridePropertyName("Keywords");
            RuleFor(c => c.Rule.Position).GreaterThanOrEqualTo(1).OverridePropertyName("Position");
            RuleFor(c => c.Rule)
                .Must(r => r.CategoryCode is not null || r.GroupCode is not null || ComplaintText.Clean(r.Township) is not null || r.CleanKeywords().Length > 0)
                .WithMessage(_ => Lang.Pick("规则至少要有一个条件：类别、分组、乡镇或关键词", "A rule needs at least one condition: category, group, township or keyword"))
                .OverridePropertyName("Conditions");
        }
    }

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff admin, BureauClock clock)
        : ICommandHandler<Command, ListRoutingRules.Rule>
    {
        public async ValueTask<ListRoutingRules.Rule> Handle(Command command, CancellationToken cancellationToken)
        {
            // One administrator's edit at a time, so two moves cannot interleave their renumbering.
            await database.ExecuteAsync("lock table routing_rules in share row exclusive mode", null, cancellationToken);
            var before = command.Id is { } existing
                ? await ListRoutingRules.ReadAsync(database, existing, cancellationToken)
                  ?? throw new ProblemException(StatusCodes.Status404NotFound, Lang.Pick("没有这条规则", "No such rule"))
                : null;

            if (before is not null && command.ExpectedVersion is { } expected && expected != before.Version) throw StaleRule();

            var others = await database.QuerySingleAsync<int>(
                "select count(*)::int from routing_rules where id <> coalesce(@id, 0)", new { id = command.Id }, cancellationToken);
            // Left out, a new rule goes last and an edited one keeps its place.
            var position = Math.Min(command.Rule.Position ?? before?.Position ?? int.MaxValue, others + 1);
            var rule = command.Rule;
            var values = new
            {
                id = command.Id,
                position,
                name = ComplaintText.Clean(rule.Name),
                rule.SectionCode,
                rule.CategoryCode,
                rule.GroupCode,
                township = ComplaintText.Clean(rule.Township),
                keywords = rule.CleanKeywords(),
                rule.Active,
                now = clock.UtcNow,
            };

            // Close the gap this rule leaves and open one where it goes.
            await database.ExecuteAsync(
                """
                with ordered as (select id, row_number() over (order by position, id)::int as n from routing_rules where id <> coalesce(@id, 0))
                update routing_rules r set position = case when o.n < @position then o.n else o.n + 1 end
                from ordered o where r.id = o.id and r.position <> case when o.n < @position then o.n else o.n + 1 end
                """, values, cancellationToken);
            var id = command.Id is null
                ? await database.QuerySingleAsync<long>(
                    """
                    insert into routing_rules (position, name, section_code, category_code, group_code, township, keywords, active, updated_at)
                    values (@position, @name, @SectionCode, @CategoryCode, @GroupCode, @township, @keywords, @Active, @now)
                    returning id
                    """, values, cancellationToken)
                : await database.QuerySingleAsync<long>(
                    """
                    update routing_rules set position = @position, name = @name, section_code = @SectionCode, category_code = @CategoryCode,
                           group_code = @GroupCode, township = @township, keywords = @keywords, active = @Active,
                           updated_at = @now, version = version + 1
                    where id = @id returning id
                    """, values, cancellationToken);

            var after = (await ListRoutingRules.ReadAsync(database, id, cancellationToken))!;
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry(before is null ? "routing_rule.create" : "routing_rule.update",
                "routing_rule", id.ToString(System.Globalization.CultureInfo.InvariantCulture), Before: before, After: after), cancellationToken);
            return after;
        }
    }

    public static ProblemException StaleRule() =>
        new(StatusCodes.Status412PreconditionFailed, Lang.Pick("规则已被他人修改，请刷新后重试", "Someone changed this rule since you loaded it: reload and try again"));
}

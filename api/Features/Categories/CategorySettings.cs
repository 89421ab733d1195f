using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Categories;

/// <summary>
/// An administrator renames a category or changes its legal clocks. Deadlines already set stay as
/// they are; every deadline set from now on (a new case's acceptance deadline, the resolution
/// deadline set when a case is accepted) uses the new number of working days.
/// </summary>
public static class SaveCategorySettings
{
    /// <summary>The acceptance decision: within 15 days (信访条例 art. 21).</summary>
    public const int MaxAcceptWithinDays = 15;

    /// <summary>Resolution: never beyond the legal 60 days; an extension of at most 30 comes on top.</summary>
    public const int MaxResolveWithinDays = 60;

    /// <param name="NameZh">1–50 characters.</param>
    /// <param name="NameEn">1–80 characters.</param>
    /// <param name="AcceptWithinDays">Working days to accept or reject, 1–15.</param>
    /// <param name="ResolveWithinDays">Working days to resolve from acceptance, 1–60.</param>
    public sealed record Request(string? NameZh, string? NameEn, int AcceptWithinDays, int ResolveWithinDays);

    public sealed record Command(string Code, Request Settings, int? ExpectedVersion = null) : ICommand<ListCategoryGuidance.Item>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Settings.NameZh).RequiredText(50).OverridePropertyName("NameZh");
            RuleFor(c => c.Settings.NameEn).RequiredText(80).OverridePropertyName("NameEn");
            RuleFor(c => c.Settings.AcceptWithinDays).InclusiveBetween(1, MaxAcceptWithinDays).OverridePropertyName("AcceptWithinDays")
                .WithMessage(_ => Lang.Pick($"受理期限须为 1–{MaxAcceptWithinDays} 个工作日", $"Must be 1–{MaxAcceptWithinDays} working days"));
            RuleFor(c => c.Settings.ResolveWithinDays).InclusiveBetween(1, MaxResolveWithinDays).OverridePropertyName("ResolveWithinDays")
                .WithMessage(_ => Lang.Pick($"办结期限须为 1–{MaxResolveWithinDays} 个工作日（法定上限）",
                    $"Must be 1–{MaxResolveWithinDays} working days (the legal limit)"));
        }
    }

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff admin, CategoryCatalog catalog)
        : ICommandHandler<Command, ListCategoryGuidance.Item>
    {
        public async ValueTask<ListCategoryGuidance.Item> Handle(Command command, CancellationToken cancellationToken)
        {
            var before = await ListCategoryGuidance.LockForEditAsync(database, catalog, command.Code, command.ExpectedVersion, cancellationToken);
            var saved = await database.QuerySingleAsync<(string NameZh, string NameEn, int AcceptWithinDays, int ResolveWithinDays, int Version)>(
                """
                update categories set name_zh = @nameZh, name_en = @nameEn, accept_within_days = @accept, resolve_within_days = @resolve,
                       version = version + 1
                where code = @code
                returning name_zh, name_en, accept_within_days, resolve_within_days, version
                """,
                new
                {
                    code = command.Code,
                    nameZh = ComplaintText.Clean(command.Settings.NameZh),
                    nameEn = ComplaintText.Clean(command.Settings.NameEn),
                    accept = command.Settings.AcceptWithinDays,
                    resolve = command.Settings.ResolveWithinDays,
                }, cancellationToken);
            var after = before with
            {
                Name = Lang.Pick(saved.NameZh, saved.NameEn), NameZh = saved.NameZh, NameEn = saved.NameEn,
                AcceptWithinDays = saved.AcceptWithinDays, ResolveWithinDays = saved.ResolveWithinDays, Version = saved.Version,
            };
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry("category.settings", "category", command.Code, Before: before, After: after),
                cancellationToken);
            return after;
        }
    }
}

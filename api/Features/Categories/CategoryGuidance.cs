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
/// What an administrator edits on a category for guided reporting: the guidance shown to
/// citizens, the urgent flag and the extra questions (one document). Every category, retired
/// ones too, in display order.
/// </summary>
public static class ListCategoryGuidance
{
    public sealed record Query : IQuery<IReadOnlyList<Item>>;

    /// <param name="Name">In the caller's language.</param>
    /// <param name="DefaultSection">The section's code that gets the category's cases when no routing rule matches.</param>
    /// <param name="AcceptWithinDays">Working days to accept or reject.</param>
    /// <param name="ResolveWithinDays">Working days to resolve, from acceptance.</param>
    /// <param name="Version">Send it back in If-Match when saving.</param>
    public sealed record Item(
        string Code, string Name, string GroupName, bool Active, string? GuidanceZh, string? GuidanceEn, bool Urgent,
        IReadOnlyList<CategoryQuestion> Questions, int Version, string NameZh, string NameEn, string DefaultSection,
        int AcceptWithinDays, int ResolveWithinDays);

    public static Item Of(CategoryCatalog.Category c) =>
        new(c.Code, Lang.Pick(c.NameZh, c.NameEn), Lang.Pick(c.GroupNameZh, c.GroupNameEn), c.Active, c.GuidanceZh, c.GuidanceEn, c.Urgent,
            c.Questions, c.Version, c.NameZh, c.NameEn, c.DefaultSectionCode, c.AcceptWithinDays, c.ResolveWithinDays);

    /// <summary>
    /// The start of every edit of a category, inside the edit's transaction: locks the category's row
    /// and returns the category as it stands. An unknown code is a 404; an If-Match version
    /// (<paramref name="expectedVersion"/>) other than the row's is a 412.
    /// </summary>
    public static async Task<Item> LockForEditAsync(
        WriteTransaction database, CategoryCatalog catalog, string code, int? expectedVersion, CancellationToken cancellationToken)
    {
        var version = await database.QuerySingleOrDefaultAsync<int?>(
            "select version from categories where code = @code for update", new { code }, cancellationToken)
            ?? throw new ProblemException(StatusCodes.Status404NotFound, Lang.Pick("没有这个类别", "No such category"));
        if (expectedVersion is { } expected && expected != version)
            throw new ProblemException(StatusCodes.Status412PreconditionFailed,
                Lang.Pick("该类别已被他人修改，请刷新后重试", "Someone changed this category since you loaded it: reload and try again"));
        return Of(await catalog.GetCategoryAsync(code)) with { Version = version };
    }

    public sealed class Handler(CategoryCatalog catalog) : IQueryHandler<Query, IReadOnlyList<Item>>
    {
        public async ValueTask<IReadOnlyList<Item>> Handle(Query query, CancellationToken cancellationToken) =>
            (await catalog.ListAllCategoriesAsync()).Select(Of).ToList();
    }
}

/// <summary>
/// An administrator changes a category's guidance, urgent flag and questions. The questions are
/// checked as a whole (keys, kinds, options, labels in both languages); existing cases keep the
/// answers and the urgent flag they were filed with.
/// </summary>
public static class SaveCategoryGuidance
{
    /// <param name="GuidanceZh">Up to 500 characters; blank for none.</param>
    /// <param name="GuidanceEn">Up to 800 characters; blank for none.</param>
    /// <param name="Questions">At most 10; see the CategoryQuestion schema.</param>
    public sealed record Request(string? GuidanceZh, string? GuidanceEn, bool Urgent, IReadOnlyList<CategoryQuestion>? Questions);

    public sealed record Command(string Code, Request Guidance, int? ExpectedVersion = null) : ICommand<ListCategoryGuidance.Item>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Guidance.GuidanceZh).OptionalText(500).OverridePropertyName("GuidanceZh");
            RuleFor(c => c.Guidance.GuidanceEn).OptionalText(800).OverridePropertyName("GuidanceEn");
            RuleFor(c => c.Guidance).Custom((guidance, context) =>
            {
                foreach (var (field, message) in CategoryQuestions.Check(guidance.Questions))
                    context.AddFailure(new FluentValidation.Results.ValidationFailure(field, message));
            });
        }
    }

    public sealed class Handler(WriteTransaction database, AuditLog audit, CurrentStaff admin, CategoryCatalog catalog)
        : ICommandHandler<Command, ListCategoryGuidance.Item>
    {
        public async ValueTask<ListCategoryGuidance.Item> Handle(Command command, CancellationToken cancellationToken)
        {
            var before = await ListCategoryGuidance.LockForEditAsync(database, catalog, command.Code, command.ExpectedVersion, cancellationToken);
            var questions = CategoryQuestions.Normalize(command.Guidance.Questions);
            var saved = await database.QuerySingleAsync<(string? GuidanceZh, string? GuidanceEn, bool Urgent, int Version)>(
                """
                update categories set guidance_zh = @guidanceZh, guidance_en = @guidanceEn, urgent = @urgent,
                       questions = @questions::jsonb, version = version + 1
                where code = @code
                returning guidance_zh, guidance_en, urgent, version
                """,
                new
                {
                    code = command.Code,
                    guidanceZh = ComplaintText.Clean(command.Guidance.GuidanceZh),
                    guidanceEn = ComplaintText.Clean(command.Guidance.GuidanceEn),
                    urgent = command.Guidance.Urgent,
                    questions = CategoryQuestions.Serialize(questions),
                }, cancellationToken);
            var after = before with
            {
                GuidanceZh = saved.GuidanceZh, GuidanceEn = saved.GuidanceEn, Urgent = saved.Urgent, Questions = questions, Version = saved.Version,
            };
            await audit.RecordAsync(AuditActor.Of(admin), new AuditEntry("category.guidance", "category", command.Code, Before: before, After: after),
                cancellationToken);
            return after;
        }
    }
}

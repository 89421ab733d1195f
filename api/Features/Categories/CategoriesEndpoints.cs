using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.Categories;

public static class CategoriesEndpoints
{
    public static void MapCategoriesEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/categories").WithTags("Categories");

        group.MapGet("/", ListAsync)
            .WithName("ListCategories")
            .WithSummary("List the complaint categories")
            .WithDescription("Names, descriptions, guidance and question labels follow Accept-Language: zh-CN (default) or en.");

        var admin = routes.MapGroup("/api/v1/admin/categories").WithTags("Administration")
            .RequireAuthorization(AuthSetup.Administrators)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/", ListGuidanceAsync).WithName("ListCategoryGuidance")
            .WithSummary("Every category's guidance, urgent flag and questions, in both languages");
        admin.MapPut("/{code}/guidance", SaveGuidanceAsync).WithName("SaveCategoryGuidance")
            .WithSummary("Change a category's guidance, urgent flag and questions")
            .WithDescription("If-Match with the category's version (\"3\") is optional; a stale one gets 412. Submissions use the new questions at once.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        admin.MapPut("/{code}", SaveSettingsAsync).WithName("SaveCategorySettings")
            .WithSummary("Rename a category or change its acceptance and resolution deadlines")
            .WithDescription("Deadlines in working days: acceptance 1–15, resolution 1–60. Deadlines already set stay; new ones use the new days. "
                + "If-Match with the category's version (\"3\") is optional; a stale one gets 412.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    private static async Task<Ok<IReadOnlyList<ListCategoryGuidance.Item>>> ListGuidanceAsync(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new ListCategoryGuidance.Query(), cancellationToken));

    // The catalog reloads after the command's transaction has committed.
    private static async Task<Ok<ListCategoryGuidance.Item>> SaveGuidanceAsync(
        string code, SaveCategoryGuidance.Request guidance, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator,
        CategoryCatalog catalog, CancellationToken cancellationToken)
    {
        var saved = await mediator.Send(new SaveCategoryGuidance.Command(code, guidance, ETags.OptionalVersion(ifMatch)), cancellationToken);
        await catalog.ReloadAfterEditAsync();
        return TypedResults.Ok(saved);
    }

    private static async Task<Ok<ListCategoryGuidance.Item>> SaveSettingsAsync(
        string code, SaveCategorySettings.Request settings, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator,
        CategoryCatalog catalog, CancellationToken cancellationToken)
    {
        var saved = await mediator.Send(new SaveCategorySettings.Command(code, settings, ETags.OptionalVersion(ifMatch)), cancellationToken);
        await catalog.ReloadAfterEditAsync();
        return TypedResults.Ok(saved);
    }

    private static async Task<Ok<IReadOnlyList<ListCategories.CategoryItem>>> ListAsync(
        IMediator mediator, HttpResponse response, CancellationToken cancellationToken)
    {
        var categories = await mediator.Send(new ListCategories.Query(Lang.Current), cancellationToken);
        // Reference data: a browser may reuse it for a few minutes, per language.
        response.Headers.CacheControl = "public, max-age=300";
        response.Headers.Vary = "Accept-Language";
        return TypedResults.Ok(categories);
    }
}

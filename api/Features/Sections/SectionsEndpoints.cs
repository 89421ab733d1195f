using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Sections;

public static class SectionsEndpoints
{
    public static void MapSectionsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/sections", ListAsync)
            .WithTags("Case handling")
            .WithName("ListSections")
            .WithSummary("The bureau's sections (any signed-in staff member)")
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        var admin = routes.MapGroup("/api/v1/admin/sections").WithTags("Administration")
            .RequireAuthorization(AuthSetup.Administrators)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem();
        admin.MapPost("/{code}", CreateAsync).WithName("CreateSection").WithSummary("Add a section").ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPut("/{code}", UpdateAsync).WithName("UpdateSection").WithSummary("Rename a section or move it in lists")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<IReadOnlyList<ListSections.Section>>> ListAsync(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new ListSections.Query(), cancellationToken));

    private static async Task<Created<ListSections.Section>> CreateAsync(
        string code, SaveSection.Request request, IMediator mediator, CategoryCatalog catalog, CancellationToken cancellationToken)
    {
        var section = await mediator.Send(new SaveSection.Command(code, request.NameZh, request.NameEn, request.SortOrder, Create: true), cancellationToken);
        await catalog.ReloadAfterEditAsync();
        return TypedResults.Created($"/api/v1/admin/sections/{code}", section);
    }

    private static async Task<Ok<ListSections.Section>> UpdateAsync(
        string code, SaveSection.Request request, IMediator mediator, CategoryCatalog catalog, CancellationToken cancellationToken)
    {
        var section = await mediator.Send(new SaveSection.Command(code, request.NameZh, request.NameEn, request.SortOrder, Create: false), cancellationToken);
        await catalog.ReloadAfterEditAsync();
        return TypedResults.Ok(section);
    }
}

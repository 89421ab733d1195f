using Feedback.Api.Infrastructure.Localization;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Categories;

public static class CategoriesEndpoints
{
    public static void MapCategoriesEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/categories").WithTags("Categories");

        group.MapGet("/", ListAsync)
            .WithName("ListCategories")
            .WithSummary("List the complaint categories")
            .WithDescription("Names and descriptions follow Accept-Language: zh-CN (default) or en.");
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

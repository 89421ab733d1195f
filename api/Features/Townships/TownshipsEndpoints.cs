using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Http;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.Townships;

public static class TownshipsEndpoints
{
    public static void MapTownshipsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/townships", ListAsync).WithTags("Categories")
            .WithName("ListTownships")
            .WithSummary("The townships (乡镇/街道) a complaint may name")
            .WithDescription("Active ones in display order; send value as the complaint's township. Names follow Accept-Language.");

        routes.MapGet("/api/v1/service-area", (FeedbackOptions options, HttpResponse response) =>
            {
                response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Ok(options.ServiceArea);
            }).WithTags("Categories")
            .WithName("GetServiceArea")
            .WithSummary("The bureau's service area")
            .WithDescription("A latitude/longitude box in degrees (WGS-84): a complaint's map pin must lie inside it.");

        var admin = routes.MapGroup("/api/v1/admin/townships").WithTags("Administration")
            .RequireAuthorization(AuthSetup.Administrators)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/", ListAllAsync).WithName("ListAllTownships").WithSummary("Every township, inactive ones too");
        admin.MapPost("/", CreateAsync).WithName("CreateTownship").WithSummary("Add a township")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPut("/{name}", UpdateAsync).WithName("UpdateTownship").WithSummary("Rename, move or (de)activate a township")
            .WithDescription("name is the township's current Chinese name. If-Match with its version (\"3\") is optional; a stale one gets 412.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    private static async Task<Ok<IReadOnlyList<ListTownships.Item>>> ListAsync(
        IMediator mediator, HttpResponse response, CancellationToken cancellationToken)
    {
        var townships = await mediator.Send(new ListTownships.Query(), cancellationToken);
        response.Headers.CacheControl = "public, max-age=300";
        response.Headers.Vary = "Accept-Language";
        return TypedResults.Ok(townships);
    }

    private static async Task<Ok<IReadOnlyList<ListTownships.Township>>> ListAllAsync(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new ListTownships.AllQuery(), cancellationToken));

    // The catalog reloads after the command's transaction has committed, so submissions see the edit at once.
    private static async Task<Created<ListTownships.Township>> CreateAsync(
        SaveTownship.Request township, IMediator mediator, CategoryCatalog catalog, CancellationToken cancellationToken)
    {
        var saved = await mediator.Send(new SaveTownship.Command(null, township), cancellationToken);
        await catalog.ReloadAfterEditAsync();
        return TypedResults.Created($"/api/v1/admin/townships/{Uri.EscapeDataString(saved.NameZh)}", saved);
    }

    private static async Task<Ok<ListTownships.Township>> UpdateAsync(
        string name, SaveTownship.Request township, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator,
        CategoryCatalog catalog, CancellationToken cancellationToken)
    {
        var saved = await mediator.Send(new SaveTownship.Command(name, township, ETags.OptionalVersion(ifMatch)), cancellationToken);
        await catalog.ReloadAfterEditAsync();
        return TypedResults.Ok(saved);
    }
}

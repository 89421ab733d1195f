using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Http;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Routing;

public static class RoutingRulesEndpoints
{
    public static void MapRoutingRulesEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/routing-rules").WithTags("Administration")
            .RequireAuthorization(AuthSetup.Administrators)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListAsync).WithName("ListRoutingRules").WithSummary("Routing rules, in the order they are tried");
        group.MapPost("/", CreateAsync).WithName("CreateRoutingRule").WithSummary("Add a routing rule").ProducesValidationProblem();
        group.MapPut("/{id:long}", UpdateAsync).WithName("UpdateRoutingRule").WithSummary("Change a routing rule or its position")
            .WithDescription("If-Match with the rule's version (\"3\") is optional; a stale one gets 412. Left out, position keeps the rule's place.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{id:long}", DeleteAsync).WithName("DeleteRoutingRule").WithSummary("Remove a routing rule")
            .WithDescription("If-Match with the rule's version is optional; a stale one gets 412.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    private static async Task<Ok<IReadOnlyList<ListRoutingRules.Rule>>> ListAsync(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new ListRoutingRules.Query(), cancellationToken));

    // The catalog reloads after the command's transaction has committed, so new complaints use the edit at once.
    private static async Task<Created<ListRoutingRules.Rule>> CreateAsync(
        RoutingRuleFields rule, IMediator mediator, CategoryCatalog catalog, CancellationToken cancellationToken)
    {
        var saved = await mediator.Send(new SaveRoutingRule.Command(null, rule), cancellationToken);
        await catalog.ReloadAfterEditAsync();
        return TypedResults.Created($"/api/v1/admin/routing-rules/{saved.Id}", saved);
    }

    private static async Task<Ok<ListRoutingRules.Rule>> UpdateAsync(
        long id, RoutingRuleFields rule, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, CategoryCatalog catalog,
        CancellationToken cancellationToken)
    {
        var saved = await mediator.Send(new SaveRoutingRule.Command(id, rule, ETags.OptionalVersion(ifMatch)), cancellationToken);
        await catalog.ReloadAfterEditAsync();
        return TypedResults.Ok(saved);
    }

    private static async Task<NoContent> DeleteAsync(
        long id, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, CategoryCatalog catalog, CancellationToken cancellationToken)
    {
        await mediator.Send(new DeleteRoutingRule.Command(id, ETags.OptionalVersion(ifMatch)), cancellationToken);
        await catalog.ReloadAfterEditAsync();
        return TypedResults.NoContent();
    }
}

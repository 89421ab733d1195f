using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Http;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.Publication;

public static class PublicationEndpoints
{
    public static void MapPublicationEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/public").WithTags("Public transparency")
            .MapGet("/cases", ListAsync)
            .WithName("ListPublishedCases")
            .WithSummary("Published cases, newest first (no sign-in)")
            .WithDescription("Staff-written summaries and results of resolved environmental cases, approved by a second person. Category and township names follow Accept-Language.")
            .ProducesValidationProblem();

        var staff = routes.MapGroup("/api/v1/staff/complaints/{trackingCode}/publication").WithTags("Case publication")
            .RequireAuthorization(AuthSetup.CaseWorkers)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        staff.MapGet("/", GetAsync).WithName("GetPublication")
            .WithSummary("The case's publication: proposed or published text, decisions, and what the caller may do, with its ETag");

        Action(staff.MapPost("/", ProposeAsync)).WithName("ProposePublication")
            .WithSummary("Propose publishing a resolved case with a summary and a result (or edit the proposal or the published text)")
            .WithDescription("If-Match: the publication's version (\"0\" before anything was proposed). Waits for approval by the section head or a leader.");
        Action(staff.MapPost("/decision", DecideAsync)).WithName("DecidePublication")
            .WithSummary("Approve or refuse the proposal (section head or leader; never its author)");
        Action(staff.MapPost("/withdraw", WithdrawAsync)).WithName("WithdrawPublication")
            .WithSummary("Take a published case or a waiting proposal down, with a reason");
    }

    private static RouteHandlerBuilder Action(RouteHandlerBuilder action) => action
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    private static async Task<Ok<ListPublishedCases.Result>> ListAsync([AsParameters] ListPublishedCases.Query query, IMediator mediator,
        HttpResponse response, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(query, cancellationToken);
        // Public and the same for everyone: caches may keep it for five minutes, per language.
        response.Headers.CacheControl = "public, max-age=300";
        response.Headers.Vary = "Accept-Language";
        return TypedResults.Ok(result);
    }

    private static async Task<Ok<GetPublication.View>> GetAsync(string trackingCode, IMediator mediator, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new GetPublication.Query(trackingCode), cancellationToken);
        http.Response.Headers.ETag = ETags.Of(result.Version);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(result);
    }

    private static async Task<Ok<PublicationActionResult>> ActAsync(ICommand<PublicationActionResult> command, IMediator mediator, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(command, cancellationToken);
        http.Response.Headers.ETag = ETags.Of(result.Version);
        return TypedResults.Ok(result);
    }

    private static Task<Ok<PublicationActionResult>> ProposeAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        ProposePublication.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new ProposePublication.Command(trackingCode, ETags.RequireVersion(ifMatch), request.Summary, request.Result), mediator, http, cancellationToken);

    private static Task<Ok<PublicationActionResult>> DecideAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        DecidePublication.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new DecidePublication.Command(trackingCode, ETags.RequireVersion(ifMatch), request.Approve, request.Reason), mediator, http, cancellationToken);

    private static Task<Ok<PublicationActionResult>> WithdrawAsync(string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
        WithdrawPublication.Request request, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        ActAsync(new WithdrawPublication.Command(trackingCode, ETags.RequireVersion(ifMatch), request.Reason), mediator, http, cancellationToken);
}

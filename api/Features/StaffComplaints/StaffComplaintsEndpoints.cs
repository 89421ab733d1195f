using System.ComponentModel;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Csv;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Time;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.StaffComplaints;

public static class StaffComplaintsEndpoints
{
    public static void MapStaffComplaintsEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/staff").WithTags("Case handling")
            .RequireAuthorization(AuthSetup.CaseWorkers)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/complaints", ListQueueAsync)
            .WithName("ListQueue")
            .WithSummary("The work queue, with filters, search and counts per status; or all of it as CSV")
            .WithDescription("With Accept: text/csv or format=csv the answer is every case the filters select (not one page) as a CSV file: " +
                             "UTF-8 with a byte-order mark, CRLF, headers in the Accept-Language language, no contact details; each export is audited.")
            .AddOpenApiOperationTransformer(CsvDownload.DescribeAsync)
            .ProducesValidationProblem();

        group.MapPost("/complaints", RegisterAsync)
            .WithName("RegisterComplaint")
            .WithSummary("Register a complaint taken by phone, letter or visit")
            .WithDescription("Routed and timed like one filed online. The query password is shown only this once.")
            .ProducesValidationProblem();

        group.MapGet("/complaints/{trackingCode}", GetCaseAsync)
            .WithName("GetCase")
            .WithSummary("The whole case, with its ETag")
            .WithDescription("A case the caller may not see is answered 404, exactly like an unknown code.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/complaints/{trackingCode}/photos/{photoId:guid}", GetStaffPhotoAsync)
            .WithName("GetCasePhoto")
            .WithSummary("A photo of the case, for staff who may see the case")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "image/jpeg", "image/png", "image/webp")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/colleagues", ListColleaguesAsync)
            .WithName("ListColleagues")
            .WithSummary("The active members of the caller's section (whom a head can assign to)");

        var actions = group.MapGroup("/complaints/{trackingCode}")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        foreach (var action in CaseActions.All)
            action.Request.MapPost(actions, action.Route).WithName(action.OperationName).WithSummary(action.Summary);
    }

    private static async Task<Results<Ok<ListQueue.Result>, ExportQueue.CsvFile>> ListQueueAsync([AsParameters] ListQueue.Query query,
        [FromQuery(Name = "format")] [Description("csv: every matching case as a CSV file, like Accept: text/csv (no cursor or limit); json (the default): one page.")] string? format,
        HttpContext http, IMediator mediator, BureauClock clock, FeedbackOptions options, ExportSlots exportSlots, CancellationToken cancellationToken) =>
        CsvDownload.Wanted(http.Request, format)
            ? new ExportQueue.CsvFile(mediator.CreateStream(new ExportQueue.Query(query), cancellationToken), clock, options, exportSlots)
            : TypedResults.Ok(await mediator.Send(query, cancellationToken));

    private static async Task<Created<SubmitComplaint.Result>> RegisterAsync(RegisterComplaint.Command command, IMediator mediator, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(command, cancellationToken);
        return TypedResults.Created($"/api/v1/staff/complaints/{result.TrackingCode}", result);
    }

    private static async Task<Ok<GetCase.Result>> GetCaseAsync(string trackingCode, IMediator mediator, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new GetCase.Query(trackingCode), cancellationToken);
        http.Response.Headers.ETag = ETags.Of(result.Version);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(result);
    }

    private static async Task<FileContentHttpResult> GetStaffPhotoAsync(
        string trackingCode, Guid photoId, IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
        (await mediator.Send(new GetStaffPhoto.Query(trackingCode, photoId), cancellationToken)).Serve(http);

    private static async Task<Ok<IReadOnlyList<ListColleagues.Colleague>>> ListColleaguesAsync(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new ListColleagues.Query(), cancellationToken));
}

/// <summary>
/// How a case action's POST becomes its command: the route's tracking code, the If-Match version
/// and, for most actions, a JSON body. The answer is the new status with the new version as the ETag.
/// </summary>
public abstract class CaseActionBinding
{
    public static CaseActionBinding WithoutBody(Func<string, int, ICommand<CaseActionResult>> command) => new NoBody(command);

    public static CaseActionBinding WithBody<TRequest>(Func<string, int, TRequest, ICommand<CaseActionResult>> command) where TRequest : notnull =>
        new Body<TRequest>(command);

    public abstract RouteHandlerBuilder MapPost(IEndpointRouteBuilder actions, string route);

    private static async Task<Ok<CaseActionResult>> ActAsync(ICommand<CaseActionResult> command, IMediator mediator, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(command, cancellationToken);
        http.Response.Headers.ETag = ETags.Of(result.Version);
        return TypedResults.Ok(result);
    }

    private sealed class NoBody(Func<string, int, ICommand<CaseActionResult>> command) : CaseActionBinding
    {
        public override RouteHandlerBuilder MapPost(IEndpointRouteBuilder actions, string route) =>
            actions.MapPost(route, (string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch,
                    IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
                ActAsync(command(trackingCode, ETags.RequireVersion(ifMatch)), mediator, http, cancellationToken));
    }

    private sealed class Body<TRequest>(Func<string, int, TRequest, ICommand<CaseActionResult>> command) : CaseActionBinding where TRequest : notnull
    {
        public override RouteHandlerBuilder MapPost(IEndpointRouteBuilder actions, string route) =>
            actions.MapPost(route, (string trackingCode, [FromHeader(Name = "If-Match")] string? ifMatch, TRequest request,
                    IMediator mediator, HttpContext http, CancellationToken cancellationToken) =>
                ActAsync(command(trackingCode, ETags.RequireVersion(ifMatch), request), mediator, http, cancellationToken))
            .ProducesValidationProblem();
    }
}

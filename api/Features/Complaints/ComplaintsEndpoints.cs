using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;

namespace Feedback.Api.Features.Complaints;

public static class ComplaintsEndpoints
{
    public const string QueryPasswordHeader = "X-Query-Password";

    public static void MapComplaintsEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/complaints").WithTags("Complaints");

        group.MapPost("/", SubmitAsync)
            .WithName("SubmitComplaint")
            .WithSummary("Submit a complaint")
            .WithDescription("Returns the tracking code and the query password. The password is shown only this once.")
            .Accepts<SubmitComplaint.Command>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/{trackingCode}", TrackAsync)
            .WithName("TrackComplaint")
            .WithSummary("Follow a complaint")
            .WithDescription($"Needs the query password in the {QueryPasswordHeader} header. An unknown code and a wrong or missing password give the same 404.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/similar", ListSimilarAsync)
            .WithName("ListSimilarComplaints")
            .WithSummary("Open cases like this one nearby")
            .WithDescription($"Open cases of the same category group submitted in the last {ListSimilarComplaints.WindowDays} days, in the same township or within {ListSimilarComplaints.RadiusMetres} m of the pin; public summaries only. Empty for a confidential (conduct) category.")
            .ProducesValidationProblem();

        group.MapPost("/{trackingCode}/support", SupportAsync)
            .WithName("SupportComplaint")
            .WithSummary("Me too: support an open case")
            .WithDescription($"Needs the {DeviceToken.Header} header. One support per device: a repeat changes nothing and answers alreadySupported. An unknown or confidential case is 404; a case no longer open is 409.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Ok<ListSimilarComplaints.Result>> ListSimilarAsync(
        [AsParameters] ListSimilarComplaints.Query query, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(query, cancellationToken));

    private static async Task<Ok<SupportComplaint.Result>> SupportAsync(
        string trackingCode, [FromHeader(Name = DeviceToken.Header)] string? deviceToken, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new SupportComplaint.Command(trackingCode, deviceToken), cancellationToken));

    private static async Task<Created<SubmitComplaint.Result>> SubmitAsync(
        SubmitComplaint.Command command, IMediator mediator, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(command, cancellationToken);
        return TypedResults.Created($"/api/v1/complaints/{result.TrackingCode}", result);
    }

    private static async Task<Results<Ok<TrackComplaint.Result>, ProblemHttpResult>> TrackAsync(
        string trackingCode,
        [FromHeader(Name = QueryPasswordHeader)] string? queryPassword,
        IMediator mediator,
        CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new TrackComplaint.Query(trackingCode, queryPassword), cancellationToken);
        return result is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
                title: Lang.Pick("查询编号或查询密码不正确", "Tracking code or query password is incorrect"))
            : TypedResults.Ok(result);
    }
}

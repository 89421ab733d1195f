using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Feedback.Api.Infrastructure.Localization;

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
            .WithDescription($"Needs the query password in the {QueryPasswordHeader} header. An unknown code and a wrong or missing password give the same 404; "
                + "five wrong passwords lock the code's lookups for 15 minutes (429).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<Created<SubmitComplaint.Result>> SubmitAsync(
        SubmitComplaint.Command command,
        [FromHeader(Name = Infrastructure.Security.DeviceToken.Header)] string? deviceToken,
        IMediator mediator, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(command with { DeviceToken = deviceToken }, cancellationToken);
        return TypedResults.Created($"/api/v1/complaints/{result.TrackingCode}", result);
    }

    private static async Task<Ok<TrackComplaint.Result>> TrackAsync(
        string trackingCode,
        [FromHeader(Name = QueryPasswordHeader)] string? queryPassword,
        IMediator mediator,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new TrackComplaint.Query(trackingCode, queryPassword), cancellationToken));
}

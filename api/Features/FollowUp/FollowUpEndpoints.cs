using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Http;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.FollowUp;

public static class FollowUpEndpoints
{
    public static void MapFollowUpEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/complaints/{trackingCode}").WithTags("Complaints")
            .SpendsFrom(RateLimiting.AnonymousWrites)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/evaluation", EvaluateAsync)
            .WithName("EvaluateComplaint")
            .WithSummary("回访评价: evaluate the result, once; the case then closes")
            .WithDescription($"Needs the query password in the {CitizenAccess.QueryPasswordHeader} header (404 as for tracking). "
                + "Allowed while the case is resolved, up to FEEDBACK_EVALUATION_DAYS calendar days after the result; otherwise 409.");

        group.MapPost("/review", RequestReviewAsync)
            .WithName("RequestReview")
            .WithSummary("复查: ask for the case to be looked at again, once, within 30 days of the result")
            .WithDescription($"Needs the query password in the {CitizenAccess.QueryPasswordHeader} header (404 as for tracking). "
                + "The case reopens in progress, flagged as a review, with a fresh resolution deadline; otherwise 409.");
    }

    private static async Task<Ok<EvaluateComplaint.Result>> EvaluateAsync(
        string trackingCode,
        [FromHeader(Name = CitizenAccess.QueryPasswordHeader)] string? queryPassword,
        EvaluateComplaint.Request request,
        IMediator mediator,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(
            new EvaluateComplaint.Command(trackingCode, queryPassword, request.Solved, request.Satisfaction, request.Comment), cancellationToken));

    private static async Task<Ok<RequestReview.Result>> RequestReviewAsync(
        string trackingCode,
        [FromHeader(Name = CitizenAccess.QueryPasswordHeader)] string? queryPassword,
        RequestReview.Request request,
        IMediator mediator,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new RequestReview.Command(trackingCode, queryPassword, request.Reason), cancellationToken));
}

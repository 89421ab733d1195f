using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.Complaints;

public static class ComplaintsEndpoints
{
    public static void MapComplaintsEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/complaints").WithTags("Complaints");

        group.MapPost("/", SubmitAsync)
            .WithName("SubmitComplaint")
            .SpendsFrom(RateLimiting.AnonymousWrites)
            .WithSummary("Submit a complaint")
            .WithDescription("Returns the tracking code and the query password. The password is shown only this once — except to a retry: "
                + $"with an {SubmissionIdempotency.Header} header (a random UUID), the same key and the same body return the original 201 "
                + "and create nothing (header Idempotent-Replayed: true), and the same key with another body gets 422. Keys are kept for 24 hours.")
            .Accepts<SubmitComplaint.Command>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/{trackingCode}", TrackAsync)
            .WithName("TrackComplaint")
            .SpendsFrom(RateLimiting.PasswordAttempts)
            .WithSummary("Follow a complaint")
            .WithDescription($"Needs the query password in the {CitizenAccess.QueryPasswordHeader} header. An unknown code and a wrong or missing password give the same 404; "
                + "five wrong passwords in a row from one address lock that address out of the code for 15 minutes (429), while the right password from elsewhere still opens it.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/{trackingCode}/supplements", AddSupplementAsync)
            .WithName("AddSupplement")
            .SpendsFrom(RateLimiting.AnonymousWrites)
            .WithSummary("补充材料: add information and/or photos while the case is open")
            .WithDescription($"Needs the query password in {CitizenAccess.QueryPasswordHeader} and, with photos, the {DeviceToken.Header} that uploaded them. "
                + "409 once the case is resolved, closed, rejected or merged.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/similar", ListSimilarAsync)
            .WithName("ListSimilarComplaints")
            .WithSummary("Open cases like this one nearby")
            .WithDescription($"Open cases of the same category group submitted in the last {ListSimilarComplaints.WindowDays} days, in the same township or within {ListSimilarComplaints.RadiusMetres} m of the pin; public summaries only. Empty for a confidential (conduct) category.")
            .ProducesValidationProblem();

        group.MapGet("/similar/{supportId:guid}", GetSupportedAsync)
            .WithName("GetSupportedComplaint")
            .WithSummary("Follow a case one supported")
            .WithDescription("The public summary of a case by the support id the list of similar cases gave, whatever its status now. An unknown or confidential case is 404.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/similar/{supportId:guid}/support", SupportAsync)
            .WithName("SupportComplaint")
            .SpendsFrom(RateLimiting.AnonymousWrites)
            .WithSummary("Me too: support an open case")
            .WithDescription($"Needs the {DeviceToken.Header} header. One support per device: a repeat changes nothing and answers alreadySupported. "
                + $"At most {SupportComplaint.MaxPerAddress} devices per client address count for one case; more is 429. An unknown or confidential case is 404; a case no longer open is 409.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<Ok<ListSimilarComplaints.Result>> ListSimilarAsync(
        [AsParameters] ListSimilarComplaints.Query query, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(query, cancellationToken));

    private static async Task<Ok<ListSimilarComplaints.Item>> GetSupportedAsync(Guid supportId, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new GetSupportedComplaint.Query(supportId), cancellationToken));

    private static async Task<Ok<SupportComplaint.Result>> SupportAsync(
        Guid supportId, [FromHeader(Name = DeviceToken.Header)] string? deviceToken, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new SupportComplaint.Command(supportId, deviceToken), cancellationToken));

    private static async Task<Created<SubmitComplaint.Result>> SubmitAsync(
        SubmitComplaint.Command command,
        [FromHeader(Name = SubmissionIdempotency.Header)] string? idempotencyKey,
        [FromHeader(Name = Infrastructure.Security.DeviceToken.Header)] string? deviceToken,
        HttpContext http,
        IMediator mediator,
        CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null && !SubmissionIdempotency.IsWellFormed(idempotencyKey)) throw SubmissionIdempotency.Malformed();
        var result = await mediator.Send(command with { DeviceToken = deviceToken, IdempotencyKey = idempotencyKey }, cancellationToken);
        if (result.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Created($"/api/v1/complaints/{result.TrackingCode}", result);
    }

    private static async Task<Ok<TrackComplaint.Result>> TrackAsync(
        string trackingCode,
        [FromHeader(Name = CitizenAccess.QueryPasswordHeader)] string? queryPassword,
        IMediator mediator,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new TrackComplaint.Query(trackingCode, queryPassword), cancellationToken));

    private static async Task<Created<AddSupplement.Result>> AddSupplementAsync(
        string trackingCode,
        [FromHeader(Name = CitizenAccess.QueryPasswordHeader)] string? queryPassword,
        [FromHeader(Name = DeviceToken.Header)] string? deviceToken,
        AddSupplement.Request request, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Created((string?)null, await mediator.Send(
            new AddSupplement.Command(trackingCode, queryPassword, deviceToken, request.Text, request.PhotoIds), cancellationToken));
}

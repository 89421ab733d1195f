using System.ComponentModel;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Bulletins;

public static class BulletinsEndpoints
{
    public static void MapBulletinsEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/public/bulletins").WithTags("Public transparency");

        group.MapGet("/", ListAsync)
            .WithName("ListBulletins")
            .WithSummary("The months that have a monthly bulletin, newest first (no sign-in)");

        group.MapGet("/{month}", GetAsync)
            .WithName("GetBulletin")
            .WithSummary("月度公报: a month's complaints in counts and rates, beside the previous month (no sign-in)")
            .WithDescription("Counts by category group and township (townships with few cases together), accepted and not accepted by ground, " +
                             "and the response, on-time, resolution and satisfaction rates as /metrics computes them. Conduct cases are only a count. " +
                             "No personal data. 400 for a malformed month; 404 for a month that has not ended or is before the service's first case. " +
                             "Labels follow Accept-Language. Cached for an hour.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<ListBulletins.Result>> ListAsync(IMediator mediator, HttpResponse response, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new ListBulletins.Query(), cancellationToken);
        Public(response);
        return TypedResults.Ok(result);
    }

    private static async Task<Ok<GetBulletin.Result>> GetAsync([Description("yyyy-MM, e.g. 2026-10: a month that has ended.")] string month, IMediator mediator, HttpResponse response, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new GetBulletin.Query(month), cancellationToken);
        Public(response);
        return TypedResults.Ok(result);
    }

    /// <summary>The same for everyone: caches may keep it an hour, per language (the API itself keeps the figures as long).</summary>
    private static void Public(HttpResponse response)
    {
        response.Headers.CacheControl = "public, max-age=3600";
        response.Headers.Vary = "Accept-Language";
    }
}

using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Health;

/// <summary>Probes for the orchestrator: live = the process answers; ready = it can serve requests.</summary>
public static class HealthEndpoints
{
    public sealed record HealthStatus(string Status);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Health");

        group.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live")))
            .WithName("Live")
            .WithSummary("The process is up");

        group.MapGet("/ready", ReadyAsync)
            .WithName("Ready")
            .WithSummary("The database is reachable, every migration is applied and the instance is not stopping")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Results<Ok<HealthStatus>, ProblemHttpResult>> ReadyAsync(
        DatabaseMigrator migrator, ShutdownDrain drain, HttpResponse response, CancellationToken cancellationToken)
    {
        string? notReady = drain.Draining
            ? Lang.Pick("服务正在停止", "Not ready: this instance is stopping")
            : !await migrator.IsUpToDateAsync(cancellationToken)
                ? Lang.Pick("服务尚未就绪：数据库不可用或尚未迁移", "Not ready: the database is unreachable or not migrated")
                : null;
        if (notReady is null) return TypedResults.Ok(new HealthStatus("ready"));
        response.Headers.RetryAfter = "5";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: notReady);
    }
}

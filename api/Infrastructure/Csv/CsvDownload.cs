using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Feedback.Api.Infrastructure.Csv;

/// <summary>
/// How many long exports run at once on this instance (FEEDBACK_EXPORT_CONCURRENCY): each holds a
/// database connection for as long as it streams, so a burst of them must not empty the pool that
/// citizens' submissions need. One more is refused at once with 429, not queued.
/// </summary>
public sealed class ExportSlots(FeedbackOptions options)
{
    private readonly SemaphoreSlim _slots = new(options.ExportConcurrency, options.ExportConcurrency);

    public IDisposable Take() => _slots.Wait(0)
        ? new Slot(_slots)
        : throw new ProblemException(StatusCodes.Status429TooManyRequests,
            Lang.Pick("导出任务较多，请稍后再试", "Other exports are running; try again in a moment"), retryAfter: TimeSpan.FromSeconds(10));

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}

/// <summary>How a list route decides between JSON and CSV, and how OpenAPI says it can answer both.</summary>
public static class CsvDownload
{
    /// <summary>CSV when format=csv, or when Accept prefers text/csv to JSON; format=json (or nothing) is JSON.</summary>
    public static bool Wanted(HttpRequest request, string? format)
    {
        switch (format)
        {
            case "csv": return true;
            case "json": return false;
            case not null:
                throw new ValidationException([new ValidationFailure("format", Lang.Pick("format 须为 csv 或 json", "format is csv or json"))]);
        }
        var accepted = request.GetTypedHeaders().Accept;
        double Quality(string mediaType) => accepted
            .Where(a => a.MatchesMediaType(mediaType) && a.MediaType != "*/*")
            .Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        var csv = Quality("text/csv");
        return csv > 0 && csv >= Quality("application/json");
    }

    /// <summary>Adds the CSV beside the JSON as a second content of the 200 answer.</summary>
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses?["200"].Content?.Add("text/csv", new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
        return Task.CompletedTask;
    }

    /// <summary>Starts a CSV answer: type, no caching, and a file name (ASCII, plus a Chinese one per RFC 6266 for those that read it).</summary>
    public static void StartResponse(HttpResponse response, string asciiName, string chineseName)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentDisposition = $"attachment; filename=\"{asciiName}\""
            + (Lang.IsEnglish ? "" : $"; filename*=UTF-8''{Uri.EscapeDataString(chineseName)}");
    }
}

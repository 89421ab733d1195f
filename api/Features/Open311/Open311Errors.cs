using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// Every refusal under /open311/v2 — a validation failure, a 403 for the key, a 429, a 503 while
/// the database is away — in GeoReport's error list instead of problem details: its clients parse
/// nothing else. The API's exception handler and rate limiter write problems through
/// IProblemDetailsService; this writer takes the ones on Open311's routes.
/// </summary>
public sealed class Open311Errors : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => IsOpen311(context.HttpContext.Request.Path);

    public static bool IsOpen311(PathString path) => path.StartsWithSegments(Open311Endpoints.Root, StringComparison.OrdinalIgnoreCase);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        IEnumerable<string> descriptions = problem is HttpValidationProblemDetails { Errors.Count: > 0 } validation
            ? validation.Errors.SelectMany(field => field.Value.Select(message => $"{Parameter(field.Key)}: {message}"))
            : [problem.Detail is { Length: > 0 } detail ? $"{problem.Title} {detail}" : problem.Title ?? Lang.Pick("请求失败", "The request failed")];
        return new ValueTask(FormatOf(context.HttpContext).Errors(status, descriptions).ExecuteAsync(context.HttpContext));
    }

    /// <summary>The format the route's suffix asks for; JSON when it names none.</summary>
    public static Open311Format FormatOf(HttpContext http) =>
        http.Request.Path.Value is { } path && path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ? Open311Format.Xml : Open311Format.Json;

    /// <summary>The GeoReport parameter a native field came from: "answers.noise_time" → "attribute[noise_time]".</summary>
    public static string Parameter(string field) => field switch
    {
        "categoryCode" => "service_code",
        "latitude" => "lat",
        "longitude" => "long",
        "address" or "township" => "address_string",
        "contact.name" => "first_name",
        "contact.phone" => "phone",
        "contact.email" => "email",
        "answers" => "attribute",
        "location" => "lat/long/address_string",
        "mediaUrl" => "media_url",
        "deviceId" => "device_id",
        "accountId" => "account_id",
        _ when field.StartsWith("answers.", StringComparison.Ordinal) => $"attribute[{field["answers.".Length..]}]",
        _ => field,
    };
}

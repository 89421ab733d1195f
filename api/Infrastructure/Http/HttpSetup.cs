using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Feedback.Api.Infrastructure.Localization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Feedback.Api.Infrastructure.Http;

/// <summary>HTTP conventions shared by every endpoint: JSON shape, problems, languages, limits, headers.</summary>
public static class HttpSetup
{
    /// <summary>JSON bodies are small (a complaint is at most 4000 characters); uploads will raise this per endpoint.</summary>
    public const long MaxJsonBodyBytes = 64 * 1024;

    public static void AddFeedbackHttp(this WebApplicationBuilder builder, FeedbackOptions options)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxJsonBodyBytes;
        });

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            // Numbers are numbers: "2" is not accepted for 2 (and the OpenAPI schema says plain integer).
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // {"description": "a", "description": "b"} is ambiguous: refuse it rather than pick one.
            json.SerializerOptions.AllowDuplicateProperties = false;
        });

        // Malformed requests throw, so ProblemExceptionHandler answers them like every other error.
        builder.Services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);

        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();

        builder.Services.AddRequestLocalization(localization =>
        {
            CultureInfo[] cultures = [new(Lang.Chinese), new(Lang.English)];
            localization.DefaultRequestCulture = new RequestCulture(Lang.Chinese);
            localization.SupportedCultures = cultures;
            localization.SupportedUICultures = cultures;
            localization.FallBackToParentUICultures = true;
            localization.FallBackToParentCultures = true;
            // Only the Accept-Language header decides; no query string or cookie switches.
            localization.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()];
        });

        if (options.CorsOrigins.Count > 0)
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
                .WithOrigins([.. options.CorsOrigins])
                .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                .WithHeaders("Content-Type", "Accept-Language", "X-Query-Password", "X-Device-Token", "Idempotency-Key", "If-Match", "Authorization")
                .WithExposedHeaders("Location", "ETag", "Retry-After", "Idempotent-Replayed")));
    }

    public static void UseFeedbackHttp(this WebApplication app, FeedbackOptions options)
    {
        app.UseRequestLocalization(); // first, so even error responses speak the caller's language
        app.UseExceptionHandler();
        // Empty error responses made by the framework (unknown route, wrong method, body too large)
        // become problems too, titled in the caller's language.
        app.UseStatusCodePages(async context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails = { Status = status, Title = ProblemExceptionHandler.LocalizedTitle(status) ?? ReasonPhrases.GetReasonPhrase(status) },
            });
        });
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.Use(RefuseCharsetsOtherThanUtf8);
        app.Use(InputRules.RefuseControlCharacters);
        app.Use(InputRules.RefuseControlCharactersInJson);
        if (options.CorsOrigins.Count > 0) app.UseCors();
        app.Use(AnswerHeadAsGet);
        // Here, after HEAD became GET, so that the GET route is the one found.
        app.UseRouting();
    }

    /// <summary>
    /// HEAD is GET without the body (RFC 9110 §9.3.2): every GET route answers it with the same
    /// status and headers. Minimal APIs map GET only, so the request is routed as a GET and what
    /// the endpoint writes is thrown away.
    /// </summary>
    private static async Task AnswerHeadAsGet(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }
        context.Request.Method = HttpMethods.Get;
        var body = context.Response.Body;
        context.Response.Body = Stream.Null;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
            context.Request.Method = HttpMethods.Head;
        }
    }

    /// <summary>
    /// JSON is UTF-8 (RFC 8259). A body declared in another charset would be decoded into
    /// mojibake and stored, so it is refused with 415 before anything reads it.
    /// </summary>
    private static Task RefuseCharsetsOtherThanUtf8(HttpContext context, RequestDelegate next)
    {
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) && type.Charset.HasValue)
        {
            var charset = type.Charset.Value!.Trim('"');
            if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                return Task.CompletedTask;
            }
        }
        return next(context);
    }
}

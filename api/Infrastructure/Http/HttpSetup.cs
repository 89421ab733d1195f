using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Feedback.Api.Infrastructure.Localization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.WebUtilities;

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
        });

        // Malformed requests throw, so ProblemExceptionHandler answers them like every other error.
        builder.Services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);

        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            // Framework-made problems (unknown route, wrong method, …) get titles in the caller's language too.
            if (context.Exception is null && context.ProblemDetails.Status is { } status
                && ProblemExceptionHandler.LocalizedTitle(status) is { } title
                && context.ProblemDetails.Title == ReasonPhrases.GetReasonPhrase(status))
                context.ProblemDetails.Title = title;
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
                .WithHeaders("Content-Type", "Accept-Language", "X-Query-Password", "Idempotency-Key", "If-Match", "Authorization")
                .WithExposedHeaders("Location", "ETag", "Retry-After")));
    }

    public static void UseFeedbackHttp(this WebApplication app, FeedbackOptions options)
    {
        app.UseRequestLocalization(); // first, so even error responses speak the caller's language
        app.UseExceptionHandler();
        app.UseStatusCodePages(); // empty 404/405 responses from routing become problems too
        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (options.CorsOrigins.Count > 0) app.UseCors();
    }
}

using Microsoft.AspNetCore.StaticFiles;

namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// Cache rules for the web client: Vite's hashed assets never change, so they are cached for a
/// year; index.html and config.json must be fetched fresh so a deployment takes effect at once.
/// </summary>
public static class ClientCaching
{
    public static void Apply(StaticFileResponseContext context) =>
        context.Context.Response.Headers.CacheControl = context.Context.Request.Path.StartsWithSegments("/assets")
            ? "public, max-age=31536000, immutable"
            : "no-cache";
}

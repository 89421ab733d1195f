namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// Headers every response carries. API answers are never cached (they may hold personal data) unless
/// an endpoint says otherwise; the web client gets a strict Content Security Policy.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task Invoke(HttpContext context)
    {
        var path = context.Request.Path;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            if (IsApi(path))
            {
                if (!headers.ContainsKey("Cache-Control")) headers.CacheControl = "no-store";
            }
            else if (!path.StartsWithSegments("/swagger"))
            {
                // Swagger UI ships its own inline styles; everything else is our client.
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi");
}

namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// Headers every response carries. API answers are never cached (they may hold personal data) unless
/// an endpoint says otherwise; the web client gets a strict Content Security Policy, whose img-src
/// admits the map tile server named in the client's config.json, if any.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, FeedbackOptions options, ILogger<SecurityHeadersMiddleware> logger)
{
    private readonly string _contentSecurityPolicy =
        $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:{MapTileSource(options.WebRoot, logger)}; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// " https://*.tiles.example.cn" for a mapTileUrl of "https://{s}.tiles.example.cn/{z}/{x}/{y}.png"
    /// (Leaflet's {s} subdomains become CSP's leading wildcard); nothing for a same-origin path.
    /// </summary>
    public static string MapTileSource(string? webRoot, ILogger logger)
    {
        var configFile = webRoot is null ? null : Path.Combine(webRoot, "config.json");
        if (configFile is null || !File.Exists(configFile)) return "";
        try
        {
            using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(configFile));
            if (!config.RootElement.TryGetProperty("mapTileUrl", out var url) || url.GetString() is not { Length: > 0 } template) return "";
            if (!Uri.TryCreate(template.Replace("{s}", "subdomain"), UriKind.Absolute, out var uri)) return "";
            if (uri.Scheme != Uri.UriSchemeHttps)
            {
                logger.LogWarning("config.json's mapTileUrl is not https: the map's tiles are not allowed by the Content Security Policy");
                return "";
            }
            var host = uri.Host.StartsWith("subdomain.", StringComparison.Ordinal) ? "*" + uri.Host["subdomain".Length..] : uri.Host;
            if (host.Contains("subdomain", StringComparison.Ordinal))
            {
                logger.LogWarning("config.json's mapTileUrl has {{s}} inside a host name, which a Content Security Policy cannot express: tiles are blocked");
                return "";
            }
            return " https://" + host + (uri.IsDefaultPort ? "" : $":{uri.Port}");
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

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
                headers.ContentSecurityPolicy = _contentSecurityPolicy;
            }
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi");
}

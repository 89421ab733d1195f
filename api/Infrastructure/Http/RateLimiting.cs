using System.Net;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Localization;
using Microsoft.AspNetCore.HttpOverrides;

namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// Limits on what anyone can do without signing in, per client address and minute
/// (FEEDBACK_RATE_LIMIT_PER_MINUTE, 0 = off): one budget for anonymous writes (submissions, uploads,
/// support, supplements, evaluations, reviews) and one for password attempts (case lookups, staff
/// sign-in). The client address is the connection's, or X-Forwarded-For's when the connection comes
/// from a configured proxy (FEEDBACK_TRUSTED_PROXIES); IPv6 clients count per /64, the block one
/// subscriber gets. The counts are shared by every instance (<see cref="RateLimitBudgets"/>).
/// </summary>
public static class RateLimiting
{
    public const string AnonymousWrites = "anonymous-writes";
    public const string PasswordAttempts = "password-attempts";

    /// <summary>Endpoint metadata: which budget a request to it spends from.</summary>
    public sealed record Budget(string Name);

    /// <summary>Each request to the endpoint spends one from <paramref name="budget"/> of its client address.</summary>
    public static TBuilder SpendsFrom<TBuilder>(this TBuilder endpoint, string budget) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(new Budget(budget));

    public static void AddFeedbackRateLimiting(this WebApplicationBuilder builder, FeedbackOptions options)
    {
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; only the configured proxies are believed.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in options.TrustedProxies) forwarded.KnownIPNetworks.Add(proxy);
            // Each trusted proxy in the chain removes one hop; the first untrusted address is the client.
            forwarded.ForwardLimit = null;
        });
        builder.Services.AddSingleton<RateLimitBudgets>();
    }

    /// <summary>After routing (<see cref="HttpSetup"/>), so the endpoint's budget is known; before anything reads the body.</summary>
    public static void UseFeedbackRateLimiting(this WebApplication app, FeedbackOptions options)
    {
        // With no known proxy the middleware would believe anyone's X-Forwarded-For: leave it out.
        if (options.TrustedProxies.Count > 0) app.UseForwardedHeaders();
        if (options.RateLimitPerMinute == 0) return;
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<Budget>() is { } budget)
            {
                var spent = await http.RequestServices.GetRequiredService<RateLimitBudgets>().SpendAsync(
                    budget.Name, ClientKey(http.Connection.RemoteIpAddress), options.RateLimitPerMinute, http.RequestAborted);
                if (!spent.Allowed)
                {
                    await RefuseAsync(http, spent.RetryAfter, options.RateLimitPerMinute);
                    return;
                }
            }
            await next(http);
        });
    }

    private static async Task RefuseAsync(HttpContext http, TimeSpan retryAfter, int perMinute)
    {
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimiting))
            .LogWarning("Rate limit reached on {Route}", AuthSetup.RouteTarget(http.Request.Method, (http.GetEndpoint() as RouteEndpoint)?.RoutePattern));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = Lang.Pick("请求过于频繁，请稍后再试", "Too many requests; please wait a moment and try again"),
                Detail = Lang.Pick($"每个网络地址每分钟最多 {perMinute} 次。", $"At most {perMinute} a minute from one network address."),
            },
        });
    }

    /// <summary>An IPv4 address, or an IPv6 address's /64.</summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

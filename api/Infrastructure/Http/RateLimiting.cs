using System.Net;
using System.Threading.RateLimiting;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Localization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;

namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// Limits on what anyone can do without signing in, per client address and minute
/// (FEEDBACK_RATE_LIMIT_PER_MINUTE, 0 = off): one budget for anonymous writes (submissions, uploads,
/// support, supplements, evaluations, reviews) and one for password attempts (case lookups, staff
/// sign-in). The client address is the connection's, or X-Forwarded-For's when the connection comes
/// from a configured proxy (FEEDBACK_TRUSTED_PROXIES); IPv6 clients count per /64, the block one
/// subscriber gets. Counters live in each instance's memory: N instances allow N times the limit.
/// </summary>
public static class RateLimiting
{
    public const string AnonymousWrites = "anonymous-writes";
    public const string PasswordAttempts = "password-attempts";

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

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(AnonymousWrites, context => PerAddress(context, options.RateLimitPerMinute));
            limiter.AddPolicy(PasswordAttempts, context => PerAddress(context, options.RateLimitPerMinute));
            limiter.OnRejected = async (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var http = rejected.HttpContext;
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
                        Detail = Lang.Pick($"每个网络地址每分钟最多 {options.RateLimitPerMinute} 次。", $"At most {options.RateLimitPerMinute} a minute from one network address."),
                    },
                });
            };
        });
    }

    public static void UseFeedbackRateLimiting(this WebApplication app, FeedbackOptions options)
    {
        // With no known proxy the middleware would believe anyone's X-Forwarded-For: leave it out.
        if (options.TrustedProxies.Count > 0) app.UseForwardedHeaders();
        app.UseRateLimiter();
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, int perMinute) =>
        perMinute == 0
            ? RateLimitPartition.GetNoLimiter("off")
            : RateLimitPartition.GetFixedWindowLimiter(ClientKey(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });

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

namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// The caller of the current request as the abuse limits count it: an IPv4 address or an IPv6 /64
/// (<see cref="RateLimiting.ClientKey"/>), from the connection or from a trusted proxy's X-Forwarded-For.
/// </summary>
public sealed class ClientAddress(IHttpContextAccessor http)
{
    public string Key => RateLimiting.ClientKey(http.HttpContext?.Connection.RemoteIpAddress);
}

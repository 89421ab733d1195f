using System.Globalization;
using System.Net;
using System.Security.Claims;

namespace Feedback.Api.Infrastructure.Auth;

/// <summary>The signed-in staff member of this request, read from the validated access token.</summary>
public sealed class CurrentStaff(IHttpContextAccessor http)
{
    private ClaimsPrincipal User => http.HttpContext?.User ?? new ClaimsPrincipal();

    public bool IsSignedIn => User.Identity?.IsAuthenticated == true;

    public long Id => long.Parse(Claim(StaffTokens.Claims.UserId), CultureInfo.InvariantCulture);
    public string Username => Claim(StaffTokens.Claims.Username);
    public StaffRole Role => StaffRoles.Parse(Claim(StaffTokens.Claims.Role));
    public string? SectionCode => User.FindFirst(StaffTokens.Claims.Section)?.Value;
    public Guid SessionId => Guid.Parse(Claim(StaffTokens.Claims.Session));

    /// <summary>The client's address (as forwarded by trusted proxies, once those are configured).</summary>
    public IPAddress? IpAddress => http.HttpContext?.Connection.RemoteIpAddress;

    private string Claim(string type) =>
        User.FindFirst(type)?.Value ?? throw new InvalidOperationException($"No signed-in staff member (claim '{type}' missing).");
}

using Dapper;
using Feedback.Api.Infrastructure.Audit;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Feedback.Api.Infrastructure.Auth;

/// <summary>
/// Bearer-token sign-in for staff. A token is accepted only with our issuer, audience and HS256
/// signature, within its lifetime, and while its session is open (one indexed lookup per request,
/// so logout, a password change or a disabled account take effect immediately). Refusals are
/// audited.
/// </summary>
public static class AuthSetup
{
    /// <summary>Everyone who works on complaints: clerks, section heads, discipline inspection, leaders.</summary>
    public const string CaseWorkers = "case-workers";
    public const string Administrators = "administrators";
    /// <summary>Leaders and administrators (every section) and section heads (their own) read the metrics.</summary>
    public const string Leadership = "leadership";

    public static void AddFeedbackAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<StaffTokens>();
        builder.Services.AddScoped<CurrentStaff>();
        builder.Services.AddScoped<AuditLog>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<StaffTokens, TimeProvider>((bearer, tokens, time) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = StaffTokens.Issuer,
                    ValidAudience = StaffTokens.Audience,
                    IssuerSigningKeys = tokens.VerificationKeys,
                    ValidAlgorithms = [StaffTokens.Algorithm],
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    // Measured on the application's clock, which tests can fix.
                    LifetimeValidator = (notBefore, expires, _, _) =>
                        time.GetUtcNow().UtcDateTime is var now && expires > now.AddSeconds(-30) && (notBefore is null || notBefore <= now.AddSeconds(30)),
                    NameClaimType = StaffTokens.Claims.Username,
                    RoleClaimType = StaffTokens.Claims.Role,
                };
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = RequireOpenSessionAsync,
                    OnChallenge = context =>
                    {
                        // WWW-Authenticate says invalid_token and nothing of why (expired, not yet valid,
                        // bad signature…): the reason helps an attacker more than a client.
                        context.ErrorDescription = null;
                        return AuditRefusalAsync(context.HttpContext, "request.unauthenticated", context.AuthenticateFailure?.GetType().Name);
                    },
                    OnForbidden = context => AuditRefusalAsync(context.HttpContext, "request.forbidden", "role"),
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(CaseWorkers, policy => policy.RequireRole([.. StaffRoles.CaseWorkers.Select(role => role.ToCode())]))
            .AddPolicy(Administrators, policy => policy.RequireRole(StaffRole.Admin.ToCode()))
            .AddPolicy(Leadership, policy => policy.RequireRole(StaffRole.Leader.ToCode(), StaffRole.Admin.ToCode(), StaffRole.SectionHead.ToCode()));
    }

    public static void UseFeedbackAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
    }

    private static async Task RequireOpenSessionAsync(TokenValidatedContext context)
    {
        var sessionId = context.Principal?.FindFirst(StaffTokens.Claims.Session)?.Value;
        if (!Guid.TryParse(sessionId, out var session))
        {
            context.Fail("The token names no session.");
            return;
        }
        var dataSource = context.HttpContext.RequestServices.GetRequiredService<NpgsqlDataSource>();
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(context.HttpContext.RequestAborted);
        var open = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            select exists (select 1 from staff_sessions s join staff_users u on u.id = s.user_id
                           where s.id = @session and s.revoked_at is null and s.expires_at > @now and u.active)
            """,
            new { session, now }, cancellationToken: context.HttpContext.RequestAborted));
        if (!open) context.Fail("The session has ended.");
    }

    /// <summary>
    /// 401 and 403 from the role policies (refusals decided by a handler are audited there), naming
    /// the route's template, never the raw path. A 401 needs no account, so its repeats are tallied.
    /// </summary>
    private static async Task AuditRefusalAsync(HttpContext http, string action, string? reason)
    {
        var services = http.RequestServices;
        var audit = services.GetRequiredService<AuditLog>();
        var entry = new AuditEntry(action, "route", RouteTarget(http.Request.Method, (http.GetEndpoint() as RouteEndpoint)?.RoutePattern), Reason: reason);
        var actor = AuditActor.Of(services.GetRequiredService<CurrentStaff>());
        if (action == "request.unauthenticated") await audit.RecordRepeatableRefusalAsync(actor, entry, "denied", http.RequestAborted);
        else await audit.RecordOutsideTransactionAsync(actor, entry, "denied", http.RequestAborted);
    }

    /// <summary>"GET /api/v1/staff/complaints/{trackingCode}": the method and the route's template, without constraints.</summary>
    public static string RouteTarget(string method, Microsoft.AspNetCore.Routing.Patterns.RoutePattern? route) =>
        $"{method} {(route?.RawText is { } raw ? "/" + string.Join('/', raw.Trim('/').Split('/').Select(WithoutConstraint)) : "(no route)")}";

    private static string WithoutConstraint(string segment) =>
        segment.StartsWith('{') && segment.IndexOfAny([':', '=', '?']) is > 0 and var end ? segment[..end] + "}" : segment;
}

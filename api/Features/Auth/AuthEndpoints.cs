using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Auth;

public static class AuthEndpoints
{
    public static void MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Staff sign-in");

        group.MapPost("/login", LoginAsync)
            .WithName("Login")
            .SpendsFrom(RateLimiting.PasswordAttempts)
            .WithSummary("Sign in as a staff member")
            .WithDescription("Five failed sign-ins in a row lock the username for 15 minutes, whether or not it exists (429 with Retry-After). "
                + "Attempts are also limited per client address (FEEDBACK_RATE_LIMIT_PER_MINUTE), against guessing across many usernames.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshTokens")
            .WithSummary("Trade a refresh token for a new token pair")
            .WithDescription("Each refresh token works once. Presenting a used one ends the whole session.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapPost("/logout", LogoutAsync)
            .WithName("Logout")
            .WithSummary("End the session of a refresh token")
            .ProducesValidationProblem();

        group.MapGet("/me", GetProfileAsync)
            .WithName("GetProfile")
            .WithSummary("The signed-in staff member")
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapPost("/password", ChangePasswordAsync)
            .WithName("ChangePassword")
            .WithSummary("Change your own password")
            .WithDescription("Ends every session of the account, this one included: sign in again with the new password. A wrong current password counts towards the sign-in lock.")
            .RequireAuthorization()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> LoginAsync(
        Login.Command command, IMediator mediator, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(command, cancellationToken);
        switch (result.Outcome)
        {
            case Login.Outcome.SignedIn:
                return TypedResults.Ok(result.Tokens!);
            case Login.Outcome.Locked:
                return Locked(http, result.Wait!);
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
                    title: Lang.Pick("用户名或密码不正确", "Wrong username or password"));
        }
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> RefreshAsync(
        Refresh.Command command, IMediator mediator, CancellationToken cancellationToken) =>
        await mediator.Send(command, cancellationToken) is { } tokens
            ? TypedResults.Ok(tokens)
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
                title: Lang.Pick("登录已失效，请重新登录", "The session has ended; sign in again"));

    private static async Task<NoContent> LogoutAsync(Logout.Command command, IMediator mediator, CancellationToken cancellationToken)
    {
        await mediator.Send(command, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<GetProfile.Result>> GetProfileAsync(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new GetProfile.Query(), cancellationToken));

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePasswordAsync(
        ChangePassword.Command command, IMediator mediator, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await mediator.Send(command, cancellationToken);
        if (outcome.Changed) return TypedResults.NoContent();
        if (outcome.Wait is { } wait) return Locked(http, wait);
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["currentPassword"] = [Lang.Pick("当前密码不正确", "The current password is wrong")] },
            title: Lang.Pick("提交的内容有误，请按提示修改", "Some fields need correcting"));
    }

    private static ProblemHttpResult Locked(HttpContext http, PasswordGuesses.Wait wait)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(wait.Remaining.TotalMinutes));
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.Remaining.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests,
            title: wait.Locked
                ? Lang.Pick($"密码错误次数过多，请 {minutes} 分钟后再试", $"Too many wrong passwords: try again in {minutes} minutes")
                : Lang.Pick("该账号近期被多次尝试登录，为保护账号，请 1 分钟后再试", "This account has had many failed sign-ins lately; to protect it, try again in a minute"));
    }
}

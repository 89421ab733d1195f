using Feedback.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Users;

public static class UsersEndpoints
{
    public static void MapUsersEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/users").WithTags("Administration")
            .RequireAuthorization(AuthSetup.Administrators)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListAsync).WithName("ListUsers").WithSummary("Every staff account");

        group.MapPost("/", CreateAsync)
            .WithName("CreateUser")
            .WithSummary("Open a staff account")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPut("/{id:long}", UpdateAsync)
            .WithName("UpdateUser")
            .WithSummary("Change an account's name, role, section or status")
            .WithDescription("A change of role, section or status ends the user's sessions.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:long}/password", SetPasswordAsync)
            .WithName("SetUserPassword")
            .WithSummary("Set a new password (unlocks the account, ends its sessions)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<IReadOnlyList<ListUsers.User>>> ListAsync(IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new ListUsers.Query(), cancellationToken));

    private static async Task<Created<ListUsers.User>> CreateAsync(CreateUser.Command command, IMediator mediator, CancellationToken cancellationToken)
    {
        var user = await mediator.Send(command, cancellationToken);
        return TypedResults.Created($"/api/v1/admin/users/{user.Id}", user);
    }

    private static async Task<Ok<ListUsers.User>> UpdateAsync(long id, UpdateUser.Request request, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new UpdateUser.Command(id, request.DisplayName, request.Role, request.SectionCode, request.Active), cancellationToken));

    private static async Task<NoContent> SetPasswordAsync(long id, SetPassword.Request request, IMediator mediator, CancellationToken cancellationToken)
    {
        await mediator.Send(new SetPassword.Command(id, request.Password), cancellationToken);
        return TypedResults.NoContent();
    }
}

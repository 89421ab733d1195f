using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Time;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Feedback.Api.Features.Calendar;

public static class CalendarEndpoints
{
    public static void MapCalendarEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/calendar").WithTags("Administration")
            .RequireAuthorization(AuthSetup.Administrators)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem();

        group.MapGet("/", ListAsync).WithName("ListCalendarDays").WithSummary("A year's holidays and make-up working days");
        group.MapPut("/{date}", SetAsync).WithName("SetCalendarDay").WithSummary("Mark a day as a holiday or a make-up working day");
        group.MapDelete("/{date}", RemoveAsync).WithName("RemoveCalendarDay").WithSummary("Make a day ordinary again")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<IReadOnlyList<ListCalendarDays.Day>>> ListAsync(int year, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new ListCalendarDays.Query(year), cancellationToken));

    // The calendar reloads after the transaction commits, so this instance counts with the edit at once.
    private static async Task<NoContent> SetAsync(
        DateOnly date, SetCalendarDay.Request request, IMediator mediator, WorkingDayCalendar calendar, CancellationToken cancellationToken)
    {
        // A PUT always marks the day: a missing kind is refused by the validator, never read as "remove" (that is DELETE).
        await mediator.Send(new SetCalendarDay.Command(date, request.Kind ?? "", request.NameZh, request.NameEn), cancellationToken);
        await calendar.ReloadAsync();
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> RemoveAsync(DateOnly date, IMediator mediator, WorkingDayCalendar calendar, CancellationToken cancellationToken)
    {
        await mediator.Send(new SetCalendarDay.Command(date, null, null, null), cancellationToken);
        await calendar.ReloadAsync();
        return TypedResults.NoContent();
    }
}

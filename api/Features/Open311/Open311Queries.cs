using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Mediator;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// GeoReport's read side: service requests (a list, or one by id) and FixMyStreet's request
/// updates. Public like the service list: jurisdiction_id and api_key may be sent and are ignored.
/// </summary>
public static class Open311Queries
{
    public static void MapOpen311Queries(this RouteGroupBuilder group)
    {
        group.MapGet("/requests.{format}", async (string format, HttpRequest request, IMediator mediator, FeedbackOptions options, CancellationToken cancellationToken) =>
            {
                if (Open311Formats.Parse(format) is not { } answer) return Open311Endpoints.UnknownFormat();
                var query = request.Query;
                var requests = await mediator.Send(new ListOpen311Requests.Query(
                    Open311Parameters.Joined(query["service_request_id"]), Open311Parameters.Joined(query["service_code"]),
                    Open311Parameters.Joined(query["start_date"]), Open311Parameters.Joined(query["end_date"]),
                    Open311Parameters.Joined(query["status"])), cancellationToken);
                return answer.Write("service_requests", ListOpen311Requests.Document(requests, options.TimeZone));
            })
            .WithName("Open311ListRequests")
            .WithSummary("GeoReport v2: service requests, newest first (at most 1000)")
            .WithDescription("Filters: service_request_id (comma list; overrides the others), service_code (comma list), start_date and end_date " +
                             "(W3C date-times with an offset, at most 90 days apart; by default the last 90 days) and status (open, closed). " +
                             "Only public facts: no contact details, no citizen's description, no conduct case.");

        group.MapGet("/requests/{service_request_id}.{format}", async (string service_request_id, string format, IMediator mediator, FeedbackOptions options,
                CancellationToken cancellationToken) =>
            {
                if (Open311Formats.Parse(format) is not { } answer) return Open311Endpoints.UnknownFormat();
                var requests = SecretCode.Normalize(service_request_id) is { } code
                    ? await mediator.Send(new ListOpen311Requests.Query(ServiceRequestId: code), cancellationToken)
                    : [];
                // A conduct case answers exactly as an unknown code: its existence is not public either.
                return requests.Count == 0
                    ? answer.Error(StatusCodes.Status404NotFound, Lang.Pick($"没有这个服务请求：{service_request_id}", $"No such service request: {service_request_id}"))
                    : answer.Write("service_requests", ListOpen311Requests.Document(requests, options.TimeZone));
            })
            .WithName("Open311GetRequest")
            .WithSummary("GeoReport v2: one service request by its id (the tracking code), as a one-element list")
            .WithDescription("An unknown id, or a conduct case's, is a 404 in GeoReport's error format.");

        group.MapGet("/servicerequestupdates.{format}", async (string format, HttpRequest request, IMediator mediator, FeedbackOptions options,
                CancellationToken cancellationToken) =>
            {
                if (Open311Formats.Parse(format) is not { } answer) return Open311Endpoints.UnknownFormat();
                var updates = await mediator.Send(new ListOpen311Updates.Query(
                    Open311Parameters.Joined(request.Query["start_date"]), Open311Parameters.Joined(request.Query["end_date"])), cancellationToken);
                return answer.Write("service_requests_updates", ListOpen311Updates.Document(updates, options.TimeZone));
            })
            .WithName("Open311ListRequestUpdates")
            .WithSummary("FixMyStreet's extension: public status changes of service requests, oldest first (at most 1000)")
            .WithDescription("start_date and end_date: W3C date-times with an offset, at most 90 days apart; by default the last 24 hours. " +
                             "Statuses as FixMyStreet reads them: IN_PROGRESS, FIXED, CLOSED, DUPLICATE, NOT_COUNCILS_RESPONSIBILITY, NO_FURTHER_ACTION.");
    }
}

using System.Text.Json.Nodes;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// FixMyStreet's GET servicerequestupdates: the public status changes of cases in a window
/// (acceptance, rejection, resolution, merge, review, closing), oldest first, each with its
/// event's id as a stable update_id and the citizen timeline's wording. Never a conduct case.
/// </summary>
public static class ListOpen311Updates
{
    public const int MaxResults = 1000;

    /// <summary>FixMyStreet polls every few minutes for the last two hours; a day covers a missed night of polls.</summary>
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromHours(24);

    /// <param name="StartDate">Earliest updated_datetime (W3C); the window is at most 90 days, by default the last 24 hours.</param>
    /// <param name="EndDate">Latest updated_datetime (W3C).</param>
    public sealed record Query(string? StartDate = null, string? EndDate = null) : IQuery<IReadOnlyList<Update>>;

    /// <param name="Status">FixMyStreet's: IN_PROGRESS, FIXED, CLOSED, DUPLICATE, NOT_COUNCILS_RESPONSIBILITY, NO_FURTHER_ACTION.</param>
    public sealed record Update(string UpdateId, string ServiceRequestId, string Status, string Description, DateTimeOffset UpdatedAt);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator(BureauClock clock, FeedbackOptions options) =>
            RuleFor(q => q).Custom((query, context) =>
            {
                foreach (var problem in Open311Parameters.WindowOf(query.StartDate, query.EndDate, clock.UtcNow, DefaultSpan, options.TimeZone).Problems)
                    context.AddFailure(problem.Parameter, problem.Message);
            });
    }

    private sealed record Row(long Id, string TrackingCode, string Type, string? Message, string Data, DateTime OccurredAt);

    /// <summary>By time through complaint_events_public_by_time (migration 0028), then each event's case by its key.</summary>
    private const string Sql =
        """
        select e.id, c.tracking_code, e.type, e.message, e.data::text as data, e.occurred_at
        from complaint_events e
        join complaints c on c.id = e.complaint_id
        where e.visibility = 'public' and e.type = any(@types)
          and e.occurred_at between @start and @end
          and c.category_code = any(@categories)
        order by e.occurred_at, e.id
        limit @limit
        """;

    public sealed class Handler(ReadDatabase database, CategoryCatalog catalog, CitizenWordings wordings, BureauClock clock, FeedbackOptions options)
        : IQueryHandler<Query, IReadOnlyList<Update>>
    {
        public async ValueTask<IReadOnlyList<Update>> Handle(Query query, CancellationToken cancellationToken)
        {
            var window = Open311Parameters.WindowOf(query.StartDate, query.EndDate, clock.UtcNow, DefaultSpan, options.TimeZone).Window!;
            var categories = await Open311Services.ReadableCategoryCodesAsync(catalog);
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<Row>(new CommandDefinition(Sql, new
            {
                types = Open311Statuses.UpdateEvents,
                start = window.Start.UtcDateTime,
                end = window.End.UtcDateTime,
                categories,
                limit = MaxResults,
            }, cancellationToken: cancellationToken));

            var sectionName = await catalog.SectionNamesAsync();
            return rows.Select(row =>
            {
                var words = new CitizenWords(row.Message, JsonNode.Parse(row.Data)!.AsObject(), sectionName);
                return new Update(row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), row.TrackingCode,
                    Open311Statuses.UpdateStatus(row.Type, words), Open311Statuses.PublicText(wordings, row.Type, words),
                    new DateTimeOffset(row.OccurredAt, TimeSpan.Zero));
            }).ToList();
        }
    }

    /// <summary>&lt;service_requests_updates&gt;&lt;request_update&gt;…, as FixMyStreet reads them.</summary>
    public static Open311Value Document(IEnumerable<Update> updates, TimeZoneInfo zone) => new Open311Value.List("request_update", updates.Select(update =>
        (Open311Value)new Open311Value.Object([
            ("update_id", update.UpdateId),
            ("service_request_id", update.ServiceRequestId),
            ("status", update.Status),
            ("updated_datetime", Open311Wording.DateTime(update.UpdatedAt, zone)),
            ("description", update.Description),
            ("media_url", ""),
        ])).ToList());
}

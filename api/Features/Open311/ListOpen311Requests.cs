using System.Text.Json.Nodes;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// GeoReport v2 GET requests: cases as anyone may see them, filed natively, by staff or over
/// Open311 alike. Only what is public: the status and the public texts of the timeline, the
/// category, the section, the township and street without numbers, the place to about 100 m, and
/// for a published case its approved summary. Never contact details, the citizen's own
/// description or photos, and never a conduct case.
/// </summary>
public static class ListOpen311Requests
{
    public const int MaxResults = 1000;

    /// <param name="ServiceRequestId">Tracking codes, comma separated; when given, every other filter is ignored.</param>
    /// <param name="ServiceCode">Category codes, comma separated.</param>
    /// <param name="StartDate">Earliest requested_datetime (W3C); the window is at most 90 days, by default the last 90.</param>
    /// <param name="EndDate">Latest requested_datetime (W3C).</param>
    /// <param name="Status">open, closed or both, comma separated.</param>
    public sealed record Query(
        string? ServiceRequestId = null, string? ServiceCode = null, string? StartDate = null, string? EndDate = null, string? Status = null)
        : IQuery<IReadOnlyList<Request>>;

    /// <summary>One service request, its fields as GeoReport names them; null where the case has none.</summary>
    public sealed record Request(
        string ServiceRequestId, string Status, string StatusNotes, string ServiceName, string ServiceCode, string Description,
        string AgencyResponsible, string ServiceNotice, DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ExpectedAt,
        string? Address, double? Latitude, double? Longitude);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator(BureauClock clock, FeedbackOptions options)
        {
            RuleFor(q => q.ServiceRequestId)
                .Must(ids => Open311Parameters.Items(ids).Count <= MaxResults).OverridePropertyName("service_request_id")
                .WithMessage(_ => Lang.Pick($"一次最多查询 {MaxResults} 个编号", $"At most {MaxResults} ids at a time"));
            RuleFor(q => q.Status)
                .Must(status => Open311Parameters.Items(status).All(s => s is Open311Statuses.Open or Open311Statuses.Closed))
                .OverridePropertyName("status")
                .WithMessage(_ => Lang.Pick("状态只能是 open 或 closed", "status is open or closed"));
            RuleFor(q => q).Custom((query, context) =>
            {
                if (Open311Parameters.Items(query.ServiceRequestId).Count > 0) return; // ids override the dates
                foreach (var problem in Open311Parameters.WindowOf(query.StartDate, query.EndDate, clock.UtcNow, Open311Parameters.MaxSpan, options.TimeZone).Problems)
                    context.AddFailure(problem.Parameter, problem.Message);
            });
        }
    }

    private sealed record Row(
        string TrackingCode, string Status, string CategoryCode, string SectionCode, DateTime SubmittedAt, DateOnly AcceptBy, DateOnly? ResolveBy,
        string? Township, string? Address, double? Latitude, double? Longitude,
        string? NoteType, string? NoteMessage, string? NoteData, DateTime UpdatedAt, string? PublishedSummary);

    /// <summary>
    /// One statement: the cases, the latest public note event and the latest public event of each
    /// (both backwards on complaint_events (complaint_id, id)), and the published summary. By
    /// dates it walks complaints_by_newest (submitted_at desc, id desc) and stops at the limit.
    /// </summary>
    private static string Sql(bool byIds) =>
        $"""
         select c.tracking_code, c.status, c.category_code, c.section_code, c.submitted_at, c.accept_by, c.resolve_by,
                c.township, c.address, c.latitude, c.longitude,
                note.type as note_type, note.message as note_message, note.data::text as note_data,
                coalesce(last_public.occurred_at, c.submitted_at) as updated_at,
                p.summary as published_summary
         from complaints c
         left join lateral (
             select e.type, e.message, e.data from complaint_events e
             where e.complaint_id = c.id and e.visibility = 'public' and e.type = any(@noteEvents)
             order by e.id desc limit 1) note on true
         left join lateral (
             select e.occurred_at from complaint_events e
             where e.complaint_id = c.id and e.visibility = 'public'
             order by e.id desc limit 1) last_public on true
         left join published_cases p on p.complaint_id = c.id and p.status = 'published'
         where c.category_code = any(@categories)
           and {(byIds
               ? "c.tracking_code = any(@ids)"
               : "c.submitted_at between @start and @end and (@statuses::text[] is null or c.status = any(@statuses))")}
         order by c.submitted_at desc, c.id desc
         limit @limit
         """;

    public sealed class Handler(ReadDatabase database, CategoryCatalog catalog, CitizenWordings wordings, BureauClock clock, FeedbackOptions options)
        : IQueryHandler<Query, IReadOnlyList<Request>>
    {
        public async ValueTask<IReadOnlyList<Request>> Handle(Query query, CancellationToken cancellationToken)
        {
            var requested = Open311Parameters.Items(query.ServiceRequestId);
            var ids = requested.Select(SecretCode.Normalize).OfType<string>().ToArray();
            var byIds = requested.Count > 0;
            // Conduct categories are confidential: their cases are not in GeoReport at all.
            IEnumerable<string> categories = await Open311Services.ReadableCategoryCodesAsync(catalog);
            var asked = Open311Parameters.Items(query.ServiceCode);
            if (!byIds && asked.Count > 0) categories = categories.Intersect(asked, StringComparer.Ordinal);
            var statuses = Open311Parameters.Items(query.Status);
            var window = byIds ? null
                : Open311Parameters.WindowOf(query.StartDate, query.EndDate, clock.UtcNow, Open311Parameters.MaxSpan, options.TimeZone).Window!;

            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<Row>(new CommandDefinition(Sql(byIds), new
            {
                noteEvents = Open311Statuses.NoteEvents,
                categories = categories.ToArray(),
                ids,
                start = window?.Start.UtcDateTime,
                end = window?.End.UtcDateTime,
                statuses = byIds || statuses.Count == 0 ? null : statuses.SelectMany(Open311Statuses.Codes).ToArray(),
                limit = MaxResults,
            }, cancellationToken: cancellationToken));

            var sectionName = await catalog.SectionNamesAsync();
            var townships = await catalog.ListTownshipsAsync();
            var requests = new List<Request>();
            foreach (var row in rows)
            {
                var category = await catalog.GetCategoryAsync(row.CategoryCode);
                var status = ComplaintStatuses.Parse(row.Status);
                var note = row.NoteType is { } type
                    ? Open311Statuses.PublicText(wordings, type, new CitizenWords(row.NoteMessage, JsonNode.Parse(row.NoteData!)!.AsObject(), sectionName))
                    : "";
                var township = row.Township is { } name && townships.FirstOrDefault(t => t.NameZh == name) is { } known ? Lang.Pick(known.NameZh, known.NameEn) : row.Township;
                var place = PublicPlace.Of(row.Address);
                // An address that starts with its township ("剡湖街道城东路…", as other systems send it) is not prefixed twice.
                var address = place is not null && row.Township is { } given && place.StartsWith(given, StringComparison.Ordinal)
                    ? place
                    : string.Join(" ", new[] { township, place }.OfType<string>());
                requests.Add(new Request(
                    row.TrackingCode,
                    Open311Statuses.Of(status),
                    note,
                    Lang.Pick(category.NameZh, category.NameEn),
                    row.CategoryCode,
                    row.PublishedSummary ?? "",
                    sectionName(row.SectionCode) ?? row.SectionCode,
                    Notice(status, row.AcceptBy, row.ResolveBy),
                    new DateTimeOffset(row.SubmittedAt, TimeSpan.Zero),
                    new DateTimeOffset(row.UpdatedAt, TimeSpan.Zero),
                    row.ResolveBy is { } resolveBy && status != ComplaintStatus.Rejected && status != ComplaintStatus.Merged ? EndOf(resolveBy) : null,
                    address.Length > 0 ? address : null,
                    Rounded(row.Latitude),
                    Rounded(row.Longitude)));
            }
            return requests;
        }

        /// <summary>
        /// expected_datetime: the last second of the resolution deadline's day in the bureau's zone,
        /// since a result on that day is on time.
        /// </summary>
        private DateTimeOffset EndOf(DateOnly day)
        {
            var local = day.ToDateTime(new TimeOnly(23, 59, 59), DateTimeKind.Unspecified);
            return new DateTimeOffset(local, options.TimeZone.GetUtcOffset(local));
        }

        /// <summary>
        /// service_notice: while submitted, when the section decides; in hand, when it resolves;
        /// nothing once the bureau has answered.
        /// </summary>
        private static string Notice(ComplaintStatus status, DateOnly acceptBy, DateOnly? resolveBy) => status switch
        {
            ComplaintStatus.Submitted => Open311Wording.ServiceNotice(acceptBy),
            ComplaintStatus.Accepted or ComplaintStatus.InProgress when resolveBy is { } day => Lang.Pick(
                $"受理部门将于 {Lang.LongDate(day, english: false)} 前办结",
                $"The section will resolve the case by {Lang.LongDate(day, english: true)}"),
            _ => "",
        };

        /// <summary>Three decimals, about 100 m: enough to find the place, not the house.</summary>
        private static double? Rounded(double? degrees) => degrees is { } value ? Math.Round(value, 3, MidpointRounding.AwayFromZero) : null;
    }

    /// <summary>&lt;service_requests&gt;&lt;request&gt;…, fields in the specification's order.</summary>
    public static Open311Value Document(IEnumerable<Request> requests, TimeZoneInfo zone) => new Open311Value.List("request", requests.Select(request =>
    {
        List<(string, Open311Value?)> fields =
        [
            ("service_request_id", request.ServiceRequestId),
            ("status", request.Status),
            ("status_notes", request.StatusNotes),
            ("service_name", request.ServiceName),
            ("service_code", request.ServiceCode),
            ("description", request.Description),
            ("agency_responsible", request.AgencyResponsible),
            ("service_notice", request.ServiceNotice),
            ("requested_datetime", Open311Wording.DateTime(request.RequestedAt, zone)),
            ("updated_datetime", Open311Wording.DateTime(request.UpdatedAt, zone)),
        ];
        if (request.ExpectedAt is { } expected) fields.Add(("expected_datetime", Open311Wording.DateTime(expected, zone)));
        fields.Add(("address", request.Address ?? ""));
        fields.Add(("address_id", ""));
        fields.Add(("zipcode", ""));
        if (request.Latitude is { } lat && request.Longitude is { } lon)
        {
            fields.Add(("lat", new Open311Value.Number(lat)));
            fields.Add(("long", new Open311Value.Number(lon)));
        }
        return (Open311Value)new Open311Value.Object(fields);
    }).ToList());
}

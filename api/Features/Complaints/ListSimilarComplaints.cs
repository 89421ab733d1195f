using System.ComponentModel;
using System.Globalization;
using Dapper;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// Before filing, a citizen sees open cases like theirs nearby and may say "me too" instead of
/// filing a duplicate (FixMyStreet's approach). Like means the same category group; nearby means
/// the same township, or within <see cref="RadiusMetres"/> of their pin when both have one;
/// recent means submitted in the last <see cref="WindowDays"/> days. Only what anyone may read is
/// shown (<see cref="PublicSummary"/>): a support id that opens nothing but "me too", never the
/// tracking code, contact details, photos, staff or the description, the street or landmark
/// without house numbers, and the distance rounded up to 100 m so a case's pin cannot be
/// pinpointed by moving one's own. Confidential (conduct) cases are never listed: for such a
/// category the list is empty.
/// </summary>
public static class ListSimilarComplaints
{
    public const int RadiusMetres = 1000;
    public const int WindowDays = 30;
    public const int MaxItems = 10;

    /// <summary>Mean Earth radius (IUGG); at 1 km the equirectangular formula is exact to centimetres.</summary>
    private const double EarthRadiusMetres = 6371008.8;

    public sealed record Query(
        [FromQuery(Name = "categoryCode")] [property: Description("The category the citizen chose (required).")] string? CategoryCode = null,
        [FromQuery(Name = "township")] [property: Description("The township or street (乡镇/街道), if known.")] string? Township = null,
        [FromQuery(Name = "lat")] [property: Description("Latitude of the map pin in decimal degrees (WGS-84); with lng or not at all.")] string? Lat = null,
        [FromQuery(Name = "lng")] [property: Description("Longitude of the map pin in decimal degrees (WGS-84); with lat or not at all.")] string? Lng = null)
        : IQuery<Result>;

    /// <param name="SupportId">To say "me too" (POST /api/v1/complaints/similar/{supportId}/support) and to follow the case's
    /// status (GET /api/v1/complaints/similar/{supportId}); it opens nothing else, and it is not the tracking code.</param>
    /// <param name="Place">The street or landmark the citizen gave, without house, building or room numbers; null when none.</param>
    /// <param name="StatusText">The status in plain words, in the caller's language.</param>
    /// <param name="SubmittedOn">The bureau's date of submission.</param>
    /// <param name="SubmittedAt">When it was submitted, to the hour (for "3 hours ago").</param>
    /// <param name="DistanceMetres">From the given pin, rounded up to 100 m; null when either side has no pin.</param>
    public sealed record Item(
        Guid SupportId, string CategoryCode, string CategoryName, string? Township, string? Place, DateOnly SubmittedOn,
        DateTimeOffset SubmittedAt, ComplaintStatus Status, string StatusText, int SupportCount, int? DistanceMetres);

    /// <param name="Items">Nearest first, then newest; at most 10.</param>
    public sealed record Result(IReadOnlyList<Item> Items, int RadiusMetres, int WindowDays);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator(CategoryCatalog catalog, FeedbackOptions options)
        {
            RuleFor(q => q.CategoryCode)
                .NotEmpty().WithMessage(_ => Lang.Pick("请选择投诉类别", "Choose a category"))
                .MustAsync(async (code, _) => string.IsNullOrEmpty(code) || (code.Length <= 64 && await catalog.FindActiveCategoryAsync(code) is not null))
                .WithMessage(_ => CategoryCatalog.UnknownCategory);
            RuleFor(q => q.Township).OptionalText(50);

            var area = options.ServiceArea;
            RuleFor(q => q.Lat).Coordinate(90, area.South, area.North, Lang.Pick("纬度", "Latitude"))
                .When(q => q.Lat is not null);
            RuleFor(q => q.Lng).Coordinate(180, area.West, area.East, Lang.Pick("经度", "Longitude"))
                .When(q => q.Lng is not null);
            RuleFor(q => q.Lat).NotNull().When(q => q.Lng is not null)
                .WithMessage(_ => Lang.Pick("请同时提供纬度和经度", "Give both latitude and longitude, or neither"));
            RuleFor(q => q.Lng).NotNull().When(q => q.Lat is not null)
                .WithMessage(_ => Lang.Pick("请同时提供纬度和经度", "Give both latitude and longitude, or neither"));
        }
    }

    /// <summary>Decimal degrees, e.g. 29.5866; invariant culture, no thousands separators.</summary>
    public static double? ParseDegrees(string? text) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
        && double.IsFinite(value) ? value : null;

    private static IRuleBuilderOptions<Query, string?> Coordinate(
        this IRuleBuilder<Query, string?> rule, double limit, double low, double high, string name) =>
        rule.Must(text => ParseDegrees(text) is not null)
            .WithMessage(_ => Lang.Pick($"{name}须为十进制度数，例如 29.5866", $"{name} must be decimal degrees, e.g. 29.5866"))
            .Must(text => ParseDegrees(text) is not { } v || Math.Abs(v) <= limit)
            .WithMessage(_ => Lang.Pick($"{name}须在 -{limit} 到 {limit} 之间", $"{name} must be between -{limit} and {limit}"))
            .Must(text => ParseDegrees(text) is not { } v || Math.Abs(v) > limit || (v >= low && v <= high))
            .WithMessage(_ => Lang.Pick("该位置不在本局辖区内", "This place is outside the bureau's area"));

    /// <summary>What a public summary reads of a case: the select list of <see cref="PublicSummary.Columns"/>.</summary>
    public sealed record Row(
        Guid SupportId, string CategoryCode, string? Township, string? Address, DateTime SubmittedAt, string Status, int SupportCount,
        double? DistanceMetres);

    /// <summary>A case as any citizen may see it, in the list and when following a case they supported.</summary>
    public sealed class PublicSummary(CategoryCatalog catalog, BureauClock clock)
    {
        /// <summary>The columns of a <see cref="Row"/> from complaints c (add distance_metres).</summary>
        public const string Columns = "c.support_id, c.category_code, c.township, c.address, c.submitted_at, c.status, c.support_count";

        public async Task<Item> OfAsync(Row row)
        {
            var category = await catalog.GetCategoryAsync(row.CategoryCode);
            var status = ComplaintStatuses.Parse(row.Status);
            var submitted = new DateTimeOffset(row.SubmittedAt, TimeSpan.Zero);
            return new Item(row.SupportId, row.CategoryCode, Lang.Pick(category.NameZh, category.NameEn), row.Township,
                PublicPlace.Of(row.Address), clock.DateOf(submitted), submitted.AddTicks(-(submitted.Ticks % TimeSpan.TicksPerHour)),
                status, StatusText(status), row.SupportCount,
                row.DistanceMetres is { } metres ? Math.Max(100, (int)Math.Ceiling(metres / 100) * 100) : null);
        }
    }

    public sealed class Handler(ReadDatabase database, CategoryCatalog catalog, BureauClock clock, PublicSummary summary) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            var category = await catalog.FindActiveCategoryAsync(query.CategoryCode!)
                ?? throw new ValidationException([new FluentValidation.Results.ValidationFailure(nameof(Query.CategoryCode), CategoryCatalog.UnknownCategory)]);
            var township = ComplaintText.Clean(query.Township);
            var lat = ParseDegrees(query.Lat);
            var lng = ParseDegrees(query.Lng);
            if (category.Confidential || (township is null && lat is null)) return new Result([], RadiusMetres, WindowDays);

            // Retired categories of the group too: their open cases are still open.
            var categories = (await catalog.ListAllCategoriesAsync())
                .Where(c => c.GroupCode == category.GroupCode && !c.Confidential).Select(c => c.Code).ToArray();
            var parameters = new DynamicParameters(new { categories, since = clock.UtcNow.AddDays(-WindowDays), limit = MaxItems });
            var nearby = new List<string>(); // the conditions of "nearby", any of which will do
            var distance = "null::float8";
            if (township is not null)
            {
                nearby.Add("c.township = @township");
                parameters.Add("township", township);
            }
            if (lat is { } pinLat && lng is { } pinLng)
            {
                // Equirectangular distance: at 1 km it differs from the great circle by centimetres.
                distance = "@earthRadius * sqrt(power(radians(c.latitude - @lat), 2) + power(radians(c.longitude - @lng) * @cosLat, 2))";
                // The box around the pin lets an index find the candidates; the distance then trims its corners.
                nearby.Add($"(c.latitude between @south and @north and c.longitude between @west and @east and {distance} <= @radius)");
                var cosLat = Math.Max(Math.Cos(pinLat * Math.PI / 180), 0.01);
                var degrees = RadiusMetres / (EarthRadiusMetres * Math.PI / 180);
                parameters.AddDynamicParams(new
                {
                    lat = pinLat, lng = pinLng, cosLat, earthRadius = EarthRadiusMetres, radius = (double)RadiusMetres,
                    south = pinLat - degrees, north = pinLat + degrees, west = pinLng - degrees / cosLat, east = pinLng + degrees / cosLat,
                });
            }

            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            // The ten are chosen from the index alone (migration 0013: an index-only scan); only
            // their rows are read for the summary. Never the description: it is the citizen's own
            // words, which may name people and places; of the address only the street or landmark.
            var rows = await connection.QueryAsync<Row>(new CommandDefinition(
                $"""
                 with nearby as (
                     select c.id, c.submitted_at, case when c.latitude is not null then {distance} end as distance_metres
                     from complaints c
                     where c.category_code = any(@categories)
                       and c.status in ('submitted', 'accepted', 'in_progress')
                       and c.submitted_at >= @since
                       and ({string.Join(" or ", nearby)})
                     order by distance_metres nulls last, c.submitted_at desc, c.id desc
                     limit @limit
                 )
                 select {PublicSummary.Columns}, n.distance_metres
                 from nearby n join complaints c on c.id = n.id
                 order by n.distance_metres nulls last, n.submitted_at desc, n.id desc
                 """, parameters, cancellationToken: cancellationToken));

            var items = new List<Item>();
            foreach (var row in rows) items.Add(await summary.OfAsync(row));
            return new Result(items, RadiusMetres, WindowDays);
        }
    }

    /// <summary>Open statuses in the words the tracking page uses.</summary>
    public static string StatusText(ComplaintStatus status) => status switch
    {
        ComplaintStatus.Submitted => Lang.Pick("待受理", "Awaiting acceptance"),
        ComplaintStatus.Accepted => Lang.Pick("已受理", "Accepted"),
        ComplaintStatus.InProgress => Lang.Pick("办理中", "In progress"),
        ComplaintStatus.Resolved => Lang.Pick("已办结", "Resolved"),
        ComplaintStatus.Closed => Lang.Pick("已关闭", "Closed"),
        ComplaintStatus.Rejected => Lang.Pick("不予受理", "Not accepted"),
        ComplaintStatus.Merged => Lang.Pick("已合并", "Merged"),
        _ => status.ToCode(),
    };
}

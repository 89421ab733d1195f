using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.Photos;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// GeoReport v2 under /open311/v2, each resource as .json and .xml: the {format} suffix picks the
/// format. Refusals are GeoReport's error list, not problem details (<see cref="Open311Errors"/>).
/// </summary>
public static class Open311Endpoints
{
    public const string Root = "/open311/v2";

    public static IServiceCollection AddOpen311(this IServiceCollection services)
    {
        // Ahead of the default writer, which would otherwise answer these routes with problem details.
        services.AddSingleton<IProblemDetailsWriter, Open311Errors>();
        services.AddScoped<Open311Keys>();
        return services;
    }

    public static void MapOpen311Endpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Root).WithTags("Open311");

        group.MapGet("/discovery.{format}", (string format, HttpRequest request) =>
                Open311Formats.Parse(format) is not { } answer ? UnknownFormat()
                    : answer.Write("discovery", Open311Services.Discovery($"{request.Scheme}://{request.Host}{request.PathBase}{Root}")))
            .WithName("Open311Discovery")
            .WithSummary("GeoReport v2 service discovery: the specification, this endpoint and its formats");

        group.MapGet("/services.{format}", async (string format, CategoryCatalog catalog) =>
                Open311Formats.Parse(format) is not { } answer ? UnknownFormat()
                    : answer.Write("services", Open311Services.List(await Open311Services.PublicAsync(catalog))))
            .WithName("Open311Services")
            .WithSummary("GeoReport v2: one service per public category")
            .WithDescription("Names and descriptions in the language of Accept-Language (zh-CN by default). Conduct categories never appear.");

        group.MapGet("/services/{service_code}.{format}", async (string service_code, string format, CategoryCatalog catalog) =>
            {
                if (Open311Formats.Parse(format) is not { } answer) return UnknownFormat();
                var category = (await Open311Services.PublicAsync(catalog)).FirstOrDefault(c => c.Code == service_code);
                return category is null
                    ? answer.Error(StatusCodes.Status404NotFound, Lang.Pick($"没有这项服务：{service_code}", $"No such service: {service_code}"))
                    : answer.Write("service_definition", Open311Services.Definition(category));
            })
            .WithName("Open311ServiceDefinition")
            .WithSummary("GeoReport v2: a service's definition, its guided questions as attributes")
            .WithDescription("The service code is split from the suffix at the last dot (noise.construction.json). An unknown or conduct code is a 404 in GeoReport's error format.");

        group.MapPost("/requests.{format}", FileRequestAsync)
            .WithName("Open311PostRequest")
            .WithSummary("GeoReport v2: file a service request with an API key")
            .WithDescription("application/x-www-form-urlencoded, or multipart/form-data with up to 9 photo files (any part name; the checks of POST /api/v1/uploads). "
                + "Parameters: api_key, service_code, lat + long and/or address_string, attribute[code], description (≤ 4000 characters), "
                + "email, phone, first_name, last_name, device_id, account_id, media_url (kept as a link, never fetched). An empty parameter counts as missing. "
                + "Answers a one-element list: service_request_id (the tracking code), service_notice, account_id when given, and query_password.")
            // Described, not declared with Accepts: declared, another content type would fall through to the 404 fallback instead of a 415.
            .AddOpenApiOperationTransformer(DescribeFormAsync);

        group.MapGet("/tokens/{token}.{format}", async (string token, string format, IMediator mediator, CancellationToken cancellationToken) =>
            {
                if (Open311Formats.Parse(format) is not { } answer) return UnknownFormat();
                // A token is its request's id: found exactly as GET requests/{id} finds one (never a conduct case).
                var found = SecretCode.Normalize(token) is { } code
                    ? await mediator.Send(new ListOpen311Requests.Query(ServiceRequestId: code), cancellationToken)
                    : [];
                if (found.Count == 0)
                    return answer.Error(StatusCodes.Status404NotFound, Lang.Pick(
                        $"没有这个 token：{token}。本服务提交时即返回 service_request_id", $"No such token: {token}. This server answers a POST with its service_request_id at once"));
                var id = found[0].ServiceRequestId;
                return answer.Write("service_requests", new Open311Value.List("request",
                    [new Open311Value.Object([("service_request_id", id), ("token", id)])]));
            })
            .WithName("Open311Token")
            .WithSummary("GeoReport v2: the request a token stands for; here every request's token is its service_request_id")
            .WithDescription("Served for completeness: every service is realtime, so POST requests answers with the service_request_id at once.");

        group.MapOpen311Queries();

        group.MapFallback("/{**path}", (HttpContext http) => Open311Errors.FormatOf(http).Error(StatusCodes.Status404NotFound,
                Lang.Pick("没有这个资源；GeoReport 的资源见 discovery.json", "No such resource; discovery.json lists GeoReport's resources")))
            .ExcludeFromDescription();
    }

    /// <summary>The parameters of POST requests.{format}, for the OpenAPI document (the endpoint reads the form itself).</summary>
    /// <param name="attribute">attribute[code]=value, one per guided question (GET services/{service_code}.{format}).</param>
    /// <param name="media">Photo files (multipart only), JPEG, PNG or WebP, at most 10 MB each, 9 in all; any part name.</param>
    public sealed record Open311RequestForm(
        string api_key, string service_code, string description, double? lat, double? @long, string? address_string,
        string? attribute, string? email, string? phone, string? first_name, string? last_name,
        string? device_id, string? account_id, string? media_url, IFormFileCollection? media);

    private static async Task DescribeFormAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(Open311RequestForm), null, cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/x-www-form-urlencoded"] = new() { Schema = schema },
                ["multipart/form-data"] = new() { Schema = schema },
            },
        };
    }

    private static async Task<IResult> FileRequestAsync(
        string format, HttpContext http, Open311Keys keys, CategoryCatalog catalog, IMediator mediator, CancellationToken cancellationToken)
    {
        if (Open311Formats.Parse(format) is not { } answer) return UnknownFormat();
        var form = await Open311Form.ReadAsync(http.Request, cancellationToken);
        var key = await keys.AuthenticateAsync(form["api_key"], cancellationToken);
        var code = form["service_code"];
        if (code is not null && await catalog.FindActiveCategoryAsync(code) is not { Confidential: false })
            return answer.Error(StatusCodes.Status404NotFound, FileOpen311Request.NoSuchService(code));

        var photos = new List<PhotoProcessing.Processed>();
        foreach (var file in form.Files) photos.Add(await PhotoProcessing.ProcessAsync(file, cancellationToken));
        var address = form["address_string"];
        var result = await mediator.Send(new FileOpen311Request.Command(
            key, code ?? "", form["description"] ?? "",
            FileOpen311Request.TownshipIn(address, await catalog.ListTownshipsAsync()), address,
            new SubmitComplaint.Contact(FileOpen311Request.FullName(form["first_name"], form["last_name"]), form["phone"], form["email"]),
            form.Attributes, Coordinate(form, "lat", "latitude"), Coordinate(form, "long", "longitude"),
            form["device_id"], form["account_id"], form["media_url"], photos), cancellationToken);

        http.Response.Headers.Location = $"{http.Request.PathBase}{Root}/requests/{result.TrackingCode}.{format}";
        List<(string, Open311Value?)> fields =
        [
            ("service_request_id", result.TrackingCode),
            ("service_notice", Open311Wording.ServiceNotice(result.AcceptBy)),
        ];
        if (form["account_id"] is { } account) fields.Add(("account_id", account));
        fields.Add(("query_password", result.QueryPassword));
        return answer.Write("service_requests", new Open311Value.List("request", [new Open311Value.Object(fields)]), StatusCodes.Status201Created);
    }

    /// <summary>A decimal number of degrees, or null when not given; anything else is the caller's mistake in that parameter.</summary>
    private static double? Coordinate(Open311Form form, string parameter, string field) =>
        form[parameter] is not { } text ? null
        : double.TryParse(text.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
        : throw new FluentValidation.ValidationException([new FluentValidation.Results.ValidationFailure(field, Lang.Pick("坐标不是有效数字", "Not a valid number"))]);

    /// <summary>A suffix other than .json or .xml: there is no format to answer in, so JSON, which most clients read.</summary>
    public static IResult UnknownFormat() => Open311Format.Json.Error(StatusCodes.Status404NotFound,
        Lang.Pick("请以 .json 或 .xml 结尾", "End the path in .json or .xml"));
}

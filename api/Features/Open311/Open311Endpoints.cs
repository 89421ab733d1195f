using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Localization;

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

        group.MapOpen311Queries();

        group.MapFallback("/{**path}", (HttpContext http) => Open311Errors.FormatOf(http).Error(StatusCodes.Status404NotFound,
                Lang.Pick("没有这个资源；GeoReport 的资源见 discovery.json", "No such resource; discovery.json lists GeoReport's resources")))
            .ExcludeFromDescription();
    }

    /// <summary>A suffix other than .json or .xml: there is no format to answer in, so JSON, which most clients read.</summary>
    public static IResult UnknownFormat() => Open311Format.Json.Error(StatusCodes.Status404NotFound,
        Lang.Pick("请以 .json 或 .xml 结尾", "End the path in .json or .xml"));
}

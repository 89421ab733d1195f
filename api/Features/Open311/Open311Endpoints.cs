using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Open311;

/// <summary>
/// GeoReport v2 under /open311/v2, each route as .json and .xml (the suffix picks the format).
/// Errors are GeoReport's own list, not problem details: its clients parse nothing else.
/// </summary>
public static class Open311Endpoints
{
    public const string Root = "/open311/v2";

    public static void MapOpen311Endpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Root).WithTags("Open311");

        group.MapGet("/{file}", async (string file, HttpRequest request, CategoryCatalog catalog) =>
            {
                if (Open311Formats.Split(file) is not var (name, format)) return UnknownFormat();
                return name switch
                {
                    "discovery" => format.Write("discovery", Open311Services.Discovery($"{request.Scheme}://{request.Host}{request.PathBase}{Root}")),
                    "services" => format.Write("services", Open311Services.List(await Open311Services.PublicAsync(catalog))),
                    _ => format.Error(StatusCodes.Status404NotFound, Lang.Pick("没有这个资源", "No such resource")),
                };
            })
            .WithName("Open311Resource")
            .WithSummary("GeoReport v2: discovery.{json|xml} (service discovery) or services.{json|xml} (one service per public category)")
            .WithDescription("Names and descriptions in the language of Accept-Language (zh-CN by default). Conduct categories never appear.");

        group.MapGet("/services/{file}", async (string file, CategoryCatalog catalog) =>
            {
                if (Open311Formats.Split(file) is not var (code, format)) return UnknownFormat();
                var category = (await Open311Services.PublicAsync(catalog)).FirstOrDefault(c => c.Code == code);
                return category is null
                    ? format.Error(StatusCodes.Status404NotFound, Lang.Pick($"没有这项服务：{code}", $"No such service: {code}"))
                    : format.Write("service_definition", Open311Services.Definition(category));
            })
            .WithName("Open311ServiceDefinition")
            .WithSummary("GeoReport v2: a service's definition, services/{service_code}.{json|xml}: its guided questions as attributes")
            .WithDescription("The service code is split from the suffix at the last dot (noise.construction.json). An unknown or conduct code is a 404 in GeoReport's error format.");
    }

    /// <summary>Without a known suffix there is no format to answer in: JSON, which most clients read.</summary>
    private static IResult UnknownFormat() => Open311Format.Json.Error(StatusCodes.Status404NotFound,
        Lang.Pick("请以 .json 或 .xml 结尾", "End the path in .json or .xml"));
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Feedback.Api.Infrastructure.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document at /openapi/v1.json (and .yaml), Swagger UI at /swagger, and the
/// export that writes the checked-in openapi.yaml without touching a database.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";
    private const string BearerScheme = "bearer";

    public static void AddFeedbackOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, openApi =>
        {
            openApi.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            // Use cases nest their records (SubmitComplaint.Command): name schemas "SubmitComplaintCommand".
            openApi.CreateSchemaReferenceId = type => type.Type.IsNested && type.Type.DeclaringType is { } outer
                ? outer.Name + type.Type.Name
                : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Feedback API",
                    Version = "v1",
                    Description = "Public feedback service of the municipal environmental protection bureau: " +
                                  "citizens report problems and follow their cases; staff handle them within legal deadlines.",
                };
                // The document is the same wherever it is served from (the checked-in copy is compared to it).
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [BearerScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "JWT",
                        Description = "Staff access token from POST /api/v1/auth/login (10 minutes; refresh with /api/v1/auth/refresh).",
                    },
                };
                return Task.CompletedTask;
            });
            // Routes that need a signed-in staff member say so.
            openApi.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any())
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                return Task.CompletedTask;
            });
        });

    /// <summary>
    /// The document and Swagger UI, as FEEDBACK_API_DOCS allows: public (a demo, an open API), for
    /// signed-in staff only (the document needs a bearer token; the UI, a page a browser opens
    /// without one, is off), or not at all. `make openapi` always reads it.
    /// </summary>
    public static void MapFeedbackOpenApi(this WebApplication app, ApiDocsAccess access)
    {
        if (access == ApiDocsAccess.Off) return;
        var documents = new[] { app.MapOpenApi("/openapi/{documentName}.json"), app.MapOpenApi("/openapi/{documentName}.yaml") };
        if (access == ApiDocsAccess.SignedIn)
        {
            foreach (var document in documents) document.RequireAuthorization(); // any signed-in staff member
            return;
        }
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "swagger";
            ui.SwaggerEndpoint($"/openapi/{DocumentName}.json", "Feedback API v1");
            ui.DocumentTitle = "Feedback API";
        });
    }

    /// <summary>
    /// Writes the document as YAML, as `make openapi` does: the app starts on a free loopback port
    /// (without migrating — nothing here touches the database) and saves what it serves, written by
    /// <see cref="OpenApiYaml"/> so that YAML 1.1 and 1.2 readers take every scalar the same way.
    /// </summary>
    public static async Task ExportAsync(WebApplication app, string path)
    {
        app.Urls.Clear();
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var document = JsonNode.Parse(await http.GetStringAsync($"/openapi/{DocumentName}.json"));
            await File.WriteAllTextAsync(path, OpenApiYaml.Write(document));
        }
        finally
        {
            await app.StopAsync();
        }
    }
}

using Dapper;
using Feedback.Api.Features.Auth;
using Feedback.Api.Features.Bulletins;
using Feedback.Api.Features.Calendar;
using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Features.FollowUp;
using Feedback.Api.Features.Health;
using Feedback.Api.Features.Housekeeping;
using Feedback.Api.Features.Metrics;
using Feedback.Api.Features.Notifications;
using Feedback.Api.Features.Open311;
using Feedback.Api.Features.Photos;
using Feedback.Api.Features.Publication;
using Feedback.Api.Features.Reminders;
using Feedback.Api.Features.Routing;
using Feedback.Api.Features.Sections;
using Feedback.Api.Features.StaffComplaints;
using Feedback.Api.Features.Townships;
using Feedback.Api.Features.Users;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Audit;
using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Csv;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Mediator;
using Feedback.Api.Infrastructure.Observability;
using Feedback.Api.Infrastructure.OpenApi;
using Feedback.Api.Infrastructure.Security;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Microsoft.Extensions.FileProviders;

// Verbs: (none) serve · "migrate" apply migrations and exit · "admin [username]" create the first administrator and exit ·
// "openapi <file>" write the OpenAPI document and exit · "import-photos <folder>" read photos kept as files into the database.
// Only the first argument can be a verb: "--urls http://…" serves.
var verb = args.FirstOrDefault() is "openapi" or "migrate" or "admin" or "import-photos" ? args[0] : null;
var builder = WebApplication.CreateBuilder(args);
if (verb == "openapi") builder.Configuration["FEEDBACK_DB"] ??= "Host=not-used-for-the-document";
var options = FeedbackOptions.FromConfiguration(builder.Configuration);

builder.Services.AddSingleton(options);
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainDelay + options.ShutdownTimeout);
builder.Services.AddSingleton<ShutdownDrain>();
if (verb is null) builder.Services.AddHostedService(services => services.GetRequiredService<ShutdownDrain>());
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<BureauClock>();
builder.Services.AddSingleton<WorkingDayCalendar>();

DefaultTypeMap.MatchNamesWithUnderscores = true;
builder.Services.AddNpgsqlDataSource(ConnectionDefaults.Apply(options.DatabaseConnectionString));
builder.Services.AddSingleton(services => new ReadDatabase(services.GetRequiredService<Npgsql.NpgsqlDataSource>(),
    options.ReadDatabaseConnectionString is { } standby ? Npgsql.NpgsqlDataSource.Create(ConnectionDefaults.Apply(standby)) : null,
    services.GetRequiredService<ILogger<ReadDatabase>>()));
if (verb is null) builder.Services.AddHostedService(services => services.GetRequiredService<ReadDatabase>());
builder.Services.AddSingleton(new SideDatabase(Npgsql.NpgsqlDataSource.Create(ConnectionDefaults.Side(options.DatabaseConnectionString))));
builder.Services.AddScoped<WriteTransaction>();
builder.Services.AddSingleton<DatabaseMigrator>();
builder.Services.AddSingleton<CategoryCatalog>();
if (verb is null) builder.Services.AddHostedService<CatalogChangeListener>();
builder.Services.AddScoped<ComplaintIntake>();
builder.Services.AddSingleton<SubmissionCounter>();
builder.Services.AddSingleton<ClientAddress>();
builder.Services.AddSingleton<PasswordGuesses>();
builder.Services.AddSingleton<RepeatedRefusals>();
if (verb is null) builder.Services.AddHostedService(services => services.GetRequiredService<RepeatedRefusals>());
builder.Services.AddSingleton<CitizenAccess>();
builder.Services.AddScoped<SubmissionIdempotency>();
builder.Services.AddSingleton<ListSimilarComplaints.PublicSummary>();
builder.Services.AddScoped<StaffSessions>();
builder.Services.AddScoped<LoginThrottle>();
builder.Services.AddScoped<CaseHandling>();
builder.Services.AddSingleton(new CitizenWordings(CaseActions.EventTypes));
builder.Services.AddScoped<CasePublications>();
builder.Services.AddScoped<QueueSelection>();
builder.Services.AddScoped<MetricsScope>();
builder.Services.AddSingleton<ExportSlots>();
builder.Services.AddScoped<MetricsCalculator>();
builder.Services.AddSingleton<MetricsFolder>();
if (verb is null) builder.Services.AddHostedService(services => services.GetRequiredService<MetricsFolder>());
builder.Services.AddDatabaseGauge<UnfoldedChangesGauge>();
builder.Services.AddSingleton<OverdueReminders>();
if (verb is null) builder.Services.AddHostedService(services => services.GetRequiredService<OverdueReminders>());
builder.Services.AddDatabaseGauge<OverdueCasesGauge>();
builder.Services.AddSingleton<Housekeeping>();
if (verb is null) builder.Services.AddHostedService(services => services.GetRequiredService<Housekeeping>());
builder.Services.AddScoped<FollowUpCases>();
builder.Services.AddSingleton<AutoClose>();
builder.Services.AddSingleton<StaffAccounts>();
builder.Services.AddPhotos();
builder.Services.AddNotifications(builder.Configuration, dispatch: verb is null);
builder.Services.AddOpen311();
builder.Services.AddMemoryCache();
builder.Services.AddScoped<BulletinMonths>();

builder.Services.AddMediator((Mediator.MediatorOptions mediator) =>
{
    mediator.ServiceLifetime = ServiceLifetime.Scoped;
    mediator.PipelineBehaviors = [typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>), typeof(TransactionBehavior<,>)];
});
builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);

builder.AddFeedbackTelemetry(options, serve: verb is null);
builder.AddFeedbackHttp(options);
builder.AddFeedbackRateLimiting(options);
builder.AddFeedbackAuth();
builder.Services.AddFeedbackOpenApi();

var app = builder.Build();

app.UseFeedbackTelemetry();
app.UseFeedbackHttp(options);
app.UseFeedbackRateLimiting(options);
app.UseFeedbackAuth();
if (options.WebRoot is { } webRoot)
{
    var client = new PhysicalFileProvider(Path.GetFullPath(webRoot));
    app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = client });
    app.UseStaticFiles(new StaticFileOptions { FileProvider = client, OnPrepareResponse = ClientCaching.Apply });
}
app.MapFeedbackOpenApi(verb == "openapi" ? ApiDocsAccess.Public : options.ApiDocs);
app.MapHealthEndpoints();
app.MapCategoriesEndpoints();
app.MapComplaintsEndpoints();
app.MapFollowUpEndpoints();
app.MapPhotosEndpoints();
app.MapAuthEndpoints();
app.MapUsersEndpoints();
app.MapStaffComplaintsEndpoints();
app.MapSectionsEndpoints();
app.MapRoutingRulesEndpoints();
app.MapCalendarEndpoints();
app.MapTownshipsEndpoints();
app.MapPublicationEndpoints();
app.MapMetricsEndpoints();
app.MapBulletinsEndpoints();
app.MapNotificationsEndpoints();
app.MapOpen311Endpoints();
app.MapOpen311KeysEndpoints();

// A refused migration (a script edited after it was applied) is told as it is, without a stack
// trace, and the process exits with 1.
async Task<bool> MigratedAsync(Func<DatabaseMigrator, Task> migrate)
{
    try
    {
        await migrate(app.Services.GetRequiredService<DatabaseMigrator>());
        return true;
    }
    catch (MigrationHistoryChangedException refused)
    {
        await Console.Error.WriteLineAsync(refused.Message);
        Environment.ExitCode = 1;
        return false;
    }
}

switch (verb)
{
    case "openapi":
        await OpenApiSetup.ExportAsync(app, args.Skip(1).FirstOrDefault() ?? "openapi.yaml");
        return;
    case "migrate":
        await MigratedAsync(migrator => migrator.MigrateAsync(CancellationToken.None));
        return;
    case "admin":
        if (!await MigratedAsync(migrator => migrator.MigrateAsync(CancellationToken.None))) return;
        await app.Services.GetRequiredService<CategoryCatalog>().LoadAsync();
        Environment.ExitCode = await AdministratorVerb.RunAsync(app.Services, args.Skip(1).FirstOrDefault() ?? "admin");
        return;
    case "import-photos":
        if (!await MigratedAsync(migrator => migrator.MigrateAsync(CancellationToken.None))) return;
        Environment.ExitCode = await ImportPhotoFiles.RunAsync(app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            args.Skip(1).FirstOrDefault() ?? throw new ArgumentException("import-photos needs the folder the photos were kept in."), Console.Out);
        return;
    default:
        if (!await MigratedAsync(migrator => migrator.MigrateWhenReachableAsync(app.Lifetime.ApplicationStopping))) return;
        await Task.WhenAll(
            app.Services.GetRequiredService<CategoryCatalog>().LoadAsync(),
            app.Services.GetRequiredService<WorkingDayCalendar>().LoadAsync());
        if (options.Demo)
        {
            await app.Services.GetRequiredService<StaffAccounts>().SeedDemoAsync(options.DemoPassword, CancellationToken.None);
            await Open311Keys.SeedDemoAsync(app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), options,
                app.Services.GetRequiredService<BureauClock>(), app.Logger);
        }
        await app.RunAsync();
        return;
}

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;

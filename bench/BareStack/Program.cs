// The bare stack: what ASP.NET Core and Npgsql can do on this machine with nothing of the product —
// no mediator, validation, routing rules, events, counters or triggers. One statement a request on
// pgbench's table (bench/baseline-schema.sql), JSON in and out, the same Npgsql settings as the API
// (bench/baseline.sh passes them). bench/baseline.sh measures it beside pgbench, and the report sets
// the API against both.
using System.Security.Cryptography;
using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJson.Default));
var dataSource = NpgsqlDataSource.Create(builder.Configuration["BARE_DB"] ?? throw new InvalidOperationException("BARE_DB is not set"));
var app = builder.Build();

app.MapPost("/api/v1/complaints", async (Complaint complaint) =>
{
    var trackingCode = RandomNumberGenerator.GetString("23456789ABCDEFGHJKMNPQRSTUVWXYZ", 12);
    var queryPassword = RandomNumberGenerator.GetString("23456789ABCDEFGHJKMNPQRSTUVWXYZ", 12);
    await using var command = dataSource.CreateCommand(
        """
        insert into bench_complaints (tracking_code, query_password_hash, category_code, description, township, address,
                                      contact_name, contact_phone, section_code, submitted_at, accept_by, updated_at)
        values ($1, $2, $3, $4, $5, $6, $7, $8, 'enforcement', now(), current_date + 2, now())
        """);
    command.Parameters.Add(new() { Value = trackingCode });
    command.Parameters.Add(new() { Value = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(queryPassword))) });
    command.Parameters.Add(new() { Value = complaint.CategoryCode });
    command.Parameters.Add(new() { Value = complaint.Description });
    command.Parameters.Add(new() { Value = (object?)complaint.Township ?? DBNull.Value });
    command.Parameters.Add(new() { Value = (object?)complaint.Address ?? DBNull.Value });
    command.Parameters.Add(new() { Value = (object?)complaint.Contact?.Name ?? DBNull.Value });
    command.Parameters.Add(new() { Value = (object?)complaint.Contact?.Phone ?? DBNull.Value });
    await command.ExecuteNonQueryAsync();
    return Results.Created($"/api/v1/complaints/{trackingCode}", new Receipt(trackingCode, queryPassword));
});

app.MapGet("/api/v1/complaints/{trackingCode}", async (string trackingCode) =>
{
    await using var command = dataSource.CreateCommand(
        "select tracking_code, status, category_code, description, submitted_at, accept_by from bench_complaints where tracking_code = $1");
    command.Parameters.Add(new() { Value = trackingCode });
    await using var reader = await command.ExecuteReaderAsync();
    if (!await reader.ReadAsync()) return Results.NotFound();
    return Results.Ok(new Found(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateOnly>(5)));
});

app.Run();

internal sealed record Contact(string? Name, string? Phone);
internal sealed record Complaint(string CategoryCode, string Description, string? Township, string? Address, Contact? Contact);
internal sealed record Receipt(string TrackingCode, string QueryPassword);
internal sealed record Found(string TrackingCode, string Status, string CategoryCode, string Description, DateTimeOffset SubmittedAt, DateOnly AcceptBy);

[System.Text.Json.Serialization.JsonSerializable(typeof(Complaint))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Receipt))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Found))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
internal sealed partial class BareJson : System.Text.Json.Serialization.JsonSerializerContext;

namespace Feedback.Api.Infrastructure;

/// <summary>
/// Everything the service reads from its environment, in one place. Names are the environment
/// variables documented in the README.
/// </summary>
public sealed record FeedbackOptions
{
    /// <summary>FEEDBACK_DB: Npgsql connection string of the primary.</summary>
    public required string DatabaseConnectionString { get; init; }

    /// <summary>FEEDBACK_DB_READ: optional connection string for queries (a streaming replica).</summary>
    public string? ReadDatabaseConnectionString { get; init; }

    /// <summary>FEEDBACK_TIME_ZONE: the bureau's time zone; deadlines are counted in its dates.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>FEEDBACK_WEB_ROOT: the built web client to serve at "/", if any.</summary>
    public string? WebRoot { get; init; }

    /// <summary>FEEDBACK_CORS_ORIGINS: exact origins allowed to call the API from a browser.</summary>
    public required IReadOnlyList<string> CorsOrigins { get; init; }

    public static FeedbackOptions FromConfiguration(IConfiguration configuration)
    {
        var connectionString = configuration["FEEDBACK_DB"];
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "FEEDBACK_DB is not set. Set it to an Npgsql connection string, or start the service with 'make run', which starts a local database.");

        return new FeedbackOptions
        {
            DatabaseConnectionString = connectionString,
            ReadDatabaseConnectionString = NullIfBlank(configuration["FEEDBACK_DB_READ"]),
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById(NullIfBlank(configuration["FEEDBACK_TIME_ZONE"]) ?? "Asia/Shanghai"),
            WebRoot = NullIfBlank(configuration["FEEDBACK_WEB_ROOT"]),
            CorsOrigins = (configuration["FEEDBACK_CORS_ORIGINS"] ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

namespace Feedback.Api.Infrastructure;

/// <summary>
/// Everything the service reads from its environment, in one place. Names are the environment
/// variables documented in the README.
/// </summary>
public sealed record FeedbackOptions
{
    /// <summary>FEEDBACK_DB: Npgsql connection string of the primary.</summary>
    public required string DatabaseConnectionString { get; init; }

    /// <summary>
    /// FEEDBACK_DB_MIGRATE: connection string of the schema's owner, for the migrations; unset, the
    /// API's own connection migrates (one role does everything).
    /// </summary>
    public required string MigrationConnectionString { get; init; }

    /// <summary>FEEDBACK_DB_READ: optional connection string for queries (a streaming replica).</summary>
    public string? ReadDatabaseConnectionString { get; init; }

    /// <summary>FEEDBACK_TIME_ZONE: the bureau's time zone; deadlines are counted in its dates.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>FEEDBACK_WEB_ROOT: the built web client to serve at "/", if any.</summary>
    public string? WebRoot { get; init; }

    /// <summary>FEEDBACK_CORS_ORIGINS: exact origins allowed to call the API from a browser.</summary>
    public required IReadOnlyList<string> CorsOrigins { get; init; }

    /// <summary>FEEDBACK_JWT_KEY: base64 key (32+ bytes) signing staff access tokens; every instance needs the same one.</summary>
    public byte[]? TokenSigningKey { get; init; }

    /// <summary>FEEDBACK_DEMO=1: seed the demo staff accounts (make run turns it on).</summary>
    public bool Demo { get; init; }

    /// <summary>FEEDBACK_DEMO_PASSWORD: the demo accounts' password.</summary>
    public string DemoPassword { get; init; } = "demo-2026";

    /// <summary>FEEDBACK_REMINDER_INTERVAL_SECONDS: how often overdue cases are looked for (default 60).</summary>
    public TimeSpan ReminderInterval { get; init; } = TimeSpan.FromMinutes(1);

    public static FeedbackOptions FromConfiguration(IConfiguration configuration)
    {
        var connectionString = configuration["FEEDBACK_DB"];
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "FEEDBACK_DB is not set. Set it to an Npgsql connection string, or start the service with 'make run', which starts a local database.");

        return new FeedbackOptions
        {
            DatabaseConnectionString = connectionString,
            MigrationConnectionString = NullIfBlank(configuration["FEEDBACK_DB_MIGRATE"]) ?? connectionString,
            ReadDatabaseConnectionString = NullIfBlank(configuration["FEEDBACK_DB_READ"]),
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById(NullIfBlank(configuration["FEEDBACK_TIME_ZONE"]) ?? "Asia/Shanghai"),
            WebRoot = NullIfBlank(configuration["FEEDBACK_WEB_ROOT"]),
            CorsOrigins = (configuration["FEEDBACK_CORS_ORIGINS"] ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            TokenSigningKey = SigningKey(NullIfBlank(configuration["FEEDBACK_JWT_KEY"])),
            Demo = configuration["FEEDBACK_DEMO"] is "1" or "true",
            DemoPassword = NullIfBlank(configuration["FEEDBACK_DEMO_PASSWORD"]) ?? "demo-2026",
            ReminderInterval = TimeSpan.FromSeconds(
                int.TryParse(configuration["FEEDBACK_REMINDER_INTERVAL_SECONDS"], out var seconds) && seconds > 0 ? seconds : 60),
        };
    }

    private static byte[]? SigningKey(string? base64)
    {
        if (base64 is null) return null;
        var key = Convert.TryFromBase64String(base64, new byte[base64.Length], out var length) ? Convert.FromBase64String(base64) : null;
        return key is { Length: >= 32 } ? key
            : throw new InvalidOperationException("FEEDBACK_JWT_KEY must be base64 of at least 32 random bytes, e.g. the output of 'openssl rand -base64 48'.");
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

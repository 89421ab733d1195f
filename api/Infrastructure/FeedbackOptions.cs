namespace Feedback.Api.Infrastructure;

/// <summary>
/// Everything the service reads from its environment, in one place. Names are the environment
/// variables documented in docs/operations.md.
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

    /// <summary>
    /// FEEDBACK_JWT_KEYS ("id:base64,id:base64"): the keys of staff access tokens, each of 32+ random
    /// bytes under an id of its own (the token's "kid"); the first signs, every one verifies, so a
    /// new key can be rolled out before it signs and an old one kept until its tokens have expired.
    /// FEEDBACK_JWT_KEY: one key (its id the first 8 hex digits of its SHA-256). Every instance needs the same.
    /// </summary>
    public IReadOnlyList<TokenKey> TokenKeys { get; init; } = [];

    /// <summary>FEEDBACK_DEMO=1: seed the demo staff accounts (make run turns it on).</summary>
    public bool Demo { get; init; }

    /// <summary>FEEDBACK_DEMO_PASSWORD: the demo accounts' password.</summary>
    public string DemoPassword { get; init; } = "demo-2026";

    /// <summary>FEEDBACK_OPEN311_DEMO_KEY: with FEEDBACK_DEMO, the demo Open311 API key's value (16–128 visible ASCII characters); unset, a new one is drawn and printed at each start.</summary>
    public string? Open311DemoKey { get; init; }

    /// <summary>FEEDBACK_REMINDER_INTERVAL_SECONDS: how often overdue cases are looked for (default 60).</summary>
    public TimeSpan ReminderInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// FEEDBACK_RATE_LIMIT_PER_MINUTE: anonymous writes (submissions, uploads, support, supplements,
    /// evaluations, reviews) and password attempts per client address per minute; 0 turns limiting off.
    /// </summary>
    public int RateLimitPerMinute { get; init; } = 20;

    /// <summary>
    /// FEEDBACK_TRUSTED_PROXIES: addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is
    /// believed; from anyone else the header is ignored and the connection's address counts.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>FEEDBACK_SERVICE_AREA: "south,west,north,east" in degrees (WGS-84); map pins outside are refused.</summary>
    public ServiceArea ServiceArea { get; init; } = ServiceArea.Default;

    /// <summary>FEEDBACK_EVALUATION_DAYS: calendar days after the result in which the citizen may evaluate; then the case closes by itself.</summary>
    public int EvaluationDays { get; init; } = 15;

    /// <summary>FEEDBACK_HOUSEKEEPING_INTERVAL_SECONDS: how often cases past the evaluation window close and stale uploads, idempotency keys and lookup failures are forgotten (default 300).</summary>
    public TimeSpan HousekeepingInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// FEEDBACK_DRAIN_SECONDS: after SIGTERM, how long the instance answers "not ready" while still
    /// serving, so the load balancer's health checks take it out before it stops listening (default 5).
    /// </summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>FEEDBACK_SHUTDOWN_SECONDS: after the drain, how long requests in flight and background work may take to finish (default 20).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>FEEDBACK_METRICS_FOLD_SECONDS: how often the metrics change log is folded into the counters (default 5). Requests read what is not folded yet, so this changes their cost, never their figures.</summary>
    public TimeSpan MetricsFoldInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>FEEDBACK_EXPORT_CONCURRENCY: queue exports one instance runs at once (each holds a database connection while it streams); more get 429.</summary>
    public int ExportConcurrency { get; init; } = 2;

    /// <summary>FEEDBACK_METRICS_WEIGHTS, FEEDBACK_METRICS_BASICALLY_SATISFIED, FEEDBACK_METRICS_MIN_EVALUATIONS: how the leadership metrics weigh and rank.</summary>
    public MetricsSettings Metrics { get; init; } = MetricsSettings.Default;

    /// <summary>FEEDBACK_BULLETIN_MIN_CASES: in the public monthly bulletin, townships with fewer cases in the month are shown together as "other townships" (default 5; 0 or 1 shows every township).</summary>
    public int BulletinMinimumCases { get; init; } = 5;

    /// <summary>FEEDBACK_API_DOCS: who may read the OpenAPI document and Swagger UI — public (default), signed-in (staff with a token; no Swagger UI) or off.</summary>
    public ApiDocsAccess ApiDocs { get; init; } = ApiDocsAccess.Public;

    /// <summary>
    /// FEEDBACK_PROMETHEUS_URL: where the metrics are served for Prometheus (at /metrics), on a listener of
    /// their own apart from the public port, e.g. http://127.0.0.1:9464; unset, none are served.
    /// </summary>
    public Uri? PrometheusUrl { get; init; }

    /// <summary>FEEDBACK_PROMETHEUS_TOKEN: when set, a scrape must send "Authorization: Bearer" with it; required when the listener is not loopback.</summary>
    public string? PrometheusToken { get; init; }

    /// <summary>FEEDBACK_LOG_FORMAT: json (default; one JSON object a line with the request's trace id) or text (the console's lines for people; make run's).</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Json;

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
            TokenKeys = TokenKey.ParseAll(NullIfBlank(configuration["FEEDBACK_JWT_KEYS"]), NullIfBlank(configuration["FEEDBACK_JWT_KEY"])),
            Demo = configuration["FEEDBACK_DEMO"] is "1" or "true",
            DemoPassword = NullIfBlank(configuration["FEEDBACK_DEMO_PASSWORD"]) ?? "demo-2026",
            Open311DemoKey = NullIfBlank(configuration["FEEDBACK_OPEN311_DEMO_KEY"]) is { } demoKey
                ? demoKey.Length is >= 16 and <= 128 && demoKey.All(c => c is > ' ' and <= '~') ? demoKey
                    : throw new InvalidOperationException("FEEDBACK_OPEN311_DEMO_KEY must be 16–128 visible ASCII characters.")
                : null,
            ReminderInterval = TimeSpan.FromSeconds(
                int.TryParse(configuration["FEEDBACK_REMINDER_INTERVAL_SECONDS"], out var seconds) && seconds > 0 ? seconds : 60),
            RateLimitPerMinute = NonNegative(configuration, "FEEDBACK_RATE_LIMIT_PER_MINUTE") ?? 20,
            TrustedProxies = (configuration["FEEDBACK_TRUSTED_PROXIES"] ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(ProxyNetwork).ToList(),
            ServiceArea = NullIfBlank(configuration["FEEDBACK_SERVICE_AREA"]) is { } area ? ServiceArea.Parse(area) : ServiceArea.Default,
            EvaluationDays = NonNegative(configuration, "FEEDBACK_EVALUATION_DAYS") is { } days and > 0 ? days : 15,
            HousekeepingInterval = TimeSpan.FromSeconds(
                NonNegative(configuration, "FEEDBACK_HOUSEKEEPING_INTERVAL_SECONDS") is { } interval and > 0 ? interval : 300),
            DrainDelay = TimeSpan.FromSeconds(NonNegative(configuration, "FEEDBACK_DRAIN_SECONDS") ?? 5),
            ShutdownTimeout = TimeSpan.FromSeconds(NonNegative(configuration, "FEEDBACK_SHUTDOWN_SECONDS") is { } shutdown and > 0 ? shutdown : 20),
            MetricsFoldInterval = TimeSpan.FromSeconds(
                NonNegative(configuration, "FEEDBACK_METRICS_FOLD_SECONDS") is { } fold and > 0 ? fold : 5),
            ExportConcurrency = NonNegative(configuration, "FEEDBACK_EXPORT_CONCURRENCY") is { } exports and > 0 ? exports : 2,
            Metrics = MetricsSettings.Parse(NullIfBlank(configuration["FEEDBACK_METRICS_WEIGHTS"]),
                NullIfBlank(configuration["FEEDBACK_METRICS_BASICALLY_SATISFIED"]),
                NonNegative(configuration, "FEEDBACK_METRICS_MIN_EVALUATIONS")),
            BulletinMinimumCases = NonNegative(configuration, "FEEDBACK_BULLETIN_MIN_CASES") ?? 5,
            ApiDocs = NullIfBlank(configuration["FEEDBACK_API_DOCS"])?.Trim().ToLowerInvariant() switch
            {
                null or "public" => ApiDocsAccess.Public,
                "signed-in" => ApiDocsAccess.SignedIn,
                "off" => ApiDocsAccess.Off,
                var other => throw new InvalidOperationException($"FEEDBACK_API_DOCS must be public, signed-in or off, not '{other}'."),
            },
            PrometheusUrl = PrometheusListener(NullIfBlank(configuration["FEEDBACK_PROMETHEUS_URL"]), NullIfBlank(configuration["FEEDBACK_PROMETHEUS_TOKEN"])),
            PrometheusToken = NullIfBlank(configuration["FEEDBACK_PROMETHEUS_TOKEN"]) is { } token
                ? token.Length is >= 16 and <= 256 && token.All(c => c is > ' ' and <= '~') ? token
                    : throw new InvalidOperationException("FEEDBACK_PROMETHEUS_TOKEN must be 16–256 visible ASCII characters.")
                : null,
            LogFormat = NullIfBlank(configuration["FEEDBACK_LOG_FORMAT"])?.Trim().ToLowerInvariant() switch
            {
                null or "json" => LogFormat.Json,
                "text" => LogFormat.Text,
                var other => throw new InvalidOperationException($"FEEDBACK_LOG_FORMAT must be json or text, not '{other}'."),
            },
        };
    }

    /// <summary>
    /// An http:// address with a port and no path. Metrics tell an outsider how busy the bureau is and
    /// which routes fail: a listener other machines can reach must ask for the token.
    /// </summary>
    private static Uri? PrometheusListener(string? text, string? token)
    {
        if (text is null) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || url.IsDefaultPort
            || url.AbsolutePath != "/" || url.Query.Length > 0 || url.UserInfo.Length > 0)
            throw new InvalidOperationException(
                $"FEEDBACK_PROMETHEUS_URL must be http://address:port (the metrics are served at /metrics), e.g. http://127.0.0.1:9464, not '{text}'.");
        if (!url.IsLoopback && token is null)
            throw new InvalidOperationException(
                $"FEEDBACK_PROMETHEUS_URL ({text}) can be reached from other machines: set FEEDBACK_PROMETHEUS_TOKEN too, or listen on 127.0.0.1.");
        return url;
    }

    private static int? NonNegative(IConfiguration configuration, string name)
    {
        var text = NullIfBlank(configuration[name]);
        if (text is null) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value : throw new InvalidOperationException($"{name} must be a whole number of 0 or more, not '{text}'.");
    }

    private static System.Net.IPNetwork ProxyNetwork(string text) =>
        System.Net.IPNetwork.TryParse(text, out var network) ? network
        : System.Net.IPAddress.TryParse(text, out var address) ? new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8)
        : throw new InvalidOperationException($"FEEDBACK_TRUSTED_PROXIES: '{text}' is neither an address nor a CIDR range.");

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>The bureau's service area as a latitude/longitude box; the default covers Shengzhou.</summary>
public sealed record ServiceArea(double South, double West, double North, double East)
{
    public static readonly ServiceArea Default = new(29.30, 120.50, 29.90, 121.20);

    public bool Contains(double latitude, double longitude) =>
        latitude >= South && latitude <= North && longitude >= West && longitude <= East;

    public static ServiceArea Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var numbers = parts.Select(part => double.TryParse(part, System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : double.NaN).ToArray();
        if (numbers.Length != 4 || numbers.Any(n => !double.IsFinite(n))
            || numbers[0] is < -90 or > 90 || numbers[2] is < -90 or > 90 || numbers[1] is < -180 or > 180 || numbers[3] is < -180 or > 180
            || numbers[0] >= numbers[2] || numbers[1] >= numbers[3])
            throw new InvalidOperationException($"FEEDBACK_SERVICE_AREA must be \"south,west,north,east\" in degrees, south < north and west < east, not '{text}'.");
        return new ServiceArea(numbers[0], numbers[1], numbers[2], numbers[3]);
    }
}

/// <summary>
/// The weights of the composite score (response, resolution, satisfaction; summing to 1), the
/// factor w by which 基本满意 counts as satisfied, and the number of evaluations a section needs
/// before it is ranked. Shown in every metrics response, so a figure always comes with its rules.
/// </summary>
public sealed record MetricsSettings(decimal ResponseWeight, decimal ResolutionWeight, decimal SatisfactionWeight,
    decimal BasicallySatisfiedFactor, int MinimumEvaluations)
{
    public static readonly MetricsSettings Default = new(0.3m, 0.35m, 0.35m, 1m, 10);

    public static MetricsSettings Parse(string? weights, string? basicallySatisfied, int? minimumEvaluations)
    {
        static decimal? Fraction(string text) =>
            decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value is >= 0 and <= 1 ? value : null;

        var settings = Default;
        if (weights is not null)
        {
            var parts = weights.Split(',', StringSplitOptions.TrimEntries).Select(Fraction).ToArray();
            if (parts.Length != 3 || parts.Any(p => p is null) || parts.Sum() != 1)
                throw new InvalidOperationException(
                    $"FEEDBACK_METRICS_WEIGHTS must be three numbers from 0 to 1 summing to 1 (response, resolution, satisfaction), like \"0.3,0.35,0.35\", not '{weights}'.");
            settings = settings with { ResponseWeight = parts[0]!.Value, ResolutionWeight = parts[1]!.Value, SatisfactionWeight = parts[2]!.Value };
        }
        if (basicallySatisfied is not null)
            settings = settings with
            {
                BasicallySatisfiedFactor = Fraction(basicallySatisfied)
                    ?? throw new InvalidOperationException($"FEEDBACK_METRICS_BASICALLY_SATISFIED must be a number from 0 to 1, not '{basicallySatisfied}'."),
            };
        return minimumEvaluations is { } minimum ? settings with { MinimumEvaluations = minimum } : settings;
    }
}

/// <summary>How log lines are written to the console.</summary>
public enum LogFormat { Json, Text }

/// <summary>Who may read the API's OpenAPI document (/openapi/v1.json) and Swagger UI (/swagger).</summary>
public enum ApiDocsAccess { Public, SignedIn, Off }

/// <summary>A key of staff access tokens and its id (the JWT header's "kid").</summary>
public sealed record TokenKey(string Id, byte[] Key)
{
    /// <summary>FEEDBACK_JWT_KEYS when set, else FEEDBACK_JWT_KEY, else none (the instance draws its own).</summary>
    public static IReadOnlyList<TokenKey> ParseAll(string? keys, string? single)
    {
        if (keys is not null)
        {
            var parsed = keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
            {
                var colon = entry.IndexOf(':');
                var id = colon > 0 ? entry[..colon] : throw new InvalidOperationException(
                    "FEEDBACK_JWT_KEYS is a comma-separated list of id:base64 (e.g. 2026-12:…,2026-06:…), the signing key first.");
                if (id.Length > 32 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                    throw new InvalidOperationException($"FEEDBACK_JWT_KEYS: the key id '{id}' must be 1–32 letters, digits, '-', '_' or '.'.");
                return new TokenKey(id, Bytes("FEEDBACK_JWT_KEYS", entry[(colon + 1)..]));
            }).ToList();
            if (parsed.Count == 0) throw new InvalidOperationException("FEEDBACK_JWT_KEYS names no key.");
            if (parsed.Select(key => key.Id).Distinct().Count() != parsed.Count) throw new InvalidOperationException("FEEDBACK_JWT_KEYS: two keys share an id.");
            return parsed;
        }
        if (single is null) return [];
        var bytes = Bytes("FEEDBACK_JWT_KEY", single);
        return [new TokenKey(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..8], bytes)];
    }

    private static byte[] Bytes(string variable, string base64)
    {
        var key = Convert.TryFromBase64String(base64, new byte[base64.Length], out _) ? Convert.FromBase64String(base64) : null;
        return key is { Length: >= 32 } ? key
            : throw new InvalidOperationException($"{variable}: a key must be base64 of at least 32 random bytes, e.g. the output of 'openssl rand -base64 48'.");
    }
}

using System.Globalization;

namespace Feedback.Api.Features.Notifications.Sms;

/// <summary>
/// How the service reaches its SMS provider, read from the FEEDBACK_SMS_* environment variables.
/// A class, not a record, so that printing it never prints the secret key.
/// </summary>
public sealed class SmsSettings
{
    /// <summary>FEEDBACK_SMS_SECRET_ID: the API key's id, named in every request's credential.</summary>
    public required string SecretId { get; init; }

    /// <summary>FEEDBACK_SMS_SECRET_KEY: signs requests; never sent.</summary>
    public required string SecretKey { get; init; }

    /// <summary>FEEDBACK_SMS_APP_ID: the SmsSdkAppId of the application created in the provider's console.</summary>
    public required string AppId { get; init; }

    /// <summary>FEEDBACK_SMS_SIGN_NAME: the approved signature's text without its brackets, e.g. 嵊州市环保局.</summary>
    public required string SignName { get; init; }

    /// <summary>FEEDBACK_SMS_REGION (default ap-guangzhou).</summary>
    public string Region { get; init; } = "ap-guangzhou";

    /// <summary>FEEDBACK_SMS_ENDPOINT (default https://sms.tencentcloudapi.com); its host[:port] is the signed Host.</summary>
    public Uri Endpoint { get; init; } = new("https://sms.tencentcloudapi.com");

    /// <summary>FEEDBACK_SMS_TIMEOUT_SECONDS (default 10): an answer later than this counts as none, and the message is tried again.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>FEEDBACK_SMS_TEMPLATES: the provider's template id for each notification template key.</summary>
    public required IReadOnlyDictionary<string, string> Templates { get; init; }

    /// <summary>
    /// The template id for a key; an English key ("accepted.en") without its own template falls back
    /// to the Chinese one ("accepted"). Null when neither is configured.
    /// </summary>
    public string? TemplateIdFor(string key) =>
        Templates.TryGetValue(key, out var id) ? id
        : key.EndsWith(EnglishSuffix, StringComparison.Ordinal) && Templates.TryGetValue(key[..^EnglishSuffix.Length], out var chinese) ? chinese
        : null;

    private const string EnglishSuffix = ".en";

    /// <summary>
    /// FEEDBACK_SMS_REPLY_TOKEN: the secret last segment of the reply callback's address, which the
    /// provider's console is given (the callback itself carries no signature). Unset, replies are not taken.
    /// </summary>
    public string? ReplyToken { get; init; }

    /// <summary>
    /// Null when FEEDBACK_SMS_PROVIDER is unset or blank (no text messages). Otherwise every setting the
    /// provider needs must be present and well-formed, and every required template key configured,
    /// or start-up stops with the variable's name: a half-configured channel would drop messages silently.
    /// </summary>
    public static SmsSettings? FromConfiguration(IConfiguration configuration, IEnumerable<string> requiredTemplateKeys)
    {
        var provider = NullIfBlank(configuration["FEEDBACK_SMS_PROVIDER"])?.Trim();
        if (provider is null) return null;
        if (!provider.Equals("tencent", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"FEEDBACK_SMS_PROVIDER must be 'tencent' (Tencent Cloud SMS) or unset (no text messages), not '{provider}'.");

        var missing = new[] { "FEEDBACK_SMS_SECRET_ID", "FEEDBACK_SMS_SECRET_KEY", "FEEDBACK_SMS_APP_ID", "FEEDBACK_SMS_SIGN_NAME", "FEEDBACK_SMS_TEMPLATES" }
            .Where(name => NullIfBlank(configuration[name]) is null).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"FEEDBACK_SMS_PROVIDER is '{provider}', so these must be set too: {string.Join(", ", missing)}.");

        var settings = new SmsSettings
        {
            SecretId = configuration["FEEDBACK_SMS_SECRET_ID"]!.Trim(),
            SecretKey = configuration["FEEDBACK_SMS_SECRET_KEY"]!.Trim(),
            AppId = configuration["FEEDBACK_SMS_APP_ID"]!.Trim(),
            SignName = SignNameOf(configuration["FEEDBACK_SMS_SIGN_NAME"]!),
            Region = NullIfBlank(configuration["FEEDBACK_SMS_REGION"])?.Trim() ?? "ap-guangzhou",
            Endpoint = EndpointOf(NullIfBlank(configuration["FEEDBACK_SMS_ENDPOINT"])?.Trim()),
            Timeout = TimeoutOf(NullIfBlank(configuration["FEEDBACK_SMS_TIMEOUT_SECONDS"])?.Trim()),
            Templates = TemplatesOf(configuration["FEEDBACK_SMS_TEMPLATES"]!),
            ReplyToken = NullIfBlank(configuration["FEEDBACK_SMS_REPLY_TOKEN"])?.Trim() is { } token
                ? token.Length >= 24 ? token : throw new InvalidOperationException("FEEDBACK_SMS_REPLY_TOKEN must be at least 24 random characters, e.g. the output of 'openssl rand -hex 16'.")
                : null,
        };

        var unconfigured = requiredTemplateKeys
            .Select(key => key.EndsWith(EnglishSuffix, StringComparison.Ordinal) ? key[..^EnglishSuffix.Length] : key)
            .Distinct().Where(key => settings.TemplateIdFor(key) is null).ToList();
        if (unconfigured.Count > 0)
            throw new InvalidOperationException(
                $"FEEDBACK_SMS_TEMPLATES has no template id for: {string.Join(", ", unconfigured)}. Add them as key=TemplateId, e.g. '{unconfigured[0]}=1234567'.");
        return settings;
    }

    private static string SignNameOf(string text)
    {
        var name = text.Trim();
        return name.StartsWith('【') || name.StartsWith('[')
            ? throw new InvalidOperationException($"FEEDBACK_SMS_SIGN_NAME is the signature's text without brackets (e.g. 嵊州市环保局), not '{name}'.")
            : name;
    }

    private static Uri EndpointOf(string? text)
    {
        if (text is null) return new Uri("https://sms.tencentcloudapi.com");
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.AbsolutePath == "/" && uri.Query.Length == 0
            ? uri
            : throw new InvalidOperationException($"FEEDBACK_SMS_ENDPOINT must be an http(s) address with no path, e.g. https://sms.tencentcloudapi.com, not '{text}'.");
    }

    private static TimeSpan TimeoutOf(string? text)
    {
        if (text is null) return TimeSpan.FromSeconds(10);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidOperationException($"FEEDBACK_SMS_TIMEOUT_SECONDS must be a whole number of seconds above 0, not '{text}'.");
    }

    /// <summary>"receipt=1234567,accepted=1234568": the provider's template ids are numbers.</summary>
    private static Dictionary<string, string> TemplatesOf(string text)
    {
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', StringSplitOptions.TrimEntries);
            if (parts is not [{ Length: > 0 } key, { Length: > 0 } id] || !id.All(char.IsAsciiDigit))
                throw new InvalidOperationException($"FEEDBACK_SMS_TEMPLATES: '{pair}' is not key=TemplateId (the id is the provider's number, e.g. accepted=1234568).");
            if (!templates.TryAdd(key, id))
                throw new InvalidOperationException($"FEEDBACK_SMS_TEMPLATES names '{key}' twice.");
        }
        return templates;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

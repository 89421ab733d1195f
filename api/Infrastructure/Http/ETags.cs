using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// Optimistic concurrency over HTTP: a resource's version is its ETag ("7"), and a write must
/// name the version it was based on in If-Match. Missing → 428; anything but the current version → 412.
/// </summary>
public static class ETags
{
    public static string Of(int version) => $"\"{version}\"";

    public static int RequireVersion(string? ifMatch) =>
        OptionalVersion(ifMatch) ?? throw new ProblemException(StatusCodes.Status428PreconditionRequired,
            Lang.Pick("请在 If-Match 请求头中提供案件版本（ETag）", "Send the case's version (its ETag) in the If-Match header"));

    /// <summary>For writes where If-Match is welcome but not required: null when absent.</summary>
    public static int? OptionalVersion(string? ifMatch)
    {
        if (string.IsNullOrWhiteSpace(ifMatch)) return null;
        var tag = ifMatch.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
        return tag.Length > 2 && tag[0] == '"' && tag[^1] == '"' && int.TryParse(tag[1..^1], System.Globalization.NumberStyles.None, null, out var version)
            ? version
            : -1; // matches no version: 412
    }
}

using System.Text;
using System.Text.Json;
using Feedback.Api.Features.Cases;

namespace Feedback.Api.Features.Notifications.Sms;

/// <summary>
/// Tencent Cloud SMS's reply callback (回复短信回调): when a citizen answers one of our messages, the
/// provider POSTs one JSON object — mobile, nationcode, text, time (Unix seconds), sign, extend.
/// </summary>
public static class TencentSmsReplies
{
    /// <param name="Phone">The 11-digit mainland mobile number that replied.</param>
    public sealed record Reply(string Phone, string Text, DateTimeOffset Time);

    /// <summary>The callback's body as the provider documents it, for the OpenAPI document.</summary>
    /// <param name="Mobile">The number that replied, without the country code.</param>
    /// <param name="Nationcode">The country code: 86.</param>
    /// <param name="Text">What the person wrote.</param>
    /// <param name="Time">When, in Unix seconds.</param>
    /// <param name="Sign">The signature the reply answered.</param>
    /// <param name="Extend">The extension code, if one was used.</param>
    public sealed record Payload(string Mobile, string Nationcode, string Text, long Time, string? Sign, string? Extend);

    /// <summary>
    /// The reply, or null when the payload is not the documented object or comes from a number outside
    /// the mainland (we only ever write to mainland numbers). sign and extend are not needed, so their
    /// absence refuses nothing.
    /// </summary>
    public static Reply? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("nationcode", out var nationCode) || nationCode.ValueKind != JsonValueKind.String
                || nationCode.GetString()!.Trim().TrimStart('+') != "86"
                || !root.TryGetProperty("mobile", out var mobile) || mobile.ValueKind != JsonValueKind.String
                || PhoneNumber.Normalize(mobile.GetString()) is not { } phone
                || !root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("time", out var time) || time.ValueKind != JsonValueKind.Number
                || !time.TryGetInt64(out var seconds) || seconds <= 0)
                return null;
            return new Reply(phone, text.GetString()!, DateTimeOffset.FromUnixTimeSeconds(seconds));
        }
        catch (Exception exception) when (exception is JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether a reply asks for no more messages, by the conventions of Chinese SMS (回T退订, 回TD退订,
    /// 回N退订, 0000 at the carriers): the whole reply is one of them, whatever the letter case, full-width
    /// forms, surrounding spaces or a closing full stop or exclamation mark.
    /// </summary>
    public static bool IsStopRequest(string text)
    {
        var reply = text.Normalize(NormalizationForm.FormKC).Trim().TrimEnd(Punctuation).Trim();
        return StopWords.Contains(reply, StringComparer.OrdinalIgnoreCase);
    }

    private static readonly string[] StopWords = ["退订", "TD", "T", "N", "0000"];

    /// <summary>After the full-width forms are folded (！ is !), so only the ideographic full stop is left to name.</summary>
    private static readonly char[] Punctuation = ['.', '。', '!'];
}

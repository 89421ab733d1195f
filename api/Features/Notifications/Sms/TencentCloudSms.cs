using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Feedback.Api.Features.Notifications.Sms;

/// <summary>
/// Tencent Cloud SMS through its API 3.0 (action SendSms, version 2021-01-11), one number per request,
/// signed with TC3-HMAC-SHA256. The outbox message's id travels as SessionContext, so a message sent
/// twice (an answer lost after the provider took it) can be matched with its first try.
/// </summary>
public sealed class TencentCloudSms(HttpClient http, SmsSettings settings, TimeProvider time) : ISmsGateway
{
    private const string Service = "sms";
    private const string ContentType = "application/json; charset=utf-8";

    public async Task<Delivery> SendAsync(TextMessage message, CancellationToken cancellationToken)
    {
        var templateId = settings.TemplateIdFor(message.Template);
        if (templateId is null)
            return new Delivery.Retry($"FEEDBACK_SMS_TEMPLATES has no template id for '{message.Template}'.");

        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            PhoneNumberSet = new[] { "+86" + message.Phone },
            SmsSdkAppId = settings.AppId,
            SignName = settings.SignName,
            TemplateId = templateId,
            TemplateParamSet = message.Parameters,
            SessionContext = message.MessageId.ToString(),
        });
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var host = settings.Endpoint.Authority;

        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Endpoint) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        request.Headers.Host = host;
        request.Headers.Add("X-TC-Action", "SendSms");
        request.Headers.Add("X-TC-Version", "2021-01-11");
        request.Headers.Add("X-TC-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-TC-Region", settings.Region);
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(settings.SecretId, settings.SecretKey, Service, host, timestamp, payload));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                return new Delivery.Retry($"Tencent Cloud SMS answered HTTP {(int)response.StatusCode}.");
            return Outcome(await response.Content.ReadAsByteArrayAsync(timeout.Token), (int)response.StatusCode, message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Delivery.Retry($"Tencent Cloud SMS gave no answer within {settings.Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException exception)
        {
            return new Delivery.Retry($"No answer from Tencent Cloud SMS ({exception.HttpRequestError}): {exception.Message}");
        }
        catch (IOException exception)
        {
            return new Delivery.Retry($"Tencent Cloud SMS's answer broke off: {exception.Message}");
        }
    }

    /// <summary>
    /// The Authorization header of Tencent Cloud's signature v3 for a POST to "/" that signs
    /// content-type and host: a canonical request, hashed into a string to sign, signed with a key
    /// derived from the secret key, the UTC date of the timestamp and the service.
    /// </summary>
    public static string Authorization(string secretId, string secretKey, string service, string host, long timestamp, byte[] payload)
    {
        const string signedHeaders = "content-type;host";
        var canonicalRequest = $"POST\n/\n\ncontent-type:{ContentType}\nhost:{host.ToLowerInvariant()}\n\n{signedHeaders}\n{Sha256Hex(payload)}";
        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var credentialScope = $"{date}/{service}/tc3_request";
        var stringToSign = $"TC3-HMAC-SHA256\n{timestamp}\n{credentialScope}\n{Sha256Hex(Encoding.UTF8.GetBytes(canonicalRequest))}";

        var secretDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("TC3" + secretKey), Encoding.UTF8.GetBytes(date));
        var secretService = HMACSHA256.HashData(secretDate, Encoding.UTF8.GetBytes(service));
        var secretSigning = HMACSHA256.HashData(secretService, "tc3_request"u8);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(secretSigning, Encoding.UTF8.GetBytes(stringToSign)));
        return $"TC3-HMAC-SHA256 Credential={secretId}/{credentialScope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    private static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>
    /// What the dispatcher should do with each of Tencent's error codes. An entry covers the code and
    /// every code under it ("LimitExceeded" covers "LimitExceeded.PhoneNumberDailyLimit"); the first
    /// match wins. A code in none of them is tried again: the dispatcher dead-letters after its
    /// attempts, and a message dropped for a passing fault costs more than a few wasted tries.
    /// </summary>
    private static readonly (string Code, bool Permanent)[] ErrorCodes =
    [
        // The account or its settings: an administrator fixes them, then the waiting messages go.
        ("InvalidParameterValue.SdkAppIdNotExist", false),
        ("InvalidParameterValue.SignNameLengthTooLong", false),
        ("InvalidParameter.AppidAndBizId", false),
        ("AuthFailure", false),
        ("UnauthorizedOperation", false),
        // Busy, over a rate or daily limit, or failing inside the provider: it passes.
        ("RequestLimitExceeded", false),
        ("LimitExceeded", false),
        ("InternalError", false),
        // This message to this number will never be accepted.
        ("FailedOperation.PhoneNumberInBlacklist", true),
        ("FailedOperation.PhoneNumberParseFail", true),
        ("FailedOperation.ContainSensitiveWord", true),
        ("FailedOperation.TemplateParamSetNotMatchApprovedTemplate", true),
        ("InvalidParameter.DirtyWordFound", true),
        ("InvalidParameterValue", true),
        ("UnsupportedOperation", true),
    ];

    private static bool IsPermanent(string code) =>
        ErrorCodes.FirstOrDefault(entry => code == entry.Code || code.StartsWith(entry.Code + ".", StringComparison.Ordinal)).Permanent;

    private static Delivery Outcome(byte[] body, int status, TextMessage message)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var response = document.RootElement.GetProperty("Response");
            // A request the provider refused as a whole has Error; one it took has a status per number.
            var answer = response.TryGetProperty("Error", out var error) ? error : response.GetProperty("SendStatusSet")[0];
            if (answer.GetProperty("Code").GetString() is { Length: > 0 } code)
                return code == "Ok"
                    ? new Delivery.Sent(answer.TryGetProperty("SerialNo", out var serialNo) ? serialNo.GetString() : null)
                    : Failure(code, answer.TryGetProperty("Message", out var text) ? text.GetString() : null,
                        response.TryGetProperty("RequestId", out var requestId) ? requestId.GetString() : null, message);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            // Not the documented shape (a proxy's error page, a truncated body): like no answer at all.
        }
        return new Delivery.Retry($"Tencent Cloud SMS answered HTTP {status} with a body that is not a SendSms response.");
    }

    /// <summary>
    /// The administrator's text: the provider's code, message and request id, with the number and the
    /// parameters cut out of the message should the provider echo them (parameters under four
    /// characters, such as a count, identify no one and would cut ordinary words).
    /// </summary>
    private static Delivery Failure(string code, string? providerMessage, string? requestId, TextMessage message)
    {
        var text = providerMessage ?? "";
        foreach (var secret in message.Parameters.Where(p => p.Length >= 4).Append(message.Phone))
            text = text.Replace(secret, "…", StringComparison.Ordinal);
        var error = $"Tencent Cloud SMS: {code}: {text} (RequestId {requestId ?? "none"})";
        return IsPermanent(code) ? new Delivery.Rejected(error) : new Delivery.Retry(error);
    }
}

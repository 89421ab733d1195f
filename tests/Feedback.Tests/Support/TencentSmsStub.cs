using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Feedback.Tests.Support;

/// <summary>
/// Tencent Cloud SMS's SendSms on a loopback port (real Kestrel, real HTTP). Every request is checked
/// the way the provider's API 3.0 documents it — method, path, headers, the TC3-HMAC-SHA256 signature
/// (recomputed here from the documented steps, not by the API's signer), the body's fields — and one
/// that fails a check gets the provider's error answer and is kept as a protocol violation. Accepted
/// messages are recorded, so a test can count how often each arrived. What it answers is set by
/// <see cref="SetModeAsync"/>.
/// </summary>
public sealed partial class TencentSmsStub : IAsyncDisposable
{
    public const string SecretId = "AKIDstubSecretId0000000000000000EXAMPLE";
    public const string SecretKey = "stubSecretKey000000000000EXAMPLE";
    public const string AppId = "1400006666";
    public const string SignName = "嵊州市环保局";
    public const string Region = "ap-guangzhou";

    /// <summary>What the stub does with the next requests (each one is checked first, whatever the mode).</summary>
    public abstract record Mode
    {
        /// <summary>Takes the message and answers Ok with a serial number.</summary>
        public sealed record Ok : Mode;

        /// <summary>Refuses the whole request: Response.Error.</summary>
        public sealed record Error(string Code, string Message) : Mode;

        /// <summary>Takes the request but not the number: SendStatusSet[0].Code.</summary>
        public sealed record NumberError(string Code, string Message = "send failed") : Mode;

        /// <summary>The API's request-rate limit: RequestLimitExceeded.</summary>
        public sealed record Throttle : Mode;

        /// <summary>Takes the message, then answers Ok after the delay (unless the client has gone).</summary>
        public sealed record Slow(TimeSpan Delay) : Mode;

        /// <summary>Not listening: connections are refused until another mode is set.</summary>
        public sealed record Down : Mode;

        /// <summary>Takes the message, then drops the connection without an answer.</summary>
        public sealed record LoseAnswer : Mode;

        /// <summary>An answer that is not the API's: a gateway's error page, a broken body.</summary>
        public sealed record Raw(int Status, string Body) : Mode;
    }

    /// <summary>One message the stub accepted.</summary>
    public sealed record Arrival(string SessionContext, string Phone, string TemplateId, IReadOnlyList<string> Parameters, string SerialNo, DateTimeOffset At);

    private readonly HashSet<string> _templateIds;
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private volatile Mode _mode = new Mode.Ok();
    private WebApplication? _server;
    private int _port;
    private int _serial;

    private TencentSmsStub(IEnumerable<string> templateIds) => _templateIds = [.. templateIds];

    /// <param name="templateIds">The template ids the account has approved; any other is refused.</param>
    public static async Task<TencentSmsStub> StartAsync(IEnumerable<string> templateIds)
    {
        var stub = new TencentSmsStub(templateIds);
        await stub.ListenAsync();
        return stub;
    }

    /// <summary>http://127.0.0.1:port — the value for FEEDBACK_SMS_ENDPOINT.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{_port}");

    public IReadOnlyList<Arrival> Arrivals => [.. _arrivals];

    /// <summary>Forgets the messages received.</summary>
    public void Clear() => _arrivals.Clear();

    /// <summary>The RequestId of the last error answer, to find in the administrator's text.</summary>
    public string? LastRequestId { get; private set; }

    /// <summary>Every check a request failed since the last call, and forgets them.</summary>
    public IReadOnlyList<string> TakeProtocolViolations()
    {
        var taken = new List<string>();
        while (_violations.TryDequeue(out var violation)) taken.Add(violation);
        return taken;
    }

    public async Task SetModeAsync(Mode mode)
    {
        if (mode is Mode.Down && _server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
            _server = null;
        }
        _mode = mode;
        if (mode is not Mode.Down && _server is null) await ListenAsync();
    }

    /// <summary>Listens on a free port the first time, and on the same one when it comes back up.</summary>
    private async Task ListenAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var server = builder.Build();
        server.Run(AnswerAsync);
        await server.StartAsync();
        _port = new Uri(server.Services.GetRequiredService<IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()).Port;
        _server = server;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();

        var mode = _mode;
        if (Check(context.Request, body) is { } refusal)
        {
            _violations.Enqueue($"{refusal.Code}: {refusal.Problem}");
            await WriteErrorAsync(context, refusal.Code, refusal.Problem);
            return;
        }
        var request = JsonDocument.Parse(body).RootElement;
        var phone = request.GetProperty("PhoneNumberSet")[0].GetString()!;
        var sessionContext = request.GetProperty("SessionContext").GetString()!;

        switch (mode)
        {
            case Mode.Error error:
                await WriteErrorAsync(context, error.Code, error.Message);
                return;
            case Mode.Throttle:
                await WriteErrorAsync(context, "RequestLimitExceeded", "The number of requests exceeds the frequency limit.");
                return;
            case Mode.NumberError refused:
                LastRequestId = Guid.NewGuid().ToString();
                await WriteAsync(context, new { SendStatusSet = new[] { Status(phone, sessionContext, "", refused.Code, refused.Message, fee: 0) }, RequestId = LastRequestId });
                return;
            case Mode.Raw raw:
                context.Response.StatusCode = raw.Status;
                await context.Response.WriteAsync(raw.Body);
                return;
        }

        var serialNo = $"2433:{Interlocked.Increment(ref _serial)}{Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999)}";
        _arrivals.Enqueue(new Arrival(sessionContext, phone, request.GetProperty("TemplateId").GetString()!,
            [.. request.GetProperty("TemplateParamSet").EnumerateArray().Select(p => p.GetString()!)], serialNo, DateTimeOffset.UtcNow));
        switch (mode)
        {
            case Mode.LoseAnswer:
                context.Abort();
                return;
            case Mode.Slow slow:
                try
                {
                    await Task.Delay(slow.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                break;
        }
        await WriteAsync(context, new { SendStatusSet = new[] { Status(phone, sessionContext, serialNo, "Ok", "send success", fee: 1) }, RequestId = Guid.NewGuid().ToString() });
    }

    private static object Status(string phone, string sessionContext, string serialNo, string code, string message, int fee) =>
        new { SerialNo = serialNo, PhoneNumber = phone, Fee = fee, SessionContext = sessionContext, Code = code, Message = message, IsoCode = "CN" };

    private Task WriteErrorAsync(HttpContext context, string code, string message)
    {
        LastRequestId = Guid.NewGuid().ToString();
        return WriteAsync(context, new { Error = new { Code = code, Message = message }, RequestId = LastRequestId });
    }

    private static async Task WriteAsync(HttpContext context, object response)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { Response = response }));
    }

    private sealed record Refusal(string Code, string Problem);

    /// <summary>The provider's checks, in the order its documents give them; null when the request passes them all.</summary>
    private Refusal? Check(HttpRequest request, byte[] body)
    {
        if (request.Method != "POST" || request.Path != "/" || request.QueryString.HasValue)
            return new("UnsupportedProtocol", $"expected POST / with no query, got {request.Method} {request.Path}{request.QueryString}");
        if (request.Headers.ContentType.ToString() != "application/json; charset=utf-8")
            return new("InvalidParameter", $"Content-Type is '{request.Headers.ContentType}'");
        if (request.Headers.Host.ToString() != $"127.0.0.1:{_port}")
            return new("AuthFailure.SignatureFailure", $"Host is '{request.Headers.Host}', not the endpoint's host:port");
        if (request.Headers["X-TC-Action"].ToString() != "SendSms")
            return new("InvalidAction", $"X-TC-Action is '{request.Headers["X-TC-Action"]}'");
        if (request.Headers["X-TC-Version"].ToString() != "2021-01-11")
            return new("NoSuchVersion", $"X-TC-Version is '{request.Headers["X-TC-Version"]}'");
        if (request.Headers["X-TC-Region"].ToString() != Region)
            return new("UnsupportedRegion", $"X-TC-Region is '{request.Headers["X-TC-Region"]}'");
        if (!long.TryParse(request.Headers["X-TC-Timestamp"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return new("MissingParameter", $"X-TC-Timestamp is '{request.Headers["X-TC-Timestamp"]}'");
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) > 300)
            return new("AuthFailure.SignatureExpire", $"X-TC-Timestamp {timestamp} is more than five minutes from now");

        var authorization = AuthorizationPattern().Match(request.Headers.Authorization.ToString());
        if (!authorization.Success)
            return new("AuthFailure.InvalidAuthorization", $"Authorization is '{request.Headers.Authorization}'");
        if (authorization.Groups["id"].Value != SecretId)
            return new("AuthFailure.SecretIdNotFound", $"Credential names SecretId '{authorization.Groups["id"].Value}'");
        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (authorization.Groups["date"].Value != date || authorization.Groups["service"].Value != "sms")
            return new("AuthFailure.SignatureFailure", $"credential scope {authorization.Groups["date"]}/{authorization.Groups["service"]} is not {date}/sms (the UTC date of X-TC-Timestamp)");
        var signedHeaders = authorization.Groups["signed"].Value.Split(';');
        if (!signedHeaders.Contains("content-type") || !signedHeaders.Contains("host") || !signedHeaders.SequenceEqual(signedHeaders.Order(StringComparer.Ordinal)))
            return new("AuthFailure.SignatureFailure", $"SignedHeaders '{authorization.Groups["signed"]}' must hold content-type and host, in ASCII order");
        var expected = ExpectedSignature(request, signedHeaders, body, timestamp, date);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(authorization.Groups["signature"].Value)))
            return new("AuthFailure.SignatureFailure", "the signature does not match the request");

        JsonElement json;
        try
        {
            json = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return new("FailedOperation.JsonParseFail", "the body is not JSON");
        }
        if (json.ValueKind != JsonValueKind.Object)
            return new("FailedOperation.JsonParseFail", "the body is not a JSON object");
        string[] known = ["PhoneNumberSet", "SmsSdkAppId", "TemplateId", "SignName", "TemplateParamSet", "ExtendCode", "SessionContext", "SenderId"];
        if (json.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => !known.Contains(name)) is { } unknown)
            return new("UnknownParameter", $"the body has '{unknown}'");
        if (!json.TryGetProperty("PhoneNumberSet", out var phones) || phones.ValueKind != JsonValueKind.Array || phones.GetArrayLength() != 1
            || phones[0].ValueKind != JsonValueKind.String || !MainlandE164().IsMatch(phones[0].GetString()!))
            return new("InvalidParameterValue.IncorrectPhoneNumber", "PhoneNumberSet is not one +86 mainland mobile number");
        if (Text(json, "SmsSdkAppId") != AppId)
            return new("InvalidParameterValue.SdkAppIdNotExist", $"SmsSdkAppId is '{Text(json, "SmsSdkAppId")}'");
        if (Text(json, "SignName") != SignName)
            return new("FailedOperation.SignatureIncorrectOrUnapproved", $"SignName is '{Text(json, "SignName")}'");
        if (Text(json, "TemplateId") is not { } templateId || !_templateIds.Contains(templateId))
            return new("FailedOperation.TemplateIdNotExist", $"TemplateId '{Text(json, "TemplateId")}' is not an approved template");
        if (!json.TryGetProperty("TemplateParamSet", out var parameters) || parameters.ValueKind != JsonValueKind.Array
            || parameters.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String))
            return new("InvalidParameter", "TemplateParamSet is not a list of strings");
        if (Text(json, "SessionContext") is not { Length: > 0 } session || Encoding.UTF8.GetByteCount(session) >= 512)
            return new("MissingParameter", "SessionContext (our message id) is missing or not under 512 bytes");
        return null;
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// Signature v3 as the provider's document spells it: CanonicalRequest = method, URI, query,
    /// the signed headers as lowercase "name:value" lines, their names, the payload's SHA-256; then
    /// StringToSign = algorithm, timestamp, scope, SHA-256 of the canonical request; the key is
    /// HMAC(HMAC(HMAC("TC3" + key, date), service), "tc3_request").
    /// </summary>
    private static string ExpectedSignature(HttpRequest request, string[] signedHeaders, byte[] body, long timestamp, string date)
    {
        var canonical = new StringBuilder("POST\n/\n\n");
        foreach (var name in signedHeaders)
            canonical.Append(name).Append(':').Append(request.Headers[name].ToString().Trim().ToLowerInvariant()).Append('\n');
        canonical.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(Hex(SHA256.HashData(body)));

        var toSign = string.Join('\n', "TC3-HMAC-SHA256", timestamp.ToString(CultureInfo.InvariantCulture), $"{date}/sms/tc3_request",
            Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()))));
        var key = Encoding.UTF8.GetBytes("TC3" + SecretKey);
        foreach (var step in new[] { date, "sms", "tc3_request" }) key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(step));
        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
    }

    private static string Hex(byte[] bytes) => string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    [GeneratedRegex(@"^TC3-HMAC-SHA256 Credential=(?<id>[^/]+)/(?<date>\d{4}-\d{2}-\d{2})/(?<service>[^/]+)/tc3_request, SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    [GeneratedRegex(@"^\+861[3-9][0-9]{9}$")]
    private static partial Regex MainlandE164();

    public async ValueTask DisposeAsync()
    {
        if (_server is null) return;
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}

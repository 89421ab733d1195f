using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Feedback.Api.Infrastructure.Auth;

/// <summary>
/// Issues the short-lived access tokens (JWT, HS256 only) and the opaque refresh tokens that
/// rotate on every use. The access token names its session (sid); each request checks that the
/// session is still open, so logout takes effect at once. Keys rotate by id: a session outlives
/// its access tokens, and its next refresh is signed with whatever key signs then.
/// </summary>
public sealed class StaffTokens
{
    public const string Issuer = "feedback-api";
    public const string Audience = "feedback-staff";
    public const string Algorithm = SecurityAlgorithms.HmacSha256;
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(10);
    /// <summary>A session lasts one long working day; then the user signs in again.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    public static class Claims
    {
        public const string UserId = "sub";
        public const string Username = "name";
        public const string Role = "role";
        public const string Section = "section";
        public const string Session = "sid";
    }

    private readonly JsonWebTokenHandler _handler = new();
    private readonly TimeProvider _time;

    /// <summary>The key new tokens are signed with; its id is the tokens' "kid".</summary>
    public SymmetricSecurityKey SigningKey => VerificationKeys[0];

    /// <summary>Every key a token may have been signed with, found by its "kid".</summary>
    public IReadOnlyList<SymmetricSecurityKey> VerificationKeys { get; }

    public StaffTokens(FeedbackOptions options, TimeProvider time, ILogger<StaffTokens> logger)
    {
        _time = time;
        var keys = options.TokenKeys;
        if (keys.Count == 0)
        {
            logger.LogWarning("FEEDBACK_JWT_KEYS is not set: this instance signs tokens with a random key, so they end when it restarts and other instances refuse them.");
            keys = [new TokenKey("local", RandomNumberGenerator.GetBytes(48))];
        }
        VerificationKeys = keys.Select(key => new SymmetricSecurityKey(key.Key) { KeyId = key.Id }).ToList();
    }

    public string CreateAccessToken(long userId, string username, StaffRole role, string? sectionCode, Guid sessionId)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [Claims.UserId] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Claims.Username] = username,
            [Claims.Role] = role.ToCode(),
            [Claims.Session] = sessionId.ToString(),
        };
        if (sectionCode is not null) claims[Claims.Section] = sectionCode;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + AccessTokenLifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(SigningKey, Algorithm),
        });
    }

    /// <summary>A new refresh token and the SHA-256 under which it is stored.</summary>
    public static (string Token, byte[] Hash) NewRefreshToken()
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, HashRefreshToken(token));
    }

    public static byte[] HashRefreshToken(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}

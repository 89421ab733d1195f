using Feedback.Api.Infrastructure.Auth;
using Feedback.Api.Infrastructure.Database;

namespace Feedback.Api.Features.Auth;

/// <param name="ExpiresIn">Seconds until the access token expires; refresh before then.</param>
public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");

/// <summary>Opening, continuing and ending staff sessions, shared by login, refresh, logout and account changes.</summary>
public sealed class StaffSessions(WriteTransaction database, StaffTokens tokens, TimeProvider time)
{
    public sealed record Member(long Id, string Username, string Role, string? SectionCode);

    public async Task<TokenPair> OpenAsync(Member user, CancellationToken cancellationToken)
    {
        var session = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        await database.ExecuteAsync(
            "insert into staff_sessions (id, user_id, created_at, expires_at) values (@session, @userId, @now, @expiresAt)",
            new { session, userId = user.Id, now, expiresAt = now + StaffTokens.SessionLifetime }, cancellationToken);
        return await IssueAsync(user, session, cancellationToken);
    }

    /// <summary>A fresh access token and a fresh single-use refresh token for an open session.</summary>
    public async Task<TokenPair> IssueAsync(Member user, Guid session, CancellationToken cancellationToken)
    {
        var (refreshToken, hash) = StaffTokens.NewRefreshToken();
        await database.ExecuteAsync(
            "insert into refresh_tokens (token_hash, session_id, issued_at) values (@hash, @session, @now)",
            new { hash, session, now = time.GetUtcNow() }, cancellationToken);
        var access = tokens.CreateAccessToken(user.Id, user.Username, StaffRoles.Parse(user.Role), user.SectionCode, session);
        return new TokenPair(access, refreshToken, (int)StaffTokens.AccessTokenLifetime.TotalSeconds);
    }

    public Task<int> RevokeAsync(Guid session, string reason, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "update staff_sessions set revoked_at = @now, revoked_reason = @reason where id = @session and revoked_at is null",
            new { session, reason, now = time.GetUtcNow() }, cancellationToken);

    /// <summary>Ends every open session of a user: after a password change, a role change or disabling.</summary>
    public Task<int> RevokeAllAsync(long userId, string reason, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "update staff_sessions set revoked_at = @now, revoked_reason = @reason where user_id = @userId and revoked_at is null",
            new { userId, reason, now = time.GetUtcNow() }, cancellationToken);
}

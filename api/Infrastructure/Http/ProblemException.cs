using Feedback.Api.Infrastructure.Audit;

namespace Feedback.Api.Infrastructure.Http;

/// <summary>
/// A refusal the caller can act on: 403, 404, 409, 412, 428… with a title that says why (in the
/// caller's language). When it is an authorization failure, <see cref="Denial"/> is written to the
/// audit log even though the request's transaction rolls back. A 429 or 503 says when to try
/// again in <see cref="RetryAfter"/> (the Retry-After header).
/// </summary>
public sealed class ProblemException(
    int status, string title, string? detail = null, AuditEntry? denial = null, TimeSpan? retryAfter = null,
    IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(title)
{
    /// <summary>Members added to the problem, e.g. attemptsLeft.</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public TimeSpan? RetryAfter { get; } = retryAfter;
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public AuditEntry? Denial { get; } = denial;
}

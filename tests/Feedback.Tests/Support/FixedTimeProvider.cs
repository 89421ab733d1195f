namespace Feedback.Tests.Support;

/// <summary>A clock stopped at a chosen instant, for deadline rules.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

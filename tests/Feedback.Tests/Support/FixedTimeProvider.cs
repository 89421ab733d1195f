namespace Feedback.Tests.Support;

/// <summary>A clock stopped at a chosen instant, for deadline rules; only the test moves it.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

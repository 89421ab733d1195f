using Feedback.Api.Infrastructure.Http;

namespace Feedback.Tests.Unit;

public sealed class BoundedReadTests
{
    /// <summary>Hands out at most a few odd-sized bytes per read, as a network stream may.</summary>
    private sealed class Trickle(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 7777)], cancellationToken);
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(64 * 1024)]
    [TestCase(200_003)]
    public async Task A_part_is_read_whole_and_exact(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        Assert.That(await BoundedRead.ReadAllAsync(new Trickle(bytes), 200_003, () => new InvalidOperationException(), default), Is.EqualTo(bytes));
    }

    [Test]
    public void A_part_one_byte_over_the_limit_is_refused()
    {
        Assert.ThrowsAsync<InvalidOperationException>(() =>
            BoundedRead.ReadAllAsync(new Trickle(new byte[200_004]), 200_003, () => new InvalidOperationException(), default));
    }
}

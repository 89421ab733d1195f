using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// Bounds the memory that decoding photos takes at once. At most one photo per CPU core is decoded
/// at a time (more would not finish sooner, only hold more pixels at once), and each decode reserves
/// what its header says it will need (<see cref="PhotoProcessing"/>: the stored photo's pixels and
/// its encoding, the decoded ones, the decoder's own buffers) out of <see cref="BudgetMiB"/>; a
/// photo that needs more than the whole budget runs alone. At most <see cref="MaxWaiting"/> uploads wait for
/// their turn, each at most <see cref="MaxWait"/>; beyond that the upload is answered 503 with
/// Retry-After at once, rather than holding its 10 MB body and a connection in a queue.
/// </summary>
public static class PhotoDecodeGate
{
    public const int BudgetMiB = 192;
    public const int MaxWaiting = 4;
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    private static readonly SemaphoreSlim Decoders = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private static readonly SemaphoreSlim Budget = new(BudgetMiB, BudgetMiB);
    /// <summary>One upload at a time takes its share of the budget, so two large ones never each hold half and wait for the other.</summary>
    private static readonly SemaphoreSlim Turn = new(1, 1);
    private static int _waiting;

    /// <summary>Reserves the memory; dispose the result when the decode is done.</summary>
    public static async Task<IDisposable> EnterAsync(long bytes, CancellationToken cancellationToken)
    {
        var units = (int)Math.Clamp((Math.Min(bytes, (long)BudgetMiB << 20) + (1 << 20) - 1) >> 20, 1, BudgetMiB);
        if (Interlocked.Increment(ref _waiting) > MaxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            throw Busy();
        }
        var (decoder, taken) = (false, 0);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(MaxWait);
            try
            {
                await Turn.WaitAsync(deadline.Token);
                try
                {
                    await Decoders.WaitAsync(deadline.Token);
                    decoder = true;
                    for (; taken < units; taken++) await Budget.WaitAsync(deadline.Token);
                }
                finally
                {
                    Turn.Release();
                }
            }
            catch (OperationCanceledException)
            {
                if (taken > 0) Budget.Release(taken);
                if (decoder) Decoders.Release();
                if (cancellationToken.IsCancellationRequested) throw;
                throw Busy();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return new Reservation(units);
    }

    private sealed class Reservation(int units) : IDisposable
    {
        private int _units = units;

        public void Dispose()
        {
            var units = Interlocked.Exchange(ref _units, 0);
            if (units == 0) return;
            Budget.Release(units);
            Decoders.Release();
        }
    }

    private static ProblemException Busy() => new(StatusCodes.Status503ServiceUnavailable,
        Lang.Pick("照片处理繁忙，请稍后重试", "Photos are busy being processed; please try again shortly"),
        Lang.Pick("您填写的内容不会丢失，稍等片刻再上传即可。", "Nothing you typed is lost: upload the photo again in a moment."),
        retryAfter: TimeSpan.FromSeconds(10));
}

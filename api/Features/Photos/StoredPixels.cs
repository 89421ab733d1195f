using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// The memory a stored photo's pixels are decoded and drawn into: blocks of the largest stored size
/// (2560 × 2560 × 4 bytes, 26 MB), kept for the next photo, at most one per core (the decode gate
/// lets that many decodes run at once). Memory fresh from the system costs a page fault for every
/// 4 KiB first written — about 100 ms of CPU a photo on a virtual machine — and memory handed back
/// is fresh again the next time.
/// </summary>
public static class StoredPixels
{
    public const int BlockBytes = 4 * PhotoProcessing.MaxStoredSide * PhotoProcessing.MaxStoredSide;

    private static readonly ConcurrentStack<IntPtr> Kept = new();

    public static IntPtr Rent() => Kept.TryPop(out var block) ? block : Marshal.AllocHGlobal(BlockBytes);

    public static void Return(IntPtr block)
    {
        if (Kept.Count < Environment.ProcessorCount) Kept.Push(block);
        else Marshal.FreeHGlobal(block);
    }
}

using System.Runtime.InteropServices;

namespace Feedback.Api.Features.Photos;

/// <summary>
/// The native heap that decoding photos allocates from (Skia and its codecs use malloc). glibc
/// serves a block above its threshold straight from the system and hands it back when freed — but
/// freeing such a block raises the threshold to its size, and from then on blocks up to that size
/// come from per-thread heaps, which keep what is freed: every thread that had decoded a photo held
/// on to 30–60 MB of it. A fixed threshold (which also stops the raising) hands every block over
/// 128 KiB back to the system as soon as it is freed. The largest, the stored photo's pixels, are
/// kept for the next photo instead (<see cref="StoredPixels"/>).
/// </summary>
public static class NativeHeap
{
    private const int MallocMmapThreshold = -3; // M_MMAP_THRESHOLD in <malloc.h>

    public static void ReturnLargeBlocksWhenFreed()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            mallopt(MallocMmapThreshold, 128 * 1024);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: its allocator does not hold on to large blocks this way.
        }
    }

    [DllImport("libc")]
    private static extern int mallopt(int parameter, int value);
}

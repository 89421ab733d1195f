using System.Buffers;

namespace Feedback.Api.Infrastructure.Http;

/// <summary>Reads a request part whole, refusing as soon as it passes its limit: nothing unbounded is ever buffered.</summary>
public static class BoundedRead
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// The part's bytes in one array of their exact size. They are read into pooled chunks first and
    /// copied once: a growing MemoryStream would double its buffer again and again and copy it at the
    /// end, leaving three to four times a 10 MB photo behind as garbage.
    /// </summary>
    public static async Task<byte[]> ReadAllAsync(Stream body, int max, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        var chunks = new List<byte[]>();
        var length = 0;
        try
        {
            while (true)
            {
                var offset = length % ChunkSize;
                if (offset == 0) chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                var read = await body.ReadAsync(chunks[^1].AsMemory(offset, ChunkSize - offset), cancellationToken);
                if (read == 0) break;
                length += read;
                if (length > max) throw tooLarge();
            }
            var bytes = GC.AllocateUninitializedArray<byte>(length);
            for (var i = 0; i < chunks.Count; i++)
                chunks[i].AsSpan(0, Math.Min(ChunkSize, length - i * ChunkSize)).CopyTo(bytes.AsSpan(i * ChunkSize));
            return bytes;
        }
        finally
        {
            foreach (var chunk in chunks) ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}

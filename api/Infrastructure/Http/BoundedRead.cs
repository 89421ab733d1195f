namespace Feedback.Api.Infrastructure.Http;

/// <summary>Reads a request part whole, refusing as soon as it passes its limit: nothing unbounded is ever buffered.</summary>
public static class BoundedRead
{
    public static async Task<byte[]> ReadAllAsync(Stream body, int max, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max) throw tooLarge();
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}

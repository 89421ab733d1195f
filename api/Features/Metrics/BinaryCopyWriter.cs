using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace Feedback.Api.Features.Metrics;

/// <summary>
/// Rows for PostgreSQL's COPY … FROM STDIN (FORMAT BINARY), written straight into a buffer. A fold
/// after a recount writes millions of counter rows of some forty values each; Npgsql's importer
/// spends a hundred-odd nanoseconds on each value, this a few. The format: a header, each row as
/// its number of values, then each value as its length in bytes (-1 for null) and its bytes in
/// network order; -1 at the end (PostgreSQL documentation, COPY, "Binary Format").
/// </summary>
public sealed class BinaryCopyWriter : IAsyncDisposable
{
    // The signature PGCOPY\n\377\r\n\0, no flags, no header extension.
    private static readonly byte[] Header = [.. "PGCOPY\n"u8, 0xff, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly DateOnly PostgresEpoch = new(2000, 1, 1);
    private const uint Int4Oid = 23;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _length;

    private BinaryCopyWriter(Stream stream) => _stream = stream;

    /// <param name="copy">COPY table (columns…) FROM STDIN (FORMAT BINARY)</param>
    public static async Task<BinaryCopyWriter> BeginAsync(NpgsqlConnection connection, string copy, CancellationToken cancellationToken)
    {
        var writer = new BinaryCopyWriter(await connection.BeginRawBinaryCopyAsync(copy, cancellationToken));
        writer.Bytes(Header);
        return writer;
    }

    public void StartRow(short values) => BinaryPrimitives.WriteInt16BigEndian(Room(2), values);

    public void Null() => BinaryPrimitives.WriteInt32BigEndian(Room(4), -1);

    public void Int2(short value)
    {
        Length(2);
        BinaryPrimitives.WriteInt16BigEndian(Room(2), value);
    }

    public void Int4(int value)
    {
        Length(4);
        BinaryPrimitives.WriteInt32BigEndian(Room(4), value);
    }

    public void Int8(long value)
    {
        Length(8);
        BinaryPrimitives.WriteInt64BigEndian(Room(8), value);
    }

    public void Boolean(bool value)
    {
        Length(1);
        Room(1)[0] = value ? (byte)1 : (byte)0;
    }

    /// <summary>PostgreSQL's one-byte "char".</summary>
    public void Char(char value)
    {
        Length(1);
        Room(1)[0] = checked((byte)value);
    }

    public void Date(DateOnly value)
    {
        Length(4);
        BinaryPrimitives.WriteInt32BigEndian(Room(4), value.DayNumber - PostgresEpoch.DayNumber);
    }

    public void Text(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Length(bytes.Length);
        Bytes(bytes);
    }

    /// <summary>An int[] of one dimension without nulls.</summary>
    public void Int4Array(int[] values)
    {
        Length(20 + 8 * values.Length);
        var header = Room(20);
        BinaryPrimitives.WriteInt32BigEndian(header, 1);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], Int4Oid);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], values.Length);
        BinaryPrimitives.WriteInt32BigEndian(header[16..], 1);
        foreach (var value in values)
        {
            var element = Room(8);
            BinaryPrimitives.WriteInt32BigEndian(element, 4);
            BinaryPrimitives.WriteInt32BigEndian(element[4..], value);
        }
    }

    /// <summary>Ends the rows and waits for PostgreSQL to take them.</summary>
    public async ValueTask DisposeAsync()
    {
        BinaryPrimitives.WriteInt16BigEndian(Room(2), -1);
        await FlushAsync();
        await _stream.DisposeAsync();
    }

    private void Length(int bytes) => BinaryPrimitives.WriteInt32BigEndian(Room(4), bytes);

    private void Bytes(ReadOnlySpan<byte> bytes)
    {
        for (var at = 0; at < bytes.Length; at += _buffer.Length)
        {
            var chunk = bytes[at..Math.Min(bytes.Length, at + _buffer.Length)];
            chunk.CopyTo(Room(chunk.Length));
        }
    }

    /// <summary>The next bytes of the buffer, after sending it on when it is too full.</summary>
    private Span<byte> Room(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            _stream.Write(_buffer, 0, _length);
            _length = 0;
        }
        var room = _buffer.AsSpan(_length, bytes);
        _length += bytes;
        return room;
    }

    private async Task FlushAsync()
    {
        await _stream.WriteAsync(_buffer.AsMemory(0, _length));
        _length = 0;
    }
}

using System.Globalization;
using System.Text;

namespace Feedback.Api.Infrastructure.Csv;

/// <summary>
/// Writes RFC 4180 CSV to a stream as rows come: UTF-8 with a byte-order mark (so Excel reads
/// Chinese correctly), CRLF line ends, a field quoted when it holds a comma, quote, CR or LF, quotes
/// doubled. Text cells that a spreadsheet would run as a formula (starting with = + - @, tab, CR or
/// LF) get a leading single quote (OWASP "CSV injection"): citizens' and staff's words go into these
/// files. Memory is one row plus a fixed buffer, whatever the number of rows.
/// </summary>
public sealed class CsvWriter(Stream stream) : IAsyncDisposable
{
    private const int FlushAtChars = 16 * 1024;

    private readonly StreamWriter _writer = new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), FlushAtChars, leaveOpen: true);
    private readonly StringBuilder _row = new();
    private bool _started;
    private bool _atRowStart = true;

    /// <summary>A cell of text from people; null is an empty cell.</summary>
    public CsvWriter Text(string? value)
    {
        Separate();
        if (string.IsNullOrEmpty(value)) return this;
        var guarded = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\n';
        var quoted = guarded || value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (quoted) _row.Append('"');
        if (guarded) _row.Append('\'');
        foreach (var c in value)
        {
            if (c == '"') _row.Append('"');
            _row.Append(c);
        }
        if (quoted) _row.Append('"');
        return this;
    }

    /// <summary>A number the service computed (never guarded: -3 must stay a number).</summary>
    public CsvWriter Number(long? value)
    {
        Separate();
        if (value is { } number) _row.Append(number.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>A decimal the service computed, as written (invariant culture: a point, never a comma).</summary>
    public CsvWriter Number(decimal? value)
    {
        Separate();
        if (value is { } number) _row.Append(number.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Ends the row and hands it to the stream (which is written to whenever the buffer fills).</summary>
    public async ValueTask EndRowAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            _started = true;
            await _writer.WriteAsync("\uFEFF".AsMemory(), cancellationToken);
        }
        _row.Append("\r\n");
        await _writer.WriteAsync(_row, cancellationToken);
        _row.Clear();
        _atRowStart = true;
    }

    /// <summary>Sends what is buffered now (e.g. after the header, so the download starts at once).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _writer.FlushAsync(cancellationToken);

    private void Separate()
    {
        if (!_atRowStart) _row.Append(',');
        _atRowStart = false;
    }

    /// <summary>Flushes; the stream stays open (it belongs to the caller).</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}

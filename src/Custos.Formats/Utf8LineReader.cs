namespace Custos.Formats;

/// <summary>
/// The lines of a UTF-8 stream as bytes, split where <see cref="TextReader.ReadLine"/> splits
/// them (<c>\n</c>, <c>\r</c>, <c>\r\n</c>), so that a JSON Lines file parses straight from
/// its bytes: decoding each line into a string only for the parser to encode it back cost
/// about a third of a replay's parsing.
/// </summary>
internal sealed class Utf8LineReader(Stream stream)
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _started;

    /// <summary>
    /// Whether the stream is UTF-8 (with or without a byte order mark). A UTF-16 or UTF-32
    /// mark, which <see cref="StreamReader"/> would honour, says it is not.
    /// </summary>
    public bool IsUtf8()
    {
        Start();
        return _end == 0 || _buffer[0] is not (0xFE or 0xFF or 0x00);
    }

    /// <summary>The next line, without its terminator; valid until the next call.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        Start();
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var at = pending.IndexOfAny((byte)'\r', (byte)'\n');
            // A \r at the end of what is buffered may be the first half of \r\n: read on first.
            if (at >= 0 && (pending[at] == '\n' || at + 1 < pending.Length || _eof))
            {
                line = pending[..at];
                _start += at + (pending[at] == '\r' && at + 1 < pending.Length && pending[at + 1] == '\n' ? 2 : 1);
                return true;
            }
            if (_eof)
            {
                line = pending;
                _start = _end;
                return pending.Length > 0;
            }
            Fill();
        }
    }

    private void Start()
    {
        if (_started)
        {
            return;
        }
        _started = true;
        while (!_eof && _end < 3)
        {
            Fill();
        }
        if (_buffer.AsSpan(0, _end).StartsWith("\uFEFF"u8))
        {
            _start = 3;
        }
    }

    private void Fill()
    {
        var pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            (_start, _end) = (0, pending);
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var read = stream.Read(_buffer, _end, _buffer.Length - _end);
        _eof = read == 0;
        _end += read;
    }
}

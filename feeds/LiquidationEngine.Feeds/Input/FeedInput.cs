using System.Buffers.Binary;
using System.IO.Compression;

namespace LiquidationEngine.Feeds;

/// <summary>The bytes of one feed file: gzip detected by its magic and decompressed on the fly, read line by line
/// (or block by block for the binary format) through one reusable buffer, so a file is never loaded whole.</summary>
internal sealed class FeedInput : IDisposable
{
    /// <summary>Longest line accepted, in bytes; longer lines are skipped and reported.</summary>
    public const int MaxLineLength = 16 << 20;

    /// <summary>Starting buffer size; it grows only for lines longer than this.</summary>
    private const int InitialBufferSize = 64 << 10;

    /// <summary>The decoded (decompressed when gzip) stream.</summary>
    private readonly Stream _decoded;

    /// <summary>Whether <see cref="Dispose"/> disposes <see cref="_decoded"/>.</summary>
    private readonly bool _ownsDecoded;

    /// <summary>Fallback truncation check: the gzip trailer's ISIZE (size mod 2^32), or -1 when not used.</summary>
    private readonly long _gzipTrailerSize = -1;

    /// <summary>Holds bytes [<see cref="_start"/>, <see cref="_end"/>) not yet consumed.</summary>
    private byte[] _buffer = new byte[InitialBufferSize];

    /// <summary>First unconsumed byte.</summary>
    private int _start;

    /// <summary>End of the valid bytes.</summary>
    private int _end;

    /// <summary>Bytes in [<see cref="_start"/>, <see cref="_scanned"/>) are known to hold no newline.</summary>
    private int _scanned;

    /// <summary>The decoded stream has ended (cleanly or not).</summary>
    private bool _eof;

    /// <summary>Skipping the rest of an overlong line.</summary>
    private bool _discarding;

    /// <summary>Total decoded bytes read.</summary>
    private long _decodedBytes;

    /// <summary>Opens <paramref name="stream"/>, sniffing the first two bytes for the gzip magic (1f 8b).</summary>
    public FeedInput(Stream stream, string file, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(stream);
        File = file;
        Span<byte> magic = stackalloc byte[2];
        int n = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            IsGzip = true;

            // Must be evaluated before this process's first GZipStream: it sets the strict-validation switch.
            if (!GzipIntegrity.StrictValidationActive)
            {
                _gzipTrailerSize = ReadTrailerSize(stream);
            }

            _decoded = new GZipStream(new ReplayStream(magic, stream, leaveOpen), CompressionMode.Decompress, leaveOpen: false);
            _ownsDecoded = true;
        }
        else
        {
            magic[..n].CopyTo(_buffer);
            _end = n;
            _decodedBytes = n;
            _eof = n < 2;
            _decoded = stream;
            _ownsDecoded = !leaveOpen;
        }
    }

    /// <summary>The file name given by the caller, used in records and errors.</summary>
    public string File { get; }

    /// <summary>True when the input was gzip-compressed.</summary>
    public bool IsGzip { get; }

    /// <summary>Number of the last line returned by <see cref="ReadLine"/> (1-based).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Set once the input turned out truncated or corrupt.</summary>
    public FeedErrorKind? FailureKind { get; private set; }

    /// <summary>Why the input failed, for the error message.</summary>
    public string? FailureMessage { get; private set; }

    /// <summary>True when the decoded input holds no byte at all (known once the end was reached).</summary>
    public bool IsEmpty => _eof && _decodedBytes == 0;

    /// <summary>Reads the next line without its line terminator (LF or CRLF). The span is valid until the next call.</summary>
    public LineStatus ReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                int lineEnd = _scanned + newline;
                line = _buffer.AsSpan(_start, lineEnd - _start);
                _start = lineEnd + 1;
                _scanned = _start;
                LineNumber++;
                if (_discarding)
                {
                    _discarding = false;
                    line = default;
                    return LineStatus.TooLong;
                }

                line = TrimLine(line);
                return LineStatus.Line;
            }

            _scanned = _end;
            if (_eof)
            {
                line = default;
                if (FailureKind is not null)
                {
                    return LineStatus.Failed;
                }

                if (_discarding)
                {
                    _discarding = false;
                    _start = _end;
                    LineNumber++;
                    return LineStatus.TooLong;
                }

                if (_start < _end)
                {
                    line = TrimLine(_buffer.AsSpan(_start, _end - _start));
                    _start = _end;
                    _scanned = _end;
                    LineNumber++;
                    return LineStatus.Line;
                }

                return LineStatus.End;
            }

            if (_end - _start >= MaxLineLength)
            {
                // Keep memory bounded: drop the overlong line's bytes and skip to its end.
                _discarding = true;
                _start = _end = _scanned = 0;
            }

            Fill();
        }
    }

    /// <summary>Fills <paramref name="destination"/>; returns fewer bytes only at the end of the input.</summary>
    public int ReadBlock(Span<byte> destination)
    {
        int copied = 0;
        while (copied < destination.Length)
        {
            int available = _end - _start;
            if (available > 0)
            {
                int n = Math.Min(available, destination.Length - copied);
                _buffer.AsSpan(_start, n).CopyTo(destination[copied..]);
                _start += n;
                _scanned = _start;
                copied += n;
                continue;
            }

            if (_eof)
            {
                break;
            }

            _start = _end = _scanned = 0;
            Fill();
        }

        return copied;
    }

    /// <summary>The first line (up to <paramref name="maxBytes"/>, without terminator and BOM) without consuming it,
    /// for format detection. Call before any read.</summary>
    public ReadOnlySpan<byte> PeekFirstLine(int maxBytes = InitialBufferSize)
    {
        while (!_eof && _end - _start < maxBytes && _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n') < 0)
        {
            Fill();
        }

        ReadOnlySpan<byte> head = _buffer.AsSpan(_start, Math.Min(_end - _start, maxBytes));
        int newline = head.IndexOf((byte)'\n');
        return TrimLine(newline >= 0 ? head[..newline] : head, bomAllowed: true);
    }

    /// <summary>The first <paramref name="count"/> bytes (fewer if the input is shorter) without consuming them.</summary>
    public ReadOnlySpan<byte> PeekBytes(int count)
    {
        while (!_eof && _end - _start < count)
        {
            Fill();
        }

        return _buffer.AsSpan(_start, Math.Min(_end - _start, count));
    }

    public void Dispose()
    {
        if (_ownsDecoded)
        {
            _decoded.Dispose();
        }
    }

    private ReadOnlySpan<byte> TrimLine(ReadOnlySpan<byte> line, bool bomAllowed = false)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if ((bomAllowed || LineNumber == 1) && line.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
        }

        return line;
    }

    /// <summary>Reads more decoded bytes, making room first (compacting, or growing up to <see cref="MaxLineLength"/>).</summary>
    private void Fill()
    {
        if (_eof)
        {
            return;
        }

        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _scanned -= _start;
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxLineLength));
            }
        }

        int n;
        try
        {
            n = _decoded.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (InvalidDataException ex) when (IsGzip)
        {
            bool truncated = ex.Message.Contains("truncated", StringComparison.OrdinalIgnoreCase);
            Fail(
                truncated ? FeedErrorKind.TruncatedInput : FeedErrorKind.CorruptInput,
                truncated ? $"gzip stream is truncated: {ex.Message}" : $"gzip stream is corrupt: {ex.Message}");
            return;
        }

        if (n == 0)
        {
            _eof = true;
            if (_gzipTrailerSize >= 0 && (_decodedBytes & 0xFFFF_FFFFL) != _gzipTrailerSize)
            {
                Fail(
                    FeedErrorKind.TruncatedInput,
                    $"gzip stream is truncated: {_decodedBytes} bytes decompressed but the trailer says {_gzipTrailerSize} "
                    + "(mod 2^32); a multi-member gzip file cannot be verified on this runtime");
            }

            return;
        }

        _end += n;
        _decodedBytes += n;
    }

    private void Fail(FeedErrorKind kind, string message)
    {
        _eof = true;
        FailureKind = kind;
        FailureMessage = message;
    }

    /// <summary>The last 4 bytes of a seekable gzip file (ISIZE), or -1 when the stream cannot seek.</summary>
    private static long ReadTrailerSize(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return -1;
        }

        long position = stream.Position;
        if (stream.Length - position < 18)
        {
            // Shorter than the smallest gzip member (20 bytes): truncated. A value no size can match.
            return uint.MaxValue + 1L;
        }

        Span<byte> trailer = stackalloc byte[4];
        stream.Seek(-4, SeekOrigin.End);
        stream.ReadExactly(trailer);
        stream.Seek(position, SeekOrigin.Begin);
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }
}

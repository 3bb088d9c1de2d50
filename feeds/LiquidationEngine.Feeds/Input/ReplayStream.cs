namespace LiquidationEngine.Feeds;

/// <summary>A read-only stream that first returns a few already-read bytes, then the rest of an inner stream.</summary>
/// <remarks>Used to sniff the gzip magic of a non-seekable stream and still hand the whole stream to <c>GZipStream</c>.</remarks>
internal sealed class ReplayStream : Stream
{
    /// <summary>The sniffed bytes, returned first.</summary>
    private readonly byte[] _prefix;

    /// <summary>The rest of the input.</summary>
    private readonly Stream _inner;

    /// <summary>Whether disposing this stream leaves <see cref="_inner"/> open.</summary>
    private readonly bool _leaveOpen;

    /// <summary>How many bytes of <see cref="_prefix"/> have been returned.</summary>
    private int _prefixRead;

    public ReplayStream(ReadOnlySpan<byte> prefix, Stream inner, bool leaveOpen)
    {
        _prefix = prefix.ToArray();
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefixRead < _prefix.Length)
        {
            int n = Math.Min(buffer.Length, _prefix.Length - _prefixRead);
            _prefix.AsSpan(_prefixRead, n).CopyTo(buffer);
            _prefixRead += n;
            return n;
        }

        return _inner.Read(buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

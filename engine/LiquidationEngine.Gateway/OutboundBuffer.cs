using System.Diagnostics;

namespace LiquidationEngine.Gateway;

/// <summary>
/// A bounded byte queue between the output thread (which enqueues encoded frames and must never block) and one
/// connection's send loop. When a frame does not fit, <see cref="TryEnqueue"/> returns false and the caller
/// disconnects the client: a slow reader never slows anyone else.
/// </summary>
public sealed class OutboundBuffer : IDisposable
{
    /// <summary>Circular storage; bytes [_head, _head + _count) modulo the length are queued.</summary>
    private readonly byte[] _ring;
    private readonly object _lock = new();

    /// <summary>Released on every empty → non-empty transition and on close, so the send loop wakes.</summary>
    private readonly SemaphoreSlim _signal = new(0);
    private int _head;
    private int _count;
    private bool _closed;

    /// <summary>Creates a buffer of <paramref name="capacityBytes"/>.</summary>
    public OutboundBuffer(int capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 64);
        _ring = new byte[capacityBytes];
    }

    /// <summary>Capacity in bytes.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Bytes queued now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>True once <see cref="Close"/> was called.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Queues a whole frame, or nothing: false when it does not fit or the buffer is closed. Never blocks.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> frame)
    {
        bool wake;
        lock (_lock)
        {
            if (_closed || frame.Length > _ring.Length - _count)
            {
                return false;
            }

            int tail = (_head + _count) % _ring.Length;
            int first = Math.Min(frame.Length, _ring.Length - tail);
            frame[..first].CopyTo(_ring.AsSpan(tail));
            frame[first..].CopyTo(_ring);
            wake = _count == 0;
            _count += frame.Length;
        }

        if (wake)
        {
            _signal.Release();
        }

        return true;
    }

    /// <summary>Moves up to <paramref name="destination"/>.Length queued bytes out; 0 when empty.</summary>
    public int Dequeue(Span<byte> destination)
    {
        lock (_lock)
        {
            int n = Math.Min(destination.Length, _count);
            int first = Math.Min(n, _ring.Length - _head);
            _ring.AsSpan(_head, first).CopyTo(destination);
            _ring.AsSpan(0, n - first).CopyTo(destination[first..]);
            _head = (_head + n) % _ring.Length;
            _count -= n;
            Debug.Assert(_count >= 0, "never more out than in");
            return n;
        }
    }

    /// <summary>Waits until bytes may be queued or the buffer is closed.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    /// <summary>Refuses further frames and wakes the send loop. Already-queued bytes can still be dequeued.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        _signal.Release();
    }

    /// <summary>Drops everything queued (used before a final error frame on overrun).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _head = 0;
            _count = 0;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _signal.Dispose();
}

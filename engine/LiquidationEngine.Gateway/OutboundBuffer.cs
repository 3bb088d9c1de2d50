using System.Buffers;
using System.Diagnostics;

namespace LiquidationEngine.Gateway;

/// <summary>
/// A bounded byte queue between the output thread (which enqueues encoded frames and must never block) and one
/// connection's send loop. When a frame does not fit, <see cref="TryEnqueue"/> returns false and the caller
/// disconnects the client: a slow reader never slows anyone else.
/// </summary>
/// <remarks>The storage is rented from a pool and given back by <see cref="Release"/>. Every access to it is under the
/// buffer's lock, so the output thread may still hold a reference to a released buffer: it then only sees "closed".</remarks>
public sealed class OutboundBuffer : IDisposable
{
    private readonly object _lock = new();
    private readonly ArrayPool<byte>? _pool;
    private readonly int _capacity;

    /// <summary>Released on every empty → non-empty transition and on close, so the send loop wakes. Never disposed:
    /// it holds no handle (its wait handle is never asked for), and a late Release must not throw on the output thread.</summary>
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>Circular storage (only its first <see cref="_capacity"/> bytes are used); bytes [_head, _head + _count)
    /// modulo the capacity are queued. Null once released.</summary>
    private byte[]? _ring;
    private int _head;
    private int _count;
    private bool _closed;

    /// <summary>Creates a buffer of <paramref name="capacityBytes"/> with its own array.</summary>
    public OutboundBuffer(int capacityBytes)
        : this(capacityBytes, null)
    {
    }

    /// <summary>Creates a buffer of <paramref name="capacityBytes"/> rented from <paramref name="pool"/> (returned by <see cref="Release"/>).</summary>
    public OutboundBuffer(int capacityBytes, ArrayPool<byte>? pool)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 64);
        _pool = pool;
        _capacity = capacityBytes;
        _ring = pool is null ? new byte[capacityBytes] : pool.Rent(capacityBytes);
    }

    /// <summary>Capacity in bytes.</summary>
    public int Capacity => _capacity;

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

    /// <summary>True once <see cref="Close"/> (or <see cref="Release"/>) was called.</summary>
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

    /// <summary>Queues a whole frame, or nothing: false when it does not fit or the buffer is closed. Never blocks, never throws.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> frame)
    {
        bool wake;
        lock (_lock)
        {
            if (_closed || _ring is null || frame.Length > _capacity - _count)
            {
                return false;
            }

            int tail = (_head + _count) % _capacity;
            int first = Math.Min(frame.Length, _capacity - tail);
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

    /// <summary>Moves up to <paramref name="destination"/>.Length queued bytes out; 0 when empty or released.</summary>
    public int Dequeue(Span<byte> destination)
    {
        lock (_lock)
        {
            if (_ring is null)
            {
                return 0;
            }

            int n = Math.Min(destination.Length, _count);
            int first = Math.Min(n, _capacity - _head);
            _ring.AsSpan(_head, first).CopyTo(destination);
            _ring.AsSpan(0, n - first).CopyTo(destination[first..]);
            _head = (_head + n) % _capacity;
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

    /// <summary>Closes the buffer, drops what is queued and gives the storage back to its pool. Idempotent.</summary>
    public void Release()
    {
        byte[]? ring;
        lock (_lock)
        {
            ring = _ring;
            _ring = null;
            _count = 0;
            _closed = true;
        }

        if (ring is not null)
        {
            _pool?.Return(ring);
            _signal.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Release();
}

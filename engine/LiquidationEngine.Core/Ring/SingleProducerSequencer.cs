using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LiquidationEngine.Ring;

/// <summary>A sequencer for exactly one producer thread: claims are plain field writes, with no CAS.</summary>
/// <remarks>
/// <para>Invariant: only one thread ever calls <c>Next</c>, <c>TryNext</c> and <c>Publish</c>; the claim state
/// (<c>_nextValue</c>, <c>_cachedGatingMinimum</c>) is that thread's alone.</para>
/// <para>The producer re-reads the consumers' sequences only when the cached minimum says the ring might be full,
/// so the common claim touches no shared cache line.</para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 160)]
public sealed class SingleProducerSequencer : ISequencer
{
    // padding: 56 bytes before the fields and 56 after (Size = 160), so the producer's hot claim state
    // never shares a cache line with another object.

    /// <summary>The highest published sequence; what consumers wait on.</summary>
    [FieldOffset(56)]
    private readonly Sequence _cursor = new();

    [FieldOffset(64)]
    private readonly IWaitStrategy _waitStrategy;

    /// <summary>Consumers the producer must not lap; replaced copy-on-write, read with <see cref="Volatile"/>.</summary>
    [FieldOffset(72)]
    private Sequence[] _gatingSequences = [];

    /// <summary>The highest claimed sequence (at least the cursor).</summary>
    [FieldOffset(80)]
    private long _nextValue = Sequence.InitialValue;

    /// <summary>The gating minimum last read; never above the true minimum, because consumers only move forward.</summary>
    [FieldOffset(88)]
    private long _cachedGatingMinimum = Sequence.InitialValue;

    [FieldOffset(96)]
    private readonly int _bufferSize;

    /// <summary>Whether publish must wake blocked consumers (cached so non-blocking strategies cost nothing).</summary>
    [FieldOffset(100)]
    private readonly bool _signalConsumers;

    /// <summary>Creates a sequencer for a ring of <paramref name="bufferSize"/> slots.</summary>
    /// <param name="bufferSize">A power of two.</param>
    /// <param name="waitStrategy">How consumers wait; producers signal it after publishing if it blocks.</param>
    /// <exception cref="ArgumentException"><paramref name="bufferSize"/> is not a positive power of two.</exception>
    public SingleProducerSequencer(int bufferSize, IWaitStrategy waitStrategy)
    {
        ArgumentNullException.ThrowIfNull(waitStrategy);
        if (bufferSize < 1 || !int.IsPow2(bufferSize))
        {
            ThrowHelper.ThrowCapacityNotPowerOfTwo(bufferSize);
        }

        _bufferSize = bufferSize;
        _waitStrategy = waitStrategy;
        _signalConsumers = waitStrategy.IsBlockingStrategy;
    }

    /// <inheritdoc/>
    public int BufferSize => _bufferSize;

    /// <inheritdoc/>
    public long Cursor => _cursor.Value;

    /// <inheritdoc/>
    /// <remarks>Read it from the producer thread: it uses the producer's claim state.</remarks>
    public long RemainingCapacity
    {
        get
        {
            long next = _nextValue;
            long consumed = Sequence.Minimum(Volatile.Read(ref _gatingSequences), next);
            return _bufferSize - (next - consumed);
        }
    }

    /// <summary>The producer cursor itself, for barriers.</summary>
    internal Sequence CursorSequence => _cursor;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next() => NextInternal(1);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next(int n)
    {
        if ((uint)(n - 1) >= (uint)_bufferSize)
        {
            ThrowHelper.ThrowClaimSizeOutOfRange(n, _bufferSize);
        }

        return NextInternal(n);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryNext(out long sequence) => TryNextInternal(1, out sequence);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryNext(int n, out long sequence)
    {
        if ((uint)(n - 1) >= (uint)_bufferSize)
        {
            ThrowHelper.ThrowClaimSizeOutOfRange(n, _bufferSize);
        }

        return TryNextInternal(n, out sequence);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long sequence)
    {
        Debug.Assert(sequence <= _nextValue, "Published a sequence that was never claimed.");
        _cursor.SetValue(sequence);
        if (_signalConsumers)
        {
            _waitStrategy.SignalAllWhenBlocking();
        }
    }

    /// <inheritdoc/>
    /// <remarks>With one producer the cursor covers everything below it, so this publishes <paramref name="hi"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long lo, long hi)
    {
        Debug.Assert(lo <= hi, "An empty or reversed batch.");
        Publish(hi);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsAvailable(long sequence)
    {
        long cursor = _cursor.Value;
        return sequence <= cursor && sequence > cursor - _bufferSize;
    }

    /// <inheritdoc/>
    /// <remarks>With one producer everything up to the cursor is published, so this returns <paramref name="availableSequence"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long GetHighestPublishedSequence(long lowerBound, long availableSequence) => availableSequence;

    /// <inheritdoc/>
    public void AddGatingSequences(params Sequence[] gatingSequences)
        => GatingSequences.Add(ref _gatingSequences, _cursor, gatingSequences);

    /// <inheritdoc/>
    public bool RemoveGatingSequence(Sequence sequence) => GatingSequences.Remove(ref _gatingSequences, sequence);

    /// <inheritdoc/>
    public long GetMinimumGatingSequence() => Sequence.Minimum(Volatile.Read(ref _gatingSequences), _cursor.Value);

    /// <inheritdoc/>
    public SequenceBarrier NewBarrier(params Sequence[] dependentSequences)
        => new(_cursor, multiProducer: null, _waitStrategy, dependentSequences);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long NextInternal(int n)
    {
        long next = _nextValue + n;
        long wrapPoint = next - _bufferSize;
        if (wrapPoint > _cachedGatingMinimum)
        {
            WaitForCapacity(wrapPoint);
        }

        _nextValue = next;
        return next;
    }

    /// <summary>The ring is (or looked) full: hold the producer back until the slowest consumer has freed
    /// <paramref name="wrapPoint"/>. Nothing is dropped or overwritten.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForCapacity(long wrapPoint)
    {
        long current = _nextValue;
        SpinWait backoff = default; // spins, then yields, then sleeps 1 ms: never a hot spin for long
        long minimum;
        while (wrapPoint > (minimum = Sequence.Minimum(Volatile.Read(ref _gatingSequences), current)))
        {
            backoff.SpinOnce();
        }

        _cachedGatingMinimum = minimum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryNextInternal(int n, out long sequence)
    {
        long next = _nextValue + n;
        if (next - _bufferSize > _cachedGatingMinimum && !RefreshHasCapacity(next - _bufferSize))
        {
            sequence = default;
            return false;
        }

        _nextValue = next;
        sequence = next;
        return true;
    }

    /// <summary>Re-reads the consumers' sequences; whether <paramref name="wrapPoint"/> is free now.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RefreshHasCapacity(long wrapPoint)
    {
        long minimum = Sequence.Minimum(Volatile.Read(ref _gatingSequences), _nextValue);
        _cachedGatingMinimum = minimum;
        return wrapPoint <= minimum;
    }
}

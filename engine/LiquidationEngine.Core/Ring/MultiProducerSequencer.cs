using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LiquidationEngine.Ring;

/// <summary>A sequencer for any number of producer threads: slots are claimed with a CAS on the cursor and
/// published slot by slot in an availability buffer.</summary>
/// <remarks>
/// <para>The cursor is the highest <em>claimed</em> sequence. Producers publish out of order, so each slot has a
/// flag holding the lap number (<c>sequence / bufferSize</c>) of the event last published in it; a sequence is
/// published when its slot's flag equals its own lap.</para>
/// <para>Invariant: a slot is reused only after every gating consumer has passed it, so a flag can only move from
/// one lap to the next after consumers have stopped reading the old one.</para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 168)]
public sealed class MultiProducerSequencer : ISequencer
{
    // padding: 56 bytes before the fields and 56 after (Size = 168), so no other object's fields share their cache lines.

    /// <summary>Ints of padding at each end of the availability buffer (128 bytes), away from neighbouring objects.</summary>
    private const int FlagPadding = 32;

    /// <summary>The highest claimed sequence; producers CAS it forward.</summary>
    [FieldOffset(56)]
    private readonly Sequence _cursor = new();

    [FieldOffset(64)]
    private readonly IWaitStrategy _waitStrategy;

    /// <summary>Consumers the producers must not lap; replaced copy-on-write, read with <see cref="Volatile"/>.</summary>
    [FieldOffset(72)]
    private Sequence[] _gatingSequences = [];

    /// <summary>The gating minimum last read by any producer (its own padded line); never above the true minimum.</summary>
    [FieldOffset(80)]
    private readonly Sequence _gatingSequenceCache = new();

    /// <summary>Per slot (offset by <see cref="FlagPadding"/>): the lap of the event last published there, -1 at first.</summary>
    [FieldOffset(88)]
    private readonly int[] _availableBuffer;

    [FieldOffset(96)]
    private readonly int _bufferSize;

    [FieldOffset(100)]
    private readonly int _indexMask;

    /// <summary>log2(bufferSize): <c>sequence &gt;&gt; _indexShift</c> is the lap.</summary>
    [FieldOffset(104)]
    private readonly int _indexShift;

    /// <summary>Whether publish must wake blocked consumers (cached so non-blocking strategies cost nothing).</summary>
    [FieldOffset(108)]
    private readonly bool _signalConsumers;

    /// <summary>Creates a sequencer for a ring of <paramref name="bufferSize"/> slots.</summary>
    /// <param name="bufferSize">A power of two.</param>
    /// <param name="waitStrategy">How consumers wait; producers signal it after publishing if it blocks.</param>
    /// <exception cref="ArgumentException"><paramref name="bufferSize"/> is not a positive power of two.</exception>
    public MultiProducerSequencer(int bufferSize, IWaitStrategy waitStrategy)
    {
        ArgumentNullException.ThrowIfNull(waitStrategy);
        if (bufferSize < 1 || !int.IsPow2(bufferSize))
        {
            ThrowHelper.ThrowCapacityNotPowerOfTwo(bufferSize);
        }

        _bufferSize = bufferSize;
        _indexMask = bufferSize - 1;
        _indexShift = BitOperations.Log2((uint)bufferSize);
        _waitStrategy = waitStrategy;
        _signalConsumers = waitStrategy.IsBlockingStrategy;
        _availableBuffer = new int[bufferSize + (2 * FlagPadding)];
        _availableBuffer.AsSpan().Fill(-1);
    }

    /// <inheritdoc/>
    public int BufferSize => _bufferSize;

    /// <inheritdoc/>
    public long Cursor => _cursor.Value;

    /// <inheritdoc/>
    public long RemainingCapacity
    {
        get
        {
            long produced = _cursor.Value;
            long consumed = Sequence.Minimum(Volatile.Read(ref _gatingSequences), produced);
            return _bufferSize - (produced - consumed);
        }
    }

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
        SetAvailable(sequence);
        if (_signalConsumers)
        {
            _waitStrategy.SignalAllWhenBlocking();
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long lo, long hi)
    {
        Debug.Assert(lo <= hi, "An empty or reversed batch.");
        for (long sequence = lo; sequence <= hi; sequence++)
        {
            SetAvailable(sequence);
        }

        if (_signalConsumers)
        {
            _waitStrategy.SignalAllWhenBlocking();
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsAvailable(long sequence)
        => Volatile.Read(ref FlagOf(sequence)) == LapOf(sequence);

    /// <inheritdoc/>
    public long GetHighestPublishedSequence(long lowerBound, long availableSequence)
    {
        for (long sequence = lowerBound; sequence <= availableSequence; sequence++)
        {
            if (!IsAvailable(sequence))
            {
                return sequence - 1;
            }
        }

        return availableSequence;
    }

    /// <inheritdoc/>
    public void AddGatingSequences(params Sequence[] gatingSequences)
        => GatingSequences.Add(ref _gatingSequences, _cursor, gatingSequences);

    /// <inheritdoc/>
    public bool RemoveGatingSequence(Sequence sequence) => GatingSequences.Remove(ref _gatingSequences, sequence);

    /// <inheritdoc/>
    public long GetMinimumGatingSequence() => Sequence.Minimum(Volatile.Read(ref _gatingSequences), _cursor.Value);

    /// <inheritdoc/>
    public SequenceBarrier NewBarrier(params Sequence[] dependentSequences)
        => new(_cursor, this, _waitStrategy, dependentSequences);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long NextInternal(int n)
    {
        while (true)
        {
            long current = _cursor.Value;
            long next = current + n;
            long wrapPoint = next - _bufferSize;
            if (wrapPoint > _gatingSequenceCache.Value)
            {
                WaitForCapacity(current, wrapPoint);
                continue; // others may have claimed meanwhile: re-read the cursor
            }

            if (_cursor.CompareAndSet(current, next))
            {
                return next;
            }
        }
    }

    /// <summary>The ring is (or looked) full: hold this producer back until the slowest consumer has freed
    /// <paramref name="wrapPoint"/>. Nothing is dropped or overwritten.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForCapacity(long current, long wrapPoint)
    {
        SpinWait backoff = default; // spins, then yields, then sleeps 1 ms: never a hot spin for long
        long minimum;
        while (wrapPoint > (minimum = Sequence.Minimum(Volatile.Read(ref _gatingSequences), current)))
        {
            backoff.SpinOnce();
        }

        _gatingSequenceCache.SetValue(minimum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryNextInternal(int n, out long sequence)
    {
        while (true)
        {
            long current = _cursor.Value;
            long next = current + n;
            long wrapPoint = next - _bufferSize;
            if (wrapPoint > _gatingSequenceCache.Value && !RefreshHasCapacity(current, wrapPoint))
            {
                sequence = default;
                return false;
            }

            if (_cursor.CompareAndSet(current, next))
            {
                sequence = next;
                return true;
            }
        }
    }

    /// <summary>Re-reads the consumers' sequences; whether <paramref name="wrapPoint"/> is free now.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RefreshHasCapacity(long current, long wrapPoint)
    {
        long minimum = Sequence.Minimum(Volatile.Read(ref _gatingSequences), current);
        _gatingSequenceCache.SetValue(minimum);
        return wrapPoint <= minimum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetAvailable(long sequence)
    {
        Debug.Assert(sequence <= _cursor.Value, "Published a sequence that was never claimed.");
        Debug.Assert(Volatile.Read(ref FlagOf(sequence)) == LapOf(sequence) - 1,
            "The slot's previous lap was not published, or this sequence is published twice.");

        // Release write: the event written into the slot is visible before the flag says it is there.
        Volatile.Write(ref FlagOf(sequence), LapOf(sequence));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int FlagOf(long sequence)
    {
        int index = FlagPadding + ((int)sequence & _indexMask);
        Debug.Assert((uint)index < (uint)_availableBuffer.Length);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_availableBuffer), index);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int LapOf(long sequence) => (int)(sequence >> _indexShift);
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LiquidationEngine.Ring;

/// <summary>The non-generic part of <see cref="RingBuffer{T}"/>: its padded fields and the claim/publish API,
/// forwarded to the sequencer chosen at construction.</summary>
/// <remarks>
/// The fields live here because the runtime refuses an explicit (padded) layout on a generic class.
/// Calls go to the concrete sequencer through a null check, not an interface call, so they inline.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 152)]
public abstract class RingBuffer
{
    // padding: 56 bytes before the fields and 56 after (Size = 152), so the fields every producer and consumer
    // reads are never on a cache line that another object's writes invalidate.

    /// <summary>The <c>T[]</c> of slots, with <see cref="_entryPadding"/> unused elements at each end.</summary>
    [FieldOffset(56)]
    private protected readonly object _entries;

    /// <summary>Set when the ring has one producer; exactly one of this and <see cref="_multiProducer"/> is set.</summary>
    [FieldOffset(64)]
    private readonly SingleProducerSequencer? _singleProducer;

    [FieldOffset(72)]
    private readonly MultiProducerSequencer? _multiProducer;

    /// <summary><c>BufferSize - 1</c>: <c>sequence &amp; _indexMask</c> is the slot.</summary>
    [FieldOffset(80)]
    private protected readonly long _indexMask;

    /// <summary>Unused elements before the first slot (and after the last), 128 bytes' worth or more.</summary>
    [FieldOffset(88)]
    private protected readonly int _entryPadding;

    [FieldOffset(92)]
    private readonly int _bufferSize;

    private protected RingBuffer(object entries, int entryPadding, ISequencer sequencer)
    {
        _entries = entries;
        _entryPadding = entryPadding;
        _bufferSize = sequencer.BufferSize;
        _indexMask = sequencer.BufferSize - 1;
        _singleProducer = sequencer as SingleProducerSequencer;
        _multiProducer = sequencer as MultiProducerSequencer;
        Debug.Assert(_singleProducer is not null ^ _multiProducer is not null);
    }

    /// <summary>The number of slots (a power of two).</summary>
    public int BufferSize => _bufferSize;

    /// <summary>The sequencer behind this ring.</summary>
    public ISequencer Sequencer => (ISequencer?)_singleProducer ?? _multiProducer!;

    /// <inheritdoc cref="ISequencer.Cursor"/>
    public long Cursor => Sequencer.Cursor;

    /// <inheritdoc cref="ISequencer.RemainingCapacity"/>
    public long RemainingCapacity => Sequencer.RemainingCapacity;

    /// <inheritdoc cref="ISequencer.Next()"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next()
    {
        SingleProducerSequencer? single = _singleProducer;
        return single is not null ? single.Next() : _multiProducer!.Next();
    }

    /// <inheritdoc cref="ISequencer.Next(int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next(int n)
    {
        SingleProducerSequencer? single = _singleProducer;
        return single is not null ? single.Next(n) : _multiProducer!.Next(n);
    }

    /// <inheritdoc cref="ISequencer.TryNext(out long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryNext(out long sequence)
    {
        SingleProducerSequencer? single = _singleProducer;
        return single is not null ? single.TryNext(out sequence) : _multiProducer!.TryNext(out sequence);
    }

    /// <inheritdoc cref="ISequencer.TryNext(int, out long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryNext(int n, out long sequence)
    {
        SingleProducerSequencer? single = _singleProducer;
        return single is not null ? single.TryNext(n, out sequence) : _multiProducer!.TryNext(n, out sequence);
    }

    /// <inheritdoc cref="ISequencer.Publish(long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long sequence)
    {
        SingleProducerSequencer? single = _singleProducer;
        if (single is not null)
        {
            single.Publish(sequence);
        }
        else
        {
            _multiProducer!.Publish(sequence);
        }
    }

    /// <inheritdoc cref="ISequencer.Publish(long, long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long lo, long hi)
    {
        SingleProducerSequencer? single = _singleProducer;
        if (single is not null)
        {
            single.Publish(lo, hi);
        }
        else
        {
            _multiProducer!.Publish(lo, hi);
        }
    }

    /// <inheritdoc cref="ISequencer.AddGatingSequences"/>
    public void AddGatingSequences(params Sequence[] gatingSequences) => Sequencer.AddGatingSequences(gatingSequences);

    /// <inheritdoc cref="ISequencer.RemoveGatingSequence"/>
    public bool RemoveGatingSequence(Sequence sequence) => Sequencer.RemoveGatingSequence(sequence);

    /// <inheritdoc cref="ISequencer.NewBarrier"/>
    public SequenceBarrier NewBarrier(params Sequence[] dependentSequences) => Sequencer.NewBarrier(dependentSequences);
}

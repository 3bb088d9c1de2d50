using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LiquidationEngine.Ring;

/// <summary>A pre-allocated ring of <typeparamref name="T"/> slots that producers claim and publish and consumers
/// read in sequence order (the LMAX Disruptor pattern).</summary>
/// <typeparam name="T">The event: a struct, written in place, so publishing allocates nothing.</typeparam>
/// <remarks>
/// <para>Invariant: the slot of sequence <c>s</c> is <c>s &amp; (BufferSize - 1)</c>; producers never claim
/// <c>s</c> while a gating consumer is still at or below <c>s - BufferSize</c>, so no event is overwritten
/// before every gating consumer has handled it.</para>
/// <example>
/// <code>
/// var ring = RingBuffer&lt;Tick&gt;.CreateSingleProducer(1024, new YieldingWaitStrategy());
/// var consumer = new BatchEventProcessor&lt;Tick, TickHandler&gt;(ring, ring.NewBarrier(), new TickHandler());
/// ring.AddGatingSequences(consumer.Sequence);
/// consumer.Start("tick-consumer");
///
/// long s = ring.Next();
/// ring[s] = new Tick(...);
/// ring.Publish(s);
/// </code>
/// </example>
/// </remarks>
public sealed class RingBuffer<T> : RingBuffer
    where T : struct
{
    private RingBuffer(T[] entries, int entryPadding, ISequencer sequencer)
        : base(entries, entryPadding, sequencer)
    {
    }

    /// <summary>The slot of <paramref name="sequence"/>, by reference: producers write it between claim and publish,
    /// consumers read it between a barrier's wait and advancing their sequence.</summary>
    /// <param name="sequence">A claimed or available sequence.</param>
    public ref T this[long sequence]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            T[] entries = Unsafe.As<T[]>(_entries);
            nint index = _entryPadding + (nint)(sequence & _indexMask);
            Debug.Assert((nuint)index < (nuint)entries.Length);
            return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(entries), index);
        }
    }

    /// <summary>Creates a ring for exactly one producer thread (claims need no CAS).</summary>
    /// <param name="capacity">The number of slots: a power of two.</param>
    /// <param name="waitStrategy">How consumers wait for events.</param>
    /// <returns>A ring whose slots are all allocated up front.</returns>
    /// <exception cref="ArgumentException"><paramref name="capacity"/> is not a positive power of two.</exception>
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "RingBuffer<T>.CreateSingleProducer reads as intended.")]
    public static RingBuffer<T> CreateSingleProducer(int capacity, IWaitStrategy waitStrategy)
        => Create(new SingleProducerSequencer(capacity, waitStrategy));

    /// <summary>Creates a ring that any number of threads may publish to.</summary>
    /// <param name="capacity">The number of slots: a power of two.</param>
    /// <param name="waitStrategy">How consumers wait for events.</param>
    /// <returns>A ring whose slots are all allocated up front.</returns>
    /// <exception cref="ArgumentException"><paramref name="capacity"/> is not a positive power of two.</exception>
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "RingBuffer<T>.CreateMultiProducer reads as intended.")]
    public static RingBuffer<T> CreateMultiProducer(int capacity, IWaitStrategy waitStrategy)
        => Create(new MultiProducerSequencer(capacity, waitStrategy));

    private static RingBuffer<T> Create(ISequencer sequencer)
    {
        // padding: at least 128 bytes of unused slots at each end, so neighbouring objects never share a
        // cache line (or its prefetch pair) with the first or last slot.
        int padding = (128 + Unsafe.SizeOf<T>() - 1) / Unsafe.SizeOf<T>();
        var entries = new T[sequencer.BufferSize + (2 * padding)];
        return new RingBuffer<T>(entries, padding, sequencer);
    }
}

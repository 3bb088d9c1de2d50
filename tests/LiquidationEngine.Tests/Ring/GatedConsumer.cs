using LiquidationEngine.Ring;

namespace LiquidationEngine.Tests.Ring;

/// <summary>Builds the usual test topology: one consumer reading straight behind the producer, and gating it,
/// so the producer can never overwrite a slot the consumer has not handled.</summary>
internal static class GatedConsumer
{
    public static BatchEventProcessor<T, THandler> On<T, THandler>(RingBuffer<T> ring, THandler handler)
        where T : struct
        where THandler : struct, IEventHandler<T>
        => Gate(ring, new BatchEventProcessor<T, THandler>(ring, ring.NewBarrier(), handler));

    /// <summary>As <see cref="On{T,THandler}(RingBuffer{T},THandler)"/>, with idle-work timeouts every
    /// <paramref name="idleTimeout"/>.</summary>
    public static BatchEventProcessor<T, THandler> On<T, THandler>(RingBuffer<T> ring, THandler handler, TimeSpan idleTimeout)
        where T : struct
        where THandler : struct, IEventHandler<T>
        => Gate(ring, new BatchEventProcessor<T, THandler>(ring, ring.NewBarrier(), handler, idleTimeout));

    private static BatchEventProcessor<T, THandler> Gate<T, THandler>(RingBuffer<T> ring, BatchEventProcessor<T, THandler> consumer)
        where T : struct
        where THandler : struct, IEventHandler<T>
    {
        ring.AddGatingSequences(consumer.Sequence);
        return consumer;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace LiquidationEngine.Ring;

/// <summary>Handles the events of a ring, one batch at a time, on the consumer's thread.</summary>
/// <typeparam name="T">The event type.</typeparam>
/// <remarks>
/// <para>Implement it on a <see langword="struct"/> and run it with <see cref="BatchEventProcessor{T, THandler}"/>:
/// the processor is specialised for the struct, so <see cref="OnEvent"/> is a direct, inlinable call.</para>
/// <para>The hooks other than <see cref="OnEvent"/> are optional (they default to doing nothing). The processor
/// calls only the hooks the struct itself implements, so an unimplemented hook costs nothing, and an implemented one
/// runs on the processor's own copy of the struct (its field writes stick).</para>
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The Disruptor's name for a ring consumer's handler; not a .NET event delegate.")]
public interface IEventHandler<T>
    where T : struct
{
    /// <summary>Handles one event.</summary>
    /// <param name="data">The event in its ring slot; do not keep the reference after returning.</param>
    /// <param name="sequence">The event's sequence.</param>
    /// <param name="endOfBatch">Whether this is the last event available right now: a good moment to flush.</param>
    void OnEvent(ref T data, long sequence, bool endOfBatch);

    /// <summary>Called before the events of a batch.</summary>
    /// <param name="batchSize">How many events the batch holds (at least 1).</param>
    void OnBatchStart(long batchSize)
    {
    }

    /// <summary>Called on the consumer thread before it handles the first event.</summary>
    void OnStart()
    {
    }

    /// <summary>Called on the consumer thread after its last event, when it halts or faults.</summary>
    void OnShutdown()
    {
    }

    /// <summary>Called when the processor's idle timeout passed with no event to handle: time for idle work such as flushing.</summary>
    /// <param name="sequence">The last sequence this consumer has handled.</param>
    void OnTimeout(long sequence)
    {
    }
}

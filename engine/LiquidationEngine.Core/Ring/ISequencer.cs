namespace LiquidationEngine.Ring;

/// <summary>Hands out ring slots to producers (claim), makes them visible to consumers (publish), and holds
/// producers back while the slowest gating consumer is a whole ring behind.</summary>
/// <remarks>
/// <para>Usage: <c>long s = Next(); ring[s] = ...; Publish(s);</c>. Every claimed sequence must be published,
/// or consumers stall at it.</para>
/// <para>Back-pressure, not loss: a producer never claims a slot the slowest gating consumer has not finished
/// with. <see cref="Next()"/> waits for it; <see cref="TryNext(out long)"/> reports false instead.</para>
/// </remarks>
public interface ISequencer
{
    /// <summary>The number of slots in the ring (a power of two).</summary>
    int BufferSize { get; }

    /// <summary>The cursor: the highest published sequence for a single producer; the highest claimed
    /// sequence for multiple producers (use <see cref="GetHighestPublishedSequence"/> for what is readable).</summary>
    long Cursor { get; }

    /// <summary>How many slots could be claimed now without waiting (a snapshot: consumers keep moving).</summary>
    long RemainingCapacity { get; }

    /// <summary>Claims the next slot, waiting while the ring is full.</summary>
    /// <returns>The claimed sequence.</returns>
    /// <remarks>The wait spins, then yields, then sleeps 1 ms at a time, until the slowest gating consumer moves.
    /// If that consumer has stopped (halted or faulted) the producer waits until it runs again.</remarks>
    long Next();

    /// <summary>Claims the next <paramref name="n"/> slots, waiting while the ring lacks room for them.</summary>
    /// <param name="n">How many slots, between 1 and <see cref="BufferSize"/>.</param>
    /// <returns>The highest claimed sequence; the batch is <c>[hi - n + 1, hi]</c>.</returns>
    long Next(int n);

    /// <summary>Claims the next slot if the ring has room now, without waiting.</summary>
    /// <param name="sequence">The claimed sequence when this returns <see langword="true"/>.</param>
    /// <returns><see langword="false"/> if the ring is full.</returns>
    bool TryNext(out long sequence);

    /// <summary>Claims the next <paramref name="n"/> slots if the ring has room for all of them now.</summary>
    /// <param name="n">How many slots, between 1 and <see cref="BufferSize"/>.</param>
    /// <param name="sequence">The highest claimed sequence when this returns <see langword="true"/>.</param>
    /// <returns><see langword="false"/> if the ring lacks room.</returns>
    bool TryNext(int n, out long sequence);

    /// <summary>Makes a claimed slot visible to consumers.</summary>
    /// <param name="sequence">A sequence returned by a claim.</param>
    void Publish(long sequence);

    /// <summary>Makes the claimed slots <paramref name="lo"/> to <paramref name="hi"/> (inclusive) visible to consumers.</summary>
    /// <param name="lo">The lowest sequence of the batch.</param>
    /// <param name="hi">The highest sequence of the batch.</param>
    void Publish(long lo, long hi);

    /// <summary>Whether <paramref name="sequence"/> is published and still in the ring.</summary>
    /// <param name="sequence">The sequence to check.</param>
    /// <returns><see langword="true"/> if a consumer may read it.</returns>
    bool IsAvailable(long sequence);

    /// <summary>The highest sequence in <c>[lowerBound, availableSequence]</c> such that every sequence from
    /// <paramref name="lowerBound"/> up to it is published; <c>lowerBound - 1</c> if <paramref name="lowerBound"/> is not.</summary>
    /// <param name="lowerBound">The next sequence the consumer needs.</param>
    /// <param name="availableSequence">The highest sequence that might be published (the cursor).</param>
    /// <returns>The end of the contiguous published range.</returns>
    long GetHighestPublishedSequence(long lowerBound, long availableSequence);

    /// <summary>Adds consumer sequences that producers must not lap; each is first moved up to the cursor if behind.</summary>
    /// <param name="gatingSequences">The consumers' sequences (usually those of the last stages).</param>
    /// <remarks>Add them before publishing starts: with no gating sequence the ring has no consumers to protect
    /// and producers wrap freely.</remarks>
    void AddGatingSequences(params Sequence[] gatingSequences);

    /// <summary>Stops gating on <paramref name="sequence"/>.</summary>
    /// <param name="sequence">A sequence added with <see cref="AddGatingSequences"/>.</param>
    /// <returns><see langword="true"/> if it was found.</returns>
    bool RemoveGatingSequence(Sequence sequence);

    /// <summary>The lowest gating sequence, or the cursor if there are none or it is lower.</summary>
    /// <returns>The sequence of the slowest gating consumer.</returns>
    long GetMinimumGatingSequence();

    /// <summary>Creates a barrier for a consumer that waits for the producers and, if given, for other consumers.</summary>
    /// <param name="dependentSequences">Sequences of consumers that must process an event first (none: wait only
    /// for the producers).</param>
    /// <returns>A new barrier; give each consumer its own.</returns>
    SequenceBarrier NewBarrier(params Sequence[] dependentSequences);
}

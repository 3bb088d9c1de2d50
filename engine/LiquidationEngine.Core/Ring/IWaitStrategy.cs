namespace LiquidationEngine.Ring;

/// <summary>How a consumer waits for a sequence that is not available yet: spin, yield, sleep or block.</summary>
/// <remarks>
/// <para>A wait returns as soon as the sequence is available, the barrier is alerted, or the deadline passes;
/// it never throws to report the last two, so an idle or halting consumer does not allocate.</para>
/// <para>The built-in strategies are sealed classes, so calls through a known type are devirtualised, and
/// the ring only calls <see cref="SignalAllWhenBlocking"/> when <see cref="IsBlockingStrategy"/> is set.</para>
/// </remarks>
public interface IWaitStrategy
{
    /// <summary>Whether consumers may sleep until signalled, so producers must call
    /// <see cref="SignalAllWhenBlocking"/> after each publish.</summary>
    bool IsBlockingStrategy { get; }

    /// <summary>Waits until <paramref name="sequence"/> is available through <paramref name="barrier"/>.</summary>
    /// <param name="sequence">The sequence the consumer needs next.</param>
    /// <param name="barrier">The barrier that knows what is available and whether the consumer was alerted.</param>
    /// <param name="deadline">A <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> value after which to give up,
    /// or <see cref="SequenceBarrier.NoDeadline"/>.</param>
    /// <returns>The highest available sequence (at least <paramref name="sequence"/>), or
    /// <see cref="SequenceBarrier.Alerted"/>, or <see cref="SequenceBarrier.TimedOut"/>.</returns>
    long WaitFor(long sequence, SequenceBarrier barrier, long deadline);

    /// <summary>Wakes consumers blocked in <see cref="WaitFor"/>; producers call it after publishing,
    /// and <see cref="SequenceBarrier.Alert"/> calls it to stop them.</summary>
    void SignalAllWhenBlocking();
}

using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LiquidationEngine.Ring;

/// <summary>What one consumer waits on: the producers' published sequence and, for a chained stage, the
/// sequences of the consumers that must handle each event first.</summary>
/// <remarks>
/// <para>Invariant: <see cref="WaitFor(long)"/> never returns a sequence that is not published by the producers
/// and processed by every dependent consumer, and everything between the requested sequence and the returned one
/// is available too (the consumer takes it as one batch).</para>
/// <para>Waits end in a value, not an exception: <see cref="Alerted"/> when <see cref="Alert"/> was called
/// (the consumer is being halted), <see cref="TimedOut"/> when the timeout passed with nothing to do.</para>
/// <example>
/// An output stage that may only see an event after both the journal and the business logic handled it:
/// <code>
/// SequenceBarrier outputBarrier = ring.NewBarrier(journal.Sequence, businessLogic.Sequence);
/// </code>
/// </example>
/// </remarks>
public sealed class SequenceBarrier
{
    /// <summary>Returned by a wait when the barrier was alerted (the consumer should check whether it is halted).</summary>
    public const long Alerted = long.MinValue;

    /// <summary>Returned by a wait when its timeout passed before the sequence became available.</summary>
    public const long TimedOut = long.MinValue + 1;

    /// <summary>The deadline passed to <see cref="IWaitStrategy.WaitFor"/> for a wait without a timeout.</summary>
    public const long NoDeadline = long.MaxValue;

    /// <summary>Stopwatch ticks meaning "no timeout".</summary>
    private const long InfiniteTicks = -1;

    /// <summary>The producers' cursor: published (single producer) or claimed (multi-producer).</summary>
    private readonly Sequence _cursor;

    /// <summary>Set for a multi-producer ring, whose cursor runs ahead of what is published.</summary>
    private readonly MultiProducerSequencer? _multiProducer;

    private readonly IWaitStrategy _waitStrategy;

    /// <summary>Consumers that must process an event before this barrier lets it through; empty for a first stage.</summary>
    private readonly Sequence[] _dependents;

    /// <summary>Set by <see cref="Alert"/> to wake and stop the consumer; cleared when it runs again.</summary>
    private volatile bool _alerted;

    internal SequenceBarrier(Sequence cursor, MultiProducerSequencer? multiProducer, IWaitStrategy waitStrategy, Sequence[] dependents)
    {
        ArgumentNullException.ThrowIfNull(dependents);
        foreach (Sequence dependent in dependents)
        {
            ArgumentNullException.ThrowIfNull(dependent, nameof(dependents));
        }

        _cursor = cursor;
        _multiProducer = multiProducer;
        _waitStrategy = waitStrategy;
        _dependents = (Sequence[])dependents.Clone(); // the caller's params array must not change what we gate on
    }

    /// <summary>Whether <see cref="Alert"/> was called and not cleared since.</summary>
    public bool IsAlerted => _alerted;

    /// <summary>Whether this barrier also waits for other consumers (a chained stage).</summary>
    public bool HasDependents => _dependents.Length != 0;

    /// <summary>Waits, with no timeout, until <paramref name="sequence"/> is available or the barrier is alerted.</summary>
    /// <param name="sequence">The next sequence the consumer needs.</param>
    /// <returns>The highest available sequence (at least <paramref name="sequence"/>; take them all as one batch),
    /// or <see cref="Alerted"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long WaitFor(long sequence) => WaitFor(sequence, InfiniteTicks);

    /// <summary>Waits until <paramref name="sequence"/> is available, the barrier is alerted or the timeout passes.</summary>
    /// <param name="sequence">The next sequence the consumer needs.</param>
    /// <param name="timeout">How long to wait, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <returns>The highest available sequence (at least <paramref name="sequence"/>), or <see cref="Alerted"/>,
    /// or <see cref="TimedOut"/>.</returns>
    public long WaitFor(long sequence, TimeSpan timeout) => WaitFor(sequence, ToStopwatchTicks(timeout));

    /// <summary>The highest sequence the producers have published contiguously from <paramref name="sequence"/>
    /// (below <paramref name="sequence"/> if it is not published yet).</summary>
    /// <param name="sequence">The next sequence the consumer needs.</param>
    /// <returns>The end of the published run, ignoring dependent consumers.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long GetPublished(long sequence)
    {
        long cursor = _cursor.Value;
        MultiProducerSequencer? multiProducer = _multiProducer;
        return multiProducer is null || cursor < sequence
            ? cursor
            : multiProducer.GetHighestPublishedSequence(sequence, cursor);
    }

    /// <summary>The highest sequence this consumer may read: published, and processed by every dependent consumer.</summary>
    /// <param name="sequence">The next sequence the consumer needs.</param>
    /// <returns>Below <paramref name="sequence"/> if it is not available yet.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long GetAvailable(long sequence)
    {
        Sequence[] dependents = _dependents;

        // Dependents only pass published events, so their minimum is published and contiguous.
        return dependents.Length == 0 ? GetPublished(sequence) : Sequence.Minimum(dependents, long.MaxValue);
    }

    /// <summary>Alerts the consumer: its current or next wait returns <see cref="Alerted"/>, waking it if it blocks.</summary>
    public void Alert()
    {
        _alerted = true;
        _waitStrategy.SignalAllWhenBlocking();
    }

    /// <summary>Clears the alert so waits work again (a processor does this when it starts running).</summary>
    public void ClearAlert() => _alerted = false;

    /// <summary>Whether a <see cref="Stopwatch.GetTimestamp"/> deadline has passed (never for <see cref="NoDeadline"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsPast(long deadline) => deadline != NoDeadline && Stopwatch.GetTimestamp() >= deadline;

    /// <summary>Converts a timeout to <see cref="Stopwatch"/> ticks; -1 for <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    internal static long ToStopwatchTicks(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return InfiniteTicks;
        }

        if (timeout < TimeSpan.Zero)
        {
            ThrowHelper.ThrowNegativeTimeout(timeout);
        }

        double ticks = timeout.TotalSeconds * Stopwatch.Frequency;
        return ticks >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)ticks;
    }

    /// <summary>The wait used by processors: <paramref name="timeoutTicks"/> in Stopwatch ticks, negative for none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal long WaitFor(long sequence, long timeoutTicks)
    {
        if (_alerted)
        {
            return Alerted;
        }

        long available = GetAvailable(sequence);
        return available >= sequence ? available : WaitSlow(sequence, timeoutTicks);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long WaitSlow(long sequence, long timeoutTicks)
    {
        long deadline = timeoutTicks < 0 ? NoDeadline : Stopwatch.GetTimestamp() + timeoutTicks;
        long available = _waitStrategy.WaitFor(sequence, this, deadline);
        Debug.Assert(available >= sequence || available == Alerted || available == TimedOut,
            "A wait strategy returned before the sequence was available without a reason.");
        return available;
    }
}
